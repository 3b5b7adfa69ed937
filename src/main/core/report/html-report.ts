import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { BacktestReport, Statistics, StatisticKey, Trade } from './types'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c])
}

/**
 * JSON for a `<script type="application/json">` block: `<` is written as \u003c so no `</script>`
 * or `<!--` inside a string can end the block; JSON.parse reads it back unchanged. Values JSON
 * cannot hold (NaN, Infinity, bigint) become null / strings rather than failing the render.
 */
export function jsonForScript(value: unknown): string {
  return safeJson(value).replace(/</g, '\\u003c')
}

function safeJson(value: unknown, indent?: number): string {
  const json = JSON.stringify(value, (_key, v: unknown) => {
    if (typeof v === 'number' && !Number.isFinite(v)) return null
    if (typeof v === 'bigint') return v.toString()
    return v
  }, indent)
  return json ?? 'null'
}

let echartsSource: string | null = null

/** The ECharts browser build, inlined so the page needs no network. */
function echartsScript(): string {
  if (echartsSource === null) {
    const file = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js')
    echartsSource = readFileSync(file, 'utf8').replace(/<\/script/gi, '<\\/script')
  }
  return echartsSource
}

const DAY_MS = 86_400_000

function isoTime(ts: number | null): string {
  if (ts === null || !Number.isFinite(ts)) return '—'
  const iso = new Date(ts).toISOString()
  return iso.endsWith('T00:00:00.000Z') ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ')
}

/** Fixed decimals with thousands separators, independent of the machine's locale. */
function fixed(x: number, digits: number): string {
  const abs = Math.abs(x).toFixed(digits)
  const [int, frac] = abs.split('.')
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const minus = x < 0 && /[1-9]/.test(abs) ? '−' : ''
  return `${minus}${grouped}${frac === undefined ? '' : `.${frac}`}`
}

/** Prices and amounts keep 6 significant digits, whatever their scale. */
function sig(x: number): string {
  if (x === 0) return '0'
  const digits = Math.max(0, Math.min(10, 5 - Math.floor(Math.log10(Math.abs(x)))))
  return fixed(x, digits)
}

/** Amounts without trailing zeros: 10, 0.015. */
function amountText(x: number): string {
  return sig(x).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '')
}

function pct(x: number): string {
  return `${fixed(x * 100, 2)}%`
}

function duration(ms: number): string {
  if (ms >= DAY_MS) return `${fixed(ms / DAY_MS, 1)} d`
  if (ms >= 3_600_000) return `${fixed(ms / 3_600_000, 1)} h`
  if (ms >= 60_000) return `${fixed(ms / 60_000, 1)} min`
  return `${fixed(ms / 1000, 1)} s`
}

type Format = 'pct' | 'ratio' | 'money' | 'days' | 'duration' | 'int' | 'time' | 'num'

function formatStat(stats: Statistics, key: StatisticKey, format: Format): string {
  const inf = stats.nonFinite[key]
  if (inf !== undefined) return inf === 'Infinity' ? '∞' : '−∞'
  const v = stats[key]
  if (v === null) return '—'
  if (typeof v !== 'number') return String(v)
  switch (format) {
    case 'pct': return pct(v)
    case 'ratio': return fixed(v, 3)
    case 'money': return fixed(v, 2)
    case 'days': return `${fixed(v, 1)} d`
    case 'duration': return duration(v)
    case 'int': return fixed(v, 0)
    case 'time': return isoTime(v)
    case 'num': return amountText(v)
  }
}

const STAT_ROWS: ReadonlyArray<readonly [string, StatisticKey, Format]> = [
  ['Start', 'startTs', 'time'],
  ['End', 'endTs', 'time'],
  ['Duration', 'durationMs', 'duration'],
  ['Initial equity', 'initialEquity', 'money'],
  ['Final equity', 'finalEquity', 'money'],
  ['Peak equity', 'peakEquity', 'money'],
  ['Total return', 'totalReturn', 'pct'],
  ['CAGR', 'cagr', 'pct'],
  ['Buy & hold return', 'buyAndHoldReturn', 'pct'],
  ['Max drawdown', 'maxDrawdown', 'pct'],
  ['Max drawdown peak', 'maxDrawdownPeakTs', 'time'],
  ['Max drawdown trough', 'maxDrawdownTroughTs', 'time'],
  ['Max drawdown recovery', 'maxDrawdownRecoveryTs', 'time'],
  ['Longest drawdown', 'maxDrawdownDurationDays', 'days'],
  ['Volatility (ann.)', 'volatility', 'pct'],
  ['Sharpe ratio', 'sharpe', 'ratio'],
  ['Sortino ratio', 'sortino', 'ratio'],
  ['Calmar ratio', 'calmar', 'ratio'],
  ['Periods per year', 'periodsPerYear', 'num'],
  ['Risk-free rate', 'riskFreeRate', 'pct'],
  ['Exposure', 'exposure', 'pct'],
  ['Trades', 'tradeCount', 'int'],
  ['Win rate', 'winRate', 'pct'],
  ['Gross profit', 'grossProfit', 'money'],
  ['Gross loss', 'grossLoss', 'money'],
  ['Profit factor', 'profitFactor', 'ratio'],
  ['Expectancy', 'expectancy', 'money'],
  ['Expectancy %', 'expectancyPct', 'pct'],
  ['SQN', 'sqn', 'ratio'],
  ['Best trade', 'bestTradePct', 'pct'],
  ['Worst trade', 'worstTradePct', 'pct'],
  ['Avg trade (geometric)', 'avgTradePct', 'pct'],
  ['Avg trade duration', 'avgTradeDurationMs', 'duration']
]

const MANIFEST_FIRST = ['engine', 'params', 'symbol', 'dataFingerprint', 'appVersion', 'seed', 'fillRules', 'lookAheadWarning']

/** Caps the server-rendered trades table; every trade stays in the embedded JSON. */
const MAX_TRADE_ROWS = 5000

function manifestValue(v: unknown): string {
  if (typeof v === 'string') return escapeHtml(v)
  if (v !== null && typeof v === 'object') return `<pre>${escapeHtml(safeJson(v, 2))}</pre>`
  return escapeHtml(String(v))
}

function manifestRows(manifest: Record<string, unknown>, journalHash: string): string {
  const keys = [...MANIFEST_FIRST.filter((k) => k in manifest), ...Object.keys(manifest).filter((k) => !MANIFEST_FIRST.includes(k))]
  const rows = keys.map((k) => `<tr><th>${escapeHtml(k)}</th><td>${manifestValue(manifest[k])}</td></tr>`)
  if (journalHash !== '') rows.push(`<tr><th>journalHash</th><td><code>${escapeHtml(journalHash)}</code></td></tr>`)
  return rows.join('\n')
}

function tradeRow(t: Trade, label: string, open: boolean): string {
  const cls = t.pnl > 0 ? 'pos' : t.pnl < 0 ? 'neg' : ''
  const cells = [
    label,
    escapeHtml(t.symbol),
    `<span class="side-${t.side}">${t.side}</span>${open ? ' <span class="tag">open</span>' : ''}`,
    isoTime(t.entryTs),
    sig(t.entryPrice),
    isoTime(t.exitTs),
    sig(t.exitPrice),
    amountText(t.amount),
    t.barsHeld === undefined ? '—' : String(t.barsHeld),
    duration(t.durationMs),
    fixed(t.grossPnl, 2),
    fixed(t.fees, 2),
    `<span class="${cls}">${fixed(t.pnl, 2)}</span>`,
    `<span class="${cls}">${pct(t.returnPct)}</span>`
  ]
  return `<tr>${cells.map((c) => `<td>${c}</td>`).join('')}</tr>`
}

function tradesTable(report: BacktestReport): string {
  const head = ['#', 'Symbol', 'Side', 'Entry time', 'Entry price', 'Exit time', 'Exit price', 'Amount', 'Bars', 'Duration', 'Gross P&L', 'Fees', 'P&L', 'Return']
  const shown = report.trades.slice(0, MAX_TRADE_ROWS)
  const rows = shown.map((t, i) => tradeRow(t, String(i + 1), false))
  for (const t of report.openTrades) rows.push(tradeRow(t, '—', true))
  const note = report.trades.length > shown.length
    ? `<p class="note">Showing the first ${shown.length} of ${report.trades.length} trades; all are in the embedded data.</p>`
    : ''
  const empty = rows.length === 0 ? '<p class="note">No trades.</p>' : ''
  return `${note}${empty}<table class="trades"><thead><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`
}

function kpi(label: string, value: string, cls = ''): string {
  return `<div class="kpi"><div class="kpi-label">${escapeHtml(label)}</div><div class="kpi-value ${cls}">${value}</div></div>`
}

const STYLE = `
:root { color-scheme: dark; --bg:#0f1419; --panel:#161c24; --line:#263040; --text:#d7dde5; --muted:#8a96a8; --pos:#26a69a; --neg:#ef5350; --accent:#5b9cf6; }
* { box-sizing: border-box; }
body { margin:0; background:var(--bg); color:var(--text); font:14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width:1280px; margin:0 auto; padding:20px 24px 48px; }
h1 { font-size:22px; margin:0 0 4px; }
h2 { font-size:15px; margin:0 0 10px; color:var(--muted); font-weight:600; text-transform:uppercase; letter-spacing:.04em; }
.sub { color:var(--muted); }
section { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:14px 16px; margin-top:16px; }
.warn { background:#3a2a10; border-color:#a06a10; color:#ffd28a; }
.warn ul { margin:0; padding-left:20px; }
.kpis { display:grid; grid-template-columns:repeat(auto-fit, minmax(140px, 1fr)); gap:12px; }
.kpi-label { color:var(--muted); font-size:12px; }
.kpi-value { font-size:20px; font-weight:600; font-variant-numeric:tabular-nums; }
.chart { width:100%; height:340px; }
.chart.small { height:200px; }
.grid2 { display:grid; grid-template-columns:1fr 1fr; gap:16px; background:none; border:none; padding:0; }
.grid2 > div { background:var(--panel); border:1px solid var(--line); border-radius:8px; padding:14px 16px; min-width:0; }
@media (max-width: 900px) { .grid2 { grid-template-columns:1fr; } }
table { border-collapse:collapse; width:100%; font-variant-numeric:tabular-nums; }
th, td { padding:4px 8px; border-bottom:1px solid var(--line); text-align:left; vertical-align:top; }
.stats td, .trades td { text-align:right; }
.stats th { font-weight:500; color:var(--muted); }
.trades { font-size:12.5px; }
.trades th { color:var(--muted); font-weight:500; position:sticky; top:0; background:var(--panel); }
.trades-wrap { max-height:560px; overflow:auto; }
pre { margin:0; white-space:pre-wrap; word-break:break-all; font-size:12px; }
code { font-size:12px; word-break:break-all; }
.pos { color:var(--pos); } .neg { color:var(--neg); }
.side-long { color:var(--pos); } .side-short { color:var(--neg); }
.tag { background:var(--line); border-radius:4px; padding:0 4px; font-size:11px; color:var(--text); }
.note { color:var(--muted); margin:0 0 8px; }
`

/** Builds the charts from the embedded JSON; runs in the page after the ECharts build. */
const CHART_SCRIPT = `
(function () {
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var esc = function (x) { return String(x).replace(/[&<>"']/g, function (c) { return '&#' + c.charCodeAt(0) + ';'; }); };
  var C = { text: '#d7dde5', muted: '#8a96a8', line: '#263040', pos: '#26a69a', neg: '#ef5350', accent: '#5b9cf6', exit: '#e0c060' };
  var charts = [];
  function base(extra) {
    var o = {
      backgroundColor: 'transparent',
      useUTC: true,
      animation: false,
      textStyle: { color: C.text },
      grid: { left: 70, right: 24, top: 28, bottom: 56 },
      tooltip: { trigger: 'axis', axisPointer: { type: 'cross', label: { backgroundColor: '#333d4d' } }, backgroundColor: '#1d2530', borderColor: C.line, textStyle: { color: C.text } },
      xAxis: { type: 'time', axisLine: { lineStyle: { color: C.line } }, axisLabel: { color: C.muted }, splitLine: { show: false } },
      yAxis: { type: 'value', scale: true, axisLine: { lineStyle: { color: C.line } }, axisLabel: { color: C.muted }, splitLine: { lineStyle: { color: C.line } } },
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8, borderColor: C.line, textStyle: { color: C.muted } }]
    };
    for (var k in extra) o[k] = extra[k];
    return o;
  }
  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    var chart = echarts.init(el, null, { renderer: 'canvas' });
    chart.setOption(option);
    chart.group = 'report';
    charts.push(chart);
  }
  var ts = data.equity.ts;
  make('chart-equity', base({
    series: [{
      name: 'Equity', type: 'line', showSymbol: false, sampling: 'lttb', lineStyle: { color: C.accent, width: 1.5 },
      areaStyle: { color: 'rgba(91,156,246,0.12)' },
      data: ts.map(function (t, i) { return [t, data.equity.equity[i]]; }),
      markLine: { silent: true, symbol: 'none', lineStyle: { color: C.muted, type: 'dashed' }, label: { color: C.muted, formatter: 'initial', position: 'insideStartTop' }, data: [{ yAxis: data.initialEquity }] }
    }]
  }));
  var dd = base({
    series: [{
      name: 'Drawdown', type: 'line', showSymbol: false, sampling: 'lttb', lineStyle: { color: C.neg, width: 1 },
      areaStyle: { color: 'rgba(239,83,80,0.25)' },
      data: ts.map(function (t, i) { return [t, data.drawdown[i] * 100]; })
    }]
  });
  dd.yAxis.scale = false;
  dd.yAxis.max = 0;
  dd.yAxis.axisLabel.formatter = '{value}%';
  make('chart-drawdown', dd);
  if (data.price) {
    var p = data.price;
    var sym = p.symbol;
    var all = data.trades.concat(data.openTrades);
    var ofSymbol = function (t) { return sym === undefined || t.symbol === sym; };
    var mine = all.filter(ofSymbol);
    var markers = function (pick) {
      return (pick.from || mine).filter(pick.when).map(function (t) {
        return { value: [pick.ts(t), pick.price(t)], trade: t };
      });
    };
    var tradeTip = function (prm) {
      var t = prm.data.trade;
      return esc(prm.seriesName) + '<br>' + t.side + ' ' + t.amount + ' ' + esc(t.symbol) + '<br>entry ' + t.entryPrice.toPrecision(6) + ' → exit ' + t.exitPrice.toPrecision(6) + '<br>P&amp;L ' + t.pnl.toFixed(2) + ' (' + (t.returnPct * 100).toFixed(2) + '%)';
    };
    var series = [];
    if (p.open && p.high && p.low) {
      series.push({ name: 'Price', type: 'candlestick', large: true,
        itemStyle: { color: C.pos, color0: C.neg, borderColor: C.pos, borderColor0: C.neg },
        data: p.ts.map(function (t, i) { return [t, p.open[i], p.close[i], p.low[i], p.high[i]]; }) });
    } else {
      series.push({ name: 'Price', type: 'line', showSymbol: false, sampling: 'lttb', lineStyle: { color: C.text, width: 1 },
        data: p.ts.map(function (t, i) { return [t, p.close[i]]; }) });
    }
    // Entries sit just below (long) or above (short) their price so that an exit and the next
    // entry at the same fill (a flip) both stay visible.
    var scatter = function (name, symbol, rotate, dy, color, points) {
      series.push({ name: name, type: 'scatter', symbol: symbol, symbolRotate: rotate, symbolOffset: [0, dy], symbolSize: symbol === 'diamond' ? 9 : 11, z: 5,
        itemStyle: { color: color, borderColor: '#0f1419', borderWidth: 1 }, tooltip: { trigger: 'item', formatter: tradeTip }, data: points });
    };
    scatter('Long entry', 'triangle', 0, 9, C.pos, markers({ when: function (t) { return t.side === 'long'; }, ts: function (t) { return t.entryTs; }, price: function (t) { return t.entryPrice; } }));
    scatter('Short entry', 'triangle', 180, -9, C.neg, markers({ when: function (t) { return t.side === 'short'; }, ts: function (t) { return t.entryTs; }, price: function (t) { return t.entryPrice; } }));
    scatter('Exit', 'diamond', 0, 0, C.exit, markers({ from: data.trades.filter(ofSymbol), when: function () { return true; }, ts: function (t) { return t.exitTs; }, price: function (t) { return t.exitPrice; } }));
    var po = base({ series: series, legend: { top: 0, textStyle: { color: C.muted }, data: ['Price', 'Long entry', 'Short entry', 'Exit'] } });
    po.grid.top = 36;
    make('chart-price', po);
  }
  echarts.connect('report');
  window.addEventListener('resize', function () { charts.forEach(function (c) { c.resize(); }); });
  document.body.setAttribute('data-charts', String(charts.length));
})();
`

/** A single self-contained HTML page (no network access) for a backtest report. */
export function renderHtmlReport(report: BacktestReport): string {
  const s = report.stats
  const engine = typeof report.manifest.engine === 'string' ? report.manifest.engine : 'Backtest'
  const symbol = report.price?.symbol ?? report.trades[0]?.symbol ?? report.openTrade?.symbol
  const title = `${engine}${symbol === undefined ? '' : ` · ${symbol}`}`
  const signCls = (x: number | null): string => (x === null ? '' : x > 0 ? 'pos' : x < 0 ? 'neg' : '')
  const warnings = report.warnings.length === 0
    ? ''
    : `<section class="warn" id="warnings"><h2>Warnings</h2><ul>${report.warnings.map((w) => `<li>${escapeHtml(w)}</li>`).join('')}</ul></section>`
  const statRows = STAT_ROWS.map(([label, key, format]) => `<tr><th>${escapeHtml(label)}</th><td>${formatStat(s, key, format)}</td></tr>`).join('\n')
  const priceSection = report.price === undefined
    ? ''
    : `<section><h2>Price${report.price.symbol === undefined ? '' : ` — ${escapeHtml(report.price.symbol)}`}</h2><div id="chart-price" class="chart"></div></section>`

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`Backtest report — ${title}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header><h1>${escapeHtml(title)}</h1><div class="sub">${isoTime(s.startTs)} → ${isoTime(s.endTs)} · ${s.samples} bars · ${s.tradeCount} closed trades</div></header>
${warnings}
<section class="kpis">
${kpi('Total return', formatStat(s, 'totalReturn', 'pct'), signCls(s.totalReturn))}
${kpi('CAGR', formatStat(s, 'cagr', 'pct'), signCls(s.cagr))}
${kpi('Max drawdown', formatStat(s, 'maxDrawdown', 'pct'), 'neg')}
${kpi('Sharpe', formatStat(s, 'sharpe', 'ratio'))}
${kpi('Trades', formatStat(s, 'tradeCount', 'int'))}
${kpi('Win rate', formatStat(s, 'winRate', 'pct'))}
${kpi('Final equity', formatStat(s, 'finalEquity', 'money'))}
</section>
<section><h2>Equity</h2><div id="chart-equity" class="chart"></div></section>
<section><h2>Drawdown</h2><div id="chart-drawdown" class="chart small"></div></section>
${priceSection}
<div class="grid2" style="margin-top:16px">
<div><h2>Statistics</h2><table class="stats">
${statRows}
</table></div>
<div><h2>Run manifest</h2><table class="manifest">
${manifestRows(report.manifest, report.journalHash)}
</table></div>
</div>
<section><h2>Trades</h2><div class="trades-wrap">${tradesTable(report)}</div></section>
</main>
<script type="application/json" id="report-data">${jsonForScript(report)}</script>
<script>${echartsScript()}</script>
<script>${CHART_SCRIPT}</script>
</body>
</html>
`
}
