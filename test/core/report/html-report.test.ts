import { describe, expect, it } from 'vitest'
import { buildReport } from '../../../src/main/core/report/build-report'
import { escapeHtml, jsonForScript, renderHtmlReport } from '../../../src/main/core/report/html-report'
import { ReportInputError, type BacktestReport } from '../../../src/main/core/report/types'
import { syntheticRun } from './synthetic-run'

function embeddedJson(html: string): unknown {
  const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(html)
  expect(m).not.toBeNull()
  return JSON.parse(m![1])
}

describe('buildReport', () => {
  const input = syntheticRun()
  const report = buildReport(input)

  it('trade P&L adds up to the change in equity (the open trade marked at the last close)', () => {
    expect(report.trades.length).toBeGreaterThan(5)
    expect(report.openTrade).not.toBeNull()
    const pnl = report.trades.reduce((s, t) => s + t.pnl, 0) + report.openTrade!.pnl
    expect(pnl).toBeCloseTo(report.finalEquity - report.initialEquity, 6)
    expect(report.stats.tradeCount).toBe(report.trades.length)
  })

  it('is JSON-safe and complete', () => {
    expect(JSON.parse(JSON.stringify(report))).toEqual(report)
    expect(report.drawdown).toHaveLength(input.equity.ts.length)
    expect(report.equity.equity).toHaveLength(input.equity.ts.length)
    expect(report.fills).toHaveLength(input.fills.length)
    expect(report.warnings).toEqual([])
    expect(report.journalHash).toBe('sha256:0f3c9d6a')
    expect(report.price?.open).toHaveLength(input.price!.ts.length)
    expect(report.stats.exposureSource).toBe('position')
    expect(report.trades.every((t) => typeof t.barsHeld === 'number' && t.barsHeld > 0)).toBe(true)
  })

  it('warns about an open trade with no price series and about a look-ahead flag', () => {
    const r = buildReport({
      manifest: { lookAheadWarning: true },
      fills: [{ ts: 1, symbol: 'ETH/USDT', side: 'buy', price: 10, amount: 1, fee: 0, orderId: 'a', tradeId: 'b' }],
      equity: { ts: Float64Array.from([0, 1, 2]), equity: Float64Array.from([100, 100, 101]) },
      initialEquity: 100
    })
    expect(r.openTrade?.symbol).toBe('ETH/USDT')
    expect(r.openTrade?.exitTs).toBe(2)
    expect(r.warnings).toHaveLength(2)
    expect(r.warnings[0]).toContain('ETH/USDT')
    expect(r.warnings[1]).toContain('look-ahead')
  })

  it('rejects a price series whose columns disagree', () => {
    expect(() => buildReport({ ...input, price: { ts: [1, 2], close: [1] } })).toThrow(ReportInputError)
    expect(() => buildReport({ ...input, price: { ts: [1, 2], close: [1] } })).toThrow('price.close')
  })
})

describe('renderHtmlReport', () => {
  const input = syntheticRun('GOOG & <Co>')
  input.manifest.engine = '<script>alert("x")</script>'
  input.manifest.params = { note: '</script><b>bold</b>', fast: 10 }
  const report = buildReport(input)
  const html = renderHtmlReport(report)

  it('escapes names and params', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;')
    expect(html).toContain('GOOG &amp; &lt;Co&gt;')
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;')
    expect(html).not.toContain('<script>alert')
    expect(html).not.toContain('<b>bold</b>')
    expect(html).toContain('&lt;/script&gt;&lt;b&gt;bold&lt;/b&gt;')
  })

  it('embeds the report as JSON that parses back to the same numbers', () => {
    const data = embeddedJson(html) as BacktestReport
    expect(data).toEqual(JSON.parse(JSON.stringify(report)))
    expect(data.equity.equity).toEqual(Array.from(input.equity.equity))
    expect(data.stats.sharpe).toBe(report.stats.sharpe)
    expect(data.trades.map((t) => t.pnl)).toEqual(report.trades.map((t) => t.pnl))
    expect(data.manifest.params).toEqual({ note: '</script><b>bold</b>', fast: 10 })
    expect(jsonForScript({ s: '</script><!--' })).toBe('{"s":"\\u003c/script>\\u003c!--"}')
  })

  it('loads nothing from the network', () => {
    expect(html).not.toMatch(/<script[^>]*\ssrc\s*=/i)
    expect(html).not.toMatch(/<link\b/i)
    expect(html).not.toMatch(/\s(src|href)\s*=\s*["']?(https?:)?\/\//i)
    expect(html).toContain("default-src 'none'")
    // The ECharts build is inline.
    expect(html.length).toBeGreaterThan(1_000_000)
    expect(html).toContain('echarts')
  })

  it('shows every trade and the open one in the table, and the statistics', () => {
    const rows = html.match(/<tr><td>/g) ?? []
    expect(rows.length).toBe(report.trades.length + report.openTrades.length)
    expect(html).toContain('<span class="tag">open</span>')
    expect(html).toContain('<th>Sharpe ratio</th>')
    expect(html).toContain('<th>dataFingerprint</th>')
  })

  it('prints an infinite profit factor as ∞ and renders a report without price or trades', () => {
    const r = buildReport({
      manifest: {},
      fills: [
        { ts: 1, symbol: 'X', side: 'buy', price: 10, amount: 1, fee: 0, orderId: 'a', tradeId: 'a' },
        { ts: 2, symbol: 'X', side: 'sell', price: 11, amount: 1, fee: 0, orderId: 'b', tradeId: 'b' }
      ],
      equity: { ts: Float64Array.from([0, 1, 2]), equity: Float64Array.from([10, 10, 11]) },
      initialEquity: 10
    })
    expect(r.stats.nonFinite.profitFactor).toBe('Infinity')
    const h = renderHtmlReport(r)
    expect(h).toContain('<tr><th>Profit factor</th><td>∞</td></tr>')
    expect(h).not.toContain('id="chart-price"')
    const empty = renderHtmlReport(buildReport({ manifest: {}, fills: [], equity: { ts: Float64Array.from([0]), equity: Float64Array.from([10]) }, initialEquity: 10 }))
    expect(empty).toContain('No trades.')
  })

  it('is deterministic', () => {
    expect(renderHtmlReport(buildReport(input))).toBe(html)
  })
})
