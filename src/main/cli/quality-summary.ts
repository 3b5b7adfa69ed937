import type { ImportReport } from '../core/data/import-report'

/** The data-quality report as lines for stderr: counts per kind, then the first issues with their lines. */
export function formatQualityIssues(report: ImportReport, limit = 20): string {
  const q = report.quality
  const counts = Object.entries(q.counts)
    .filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind} ${n}`)
  if (counts.length === 0) return ''
  const unit = report.lineUnit === 'record' ? 'record' : 'line'
  const lines = [`data quality (${report.file}, policy ${q.policy}): ${counts.join(', ')}`]
  for (const issue of q.issues.slice(0, limit)) lines.push(`  ${unit} ${issue.line}: ${issue.kind}: ${issue.message}`)
  const more = q.errors + q.warnings - Math.min(limit, q.issues.length)
  if (more > 0) lines.push(`  … ${more} more (all of them are in the JSON report's manifest.dataQuality)`)
  return `${lines.join('\n')}\n`
}
