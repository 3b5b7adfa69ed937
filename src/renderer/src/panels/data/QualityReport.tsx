import type { QualityReportView } from '../../../../shared/api'
import { VirtualList } from '../../components/VirtualList'
import { fmtCount, WARNING_KINDS } from './data-format'

const CALENDAR_LABELS = { '24x7': '24×7', weekdays: 'Mon–Fri', 'us-equity-regular': 'US equity 09:30–16:00 ET', 'us-equity-extended': 'US equity 04:00–20:00 ET' } as const

const POLICY_TEXT: Record<QualityReportView['policy'], string> = {
  reject: 'reject — any invalid row refuses the file',
  drop: 'drop — invalid rows, outliers and zero-volume fillers dropped',
  'keep-gaps': 'keep-gaps — invalid rows dropped, gaps kept',
  'forward-fill': 'forward-fill — invalid rows dropped, missing bars filled'
}

const ROW_HEIGHT = 22

/** The full report of the quality gate: totals, counts per issue kind, and the issues with their lines. */
export function QualityReport({ quality, testId, lineUnit = 'line' }: { quality: QualityReportView; testId: string; lineUnit?: 'line' | 'record' }) {
  const q = quality
  const kinds = Object.entries(q.counts)
  const found = kinds.filter(([, n]) => n > 0)
  const clear = kinds.filter(([, n]) => n === 0)
  const total = kinds.reduce((n, [, c]) => n + c, 0)
  return (
    <div className="dm-quality" data-testid={testId} data-errors={q.errors} data-warnings={q.warnings}>
      <div className="dm-totals">
        <Total label="errors" n={q.errors} tone="bad" id="errors" />
        <Total label="warnings" n={q.warnings} tone="warn" id="warnings" />
        <Total label="rows dropped" n={q.rowsDropped} tone="warn" id="rowsDropped" />
        <Total label="missing bars" n={q.missingBars} tone="muted" id="missingBars" />
        <Total label="synthetic bars" n={q.syntheticBars} tone="muted" id="syntheticBars" />
      </div>
      <div className="dm-policy small">
        <span className="muted">Policy</span> <span data-testid={`${testId}-policy`}>{POLICY_TEXT[q.policy]}</span>
        {q.sessions ? (
          <>
            {' '}
            · <span className="muted">calendar</span> {q.sessions === undefined ? '24×7' : CALENDAR_LABELS[q.sessions]}
          </>
        ) : null}{' '}
        · <span className="muted">outliers beyond</span> {q.outlierSigma} σ
      </div>
      <div className="dm-counts" data-testid={`${testId}-counts`}>
        {found.length ? (
          <div className="dm-kinds">
            {found.map(([kind, n]) => (
              <span key={kind} className={`dm-kind ${WARNING_KINDS.has(kind) ? 'warn' : 'bad'}`} data-kind={kind} data-count={n}>
                <span className="dm-kind-name">{kind}</span>
                <span className="dm-kind-n">{fmtCount(n)}</span>
              </span>
            ))}
          </div>
        ) : null}
        {clear.length ? (
          <details className="small muted dm-clear">
            <summary>
              {found.length ? `No findings of the other ${clear.length} kinds` : `No findings of any of the ${clear.length} kinds checked`}
            </summary>
            {clear.map(([kind, n], i) => (
              <span key={kind} data-kind={kind} data-count={n}>
                {i > 0 ? ' · ' : ''}
                {kind}
              </span>
            ))}
          </details>
        ) : null}
      </div>
      {q.issues.length === 0 ? (
        <div className="muted dm-no-issues">No issues: every row passed the checks.</div>
      ) : (
        <div className="dm-issues table" data-testid={`${testId}-issues`} data-rows={q.issues.length}>
          <div className="trow thead dm-issue-row">
            <div className="tcell align-right">{lineUnit === 'record' ? 'Record' : 'Line'}</div>
            <div className="tcell">Kind</div>
            <div className="tcell">Message</div>
          </div>
          {q.issues.length > 200 ? (
            <VirtualList className="tbody" count={q.issues.length} rowHeight={ROW_HEIGHT} renderRow={(i) => <IssueRow issue={q.issues[i]} key={i} fixed />} />
          ) : (
            <div className="tbody dm-wrap">
              {q.issues.map((issue, i) => (
                <IssueRow issue={issue} key={i} />
              ))}
            </div>
          )}
        </div>
      )}
      {q.issuesTruncated ? (
        <div className="muted small">
          Showing the first {fmtCount(q.issues.length)} of {fmtCount(total)} issues (by line); the counts above are complete.
        </div>
      ) : null}
    </div>
  )
}

function Total({ label, n, tone, id }: { label: string; n: number; tone: 'bad' | 'warn' | 'muted'; id: string }) {
  return (
    <span className={`dm-total ${n > 0 ? `tone-${tone}` : 'zero'}`} data-stat={id}>
      <strong>{fmtCount(n)}</strong> {label}
    </span>
  )
}

/** `fixed`: one line of fixed height (virtualised list); otherwise the message wraps. */
function IssueRow({ issue, fixed = false }: { issue: QualityReportView['issues'][number]; fixed?: boolean }) {
  const tone = WARNING_KINDS.has(issue.kind) ? 'warn' : 'bad'
  return (
    <div className={`trow dm-issue-row ${fixed ? 'fixed' : ''}`} style={fixed ? { height: ROW_HEIGHT } : undefined} data-line={issue.line} data-kind={issue.kind} title={issue.message}>
      <div className="tcell align-right dm-line">{issue.line}</div>
      <div className={`tcell dm-issue-kind ${tone}`}>{issue.kind}</div>
      <div className="tcell dm-issue-msg">{issue.message}</div>
    </div>
  )
}
