import { useCallback, useMemo, useRef } from 'react'
import type { echarts } from '../../charts/echarts'
import { axisStyle, C, tooltipStyle } from '../../charts/echarts'
import { EChart } from '../../charts/EChart'
import { Empty } from '../../components/ui'
import type { BarColumns, EngineStatus, FillView, OrderView } from '../../state/app-state'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtAmount, fmtPrice, fmtTime } from '../../util/format'
import { usePersistentState } from '../../util/persist'
import { useThrottled } from '../../util/throttle'
import { isOpen } from '../account/order-status'
import { isLiveData, startHint } from '../session/start-hint'
import { barIndexAt, resample, sma, timeframeChoices, timeframeMs } from './resample'

const SMA_COLORS = [C.amber, C.purple, '#4dd0e1', '#f06292']
const GRID_TOP = 22
const GRID_BOTTOM = 34
/** with volume, the price grid ends this fraction of the height above the bottom */
const PRICE_GRID_BOTTOM = 0.3

/**
 * Price axis limits for data without a range (one flat candle, a mid price that has not moved):
 * ECharts would widen a zero span by half the price (65,000 → 30,000–100,000). Padded here by
 * 0.05 % of the price instead; with a real range, null leaves the axis to ECharts' own fitting.
 */
function flatPad(side: -1 | 1) {
  return ({ min, max }: { min: number; max: number }): number => {
    if (!Number.isFinite(min) || !Number.isFinite(max) || max - min > 0) return null as unknown as number
    const pad = Math.max(Math.abs(min) * 0.0005, 1e-8)
    return side < 0 ? min - pad : max + pad
  }
}

/** SMA overlays from the session's engines: any engine whose name mentions "sma" and has fast/slow periods. */
function overlayPeriods(engines: EngineStatus[]): number[] {
  const out = new Set<number>()
  for (const e of engines) {
    if (!/sma/i.test(e.name)) continue
    for (const k of ['fast', 'slow', 'period']) {
      const v = e.params[k]
      if (typeof v === 'number' && Number.isInteger(v) && v > 1) out.add(v)
    }
  }
  return [...out].sort((a, b) => a - b)
}

function buildOption(bars: BarColumns, fills: FillView[], orders: OrderView[], periods: number[], tf: string) {
  const labels = bars.ts.map((t) => fmtTime(t).slice(tf.endsWith('d') || tf.endsWith('w') ? 0 : 5, tf.endsWith('d') || tf.endsWith('w') ? 10 : 19))
  const candles = bars.ts.map((_, i) => [bars.open[i], bars.close[i], bars.low[i], bars.high[i]])
  const volumes = bars.ts.map((_, i) => ({ value: bars.volume[i], itemStyle: { color: bars.close[i] >= bars.open[i] ? 'rgba(38,166,154,0.5)' : 'rgba(239,83,80,0.5)' } }))
  const hasVolume = bars.volume.some((v) => v > 0)
  const buys: [number, number, string][] = []
  const sells: [number, number, string][] = []
  for (const f of fills) {
    if (f.symbol !== bars.symbol) continue
    const i = barIndexAt(bars.ts, f.ts)
    if (i < 0) continue
    ;(f.side === 'buy' ? buys : sells).push([i, f.price, `${f.side} ${fmtAmount(f.amount)} @ ${fmtPrice(f.price)} (${f.owner})`])
  }
  const orderLines = orders
    .filter((o) => isOpen(o.status) && o.symbol === bars.symbol && (o.price ?? o.stopPrice) !== null)
    .map((o) => ({
      yAxis: (o.price ?? o.stopPrice) as number,
      name: `${o.side} ${fmtAmount(o.remaining)} ${o.type}`,
      lineStyle: { color: o.side === 'buy' ? C.up : C.down, type: 'dashed', width: 1 },
      label: { formatter: `${o.side.toUpperCase()} ${fmtAmount(o.remaining)} @ ${fmtPrice((o.price ?? o.stopPrice) as number)}`, color: o.side === 'buy' ? C.up : C.down, fontSize: 10, position: 'insideStartTop' }
    }))
  return {
    animation: false,
    backgroundColor: 'transparent',
    legend: periods.length ? { top: 0, left: 60, textStyle: { color: C.text, fontSize: 10 }, data: periods.map((p) => `SMA ${p}`) } : undefined,
    tooltip: tooltipStyle({ trigger: 'axis', confine: true, axisPointer: { type: 'cross' }, valueFormatter: (v: unknown) => (typeof v === 'number' ? fmtPrice(v) : String(v ?? '')) }),
    axisPointer: { link: [{ xAxisIndex: 'all' }] },
    grid: hasVolume
      ? [
          { left: 64, right: 16, top: GRID_TOP, bottom: `${PRICE_GRID_BOTTOM * 100}%` },
          { left: 64, right: 16, top: '74%', bottom: GRID_BOTTOM }
        ]
      : [{ left: 64, right: 16, top: GRID_TOP, bottom: GRID_BOTTOM }],
    xAxis: [
      { type: 'category', data: labels, gridIndex: 0, boundaryGap: true, ...axisStyle(), axisLabel: { show: !hasVolume, color: C.text, fontSize: 10 }, splitLine: { show: false } },
      ...(hasVolume ? [{ type: 'category', data: labels, gridIndex: 1, boundaryGap: true, ...axisStyle(), splitLine: { show: false } }] : [])
    ],
    yAxis: [
      { type: 'value', scale: true, gridIndex: 0, position: 'left', min: flatPad(-1), max: flatPad(1), ...axisStyle() },
      ...(hasVolume ? [{ type: 'value', gridIndex: 1, ...axisStyle(), splitNumber: 2, axisLabel: { color: C.text, fontSize: 9 } }] : [])
    ],
    dataZoom: [
      { type: 'inside', xAxisIndex: hasVolume ? [0, 1] : [0] },
      { type: 'slider', xAxisIndex: hasVolume ? [0, 1] : [0], height: 16, bottom: 4, borderColor: C.grid, textStyle: { color: C.text, fontSize: 9 } }
    ],
    series: [
      {
        name: bars.symbol,
        type: 'candlestick',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: candles,
        large: candles.length > 3000,
        itemStyle: { color: C.up, color0: C.down, borderColor: C.up, borderColor0: C.down },
        markLine: orderLines.length ? { symbol: 'none', silent: true, data: orderLines, animation: false } : undefined
      },
      ...(hasVolume ? [{ name: 'volume', type: 'bar', xAxisIndex: 1, yAxisIndex: 1, data: volumes, large: volumes.length > 3000 }] : []),
      ...periods.map((p, k) => ({
        name: `SMA ${p}`,
        type: 'line',
        xAxisIndex: 0,
        yAxisIndex: 0,
        data: sma(bars.close, p),
        showSymbol: false,
        lineStyle: { width: 1.2, color: SMA_COLORS[k % SMA_COLORS.length] },
        itemStyle: { color: SMA_COLORS[k % SMA_COLORS.length] }
      })),
      // fills: the triangle's tip points at the fill price, buys from below, sells from above
      { name: 'buys', type: 'scatter', xAxisIndex: 0, yAxisIndex: 0, symbol: 'triangle', symbolSize: 11, symbolOffset: [0, 7], itemStyle: { color: '#00e676', borderColor: '#e6edf3', borderWidth: 1 }, data: buys, z: 10 },
      { name: 'sells', type: 'scatter', xAxisIndex: 0, yAxisIndex: 0, symbol: 'triangle', symbolRotate: 180, symbolSize: 11, symbolOffset: [0, -7], itemStyle: { color: '#ff5252', borderColor: '#e6edf3', borderWidth: 1 }, data: sells, z: 10 }
    ]
  }
}

/** Candles and volume of the active session, engine SMAs, fills as markers, open orders as lines. */
export function ChartPanel() {
  const ws = useWorkstation()
  const session = useSlice(ws.store, (s) => (s.activeSessionId ? s.sessions.get(s.activeSessionId) : undefined))
  const mode = useSlice(ws.store, (s) => s.mode)
  const source = session?.bars ?? session?.midBars ?? null
  const fromMid = !session?.bars && !!session?.midBars
  // the chosen display timeframe, remembered per source timeframe (1m bars and 1s candles differ)
  const [tfChoices, setTfChoices] = usePersistentState<Record<string, string>>('chart.timeframes', {}, (v) => typeof v === 'object' && v !== null)
  const choices = source ? timeframeChoices(source.timeframe) : []
  const tfChoice = source ? tfChoices[source.timeframe] : undefined
  const tf = tfChoice && choices.includes(tfChoice) ? tfChoice : (choices[0] ?? '')
  const setTf = (c: string) => source && setTfChoices((m) => ({ ...m, [source.timeframe]: c }))

  const throttledSource = useThrottled(source, 250)
  const fills = useThrottled(session?.fills ?? EMPTY_FILLS, 250)
  const orders = useThrottled(session?.orders ?? EMPTY_ORDERS, 250)
  const engines = session?.engines ?? EMPTY_ENGINES
  const periodsKey = overlayPeriods(engines).join(',')

  const shown = useMemo(() => {
    if (!throttledSource) return null
    const ms = timeframeMs(tf)
    return ms && tf !== throttledSource.timeframe ? { ...resample(throttledSource, ms), timeframe: tf } : throttledSource
  }, [throttledSource, tf])

  const range = useMemo(() => {
    if (!shown || shown.ts.length === 0) return null
    let lo = Infinity
    let hi = -Infinity
    for (let i = 0; i < shown.ts.length; i++) {
      if (shown.low[i] < lo) lo = shown.low[i]
      if (shown.high[i] > hi) hi = shown.high[i]
    }
    return [lo, hi] as const
  }, [shown])

  const option = useMemo(() => {
    if (!shown || shown.ts.length === 0) return null
    const periods = periodsKey ? periodsKey.split(',').map(Number) : []
    return buildOption(shown, fills, orders, periods, tf)
  }, [shown, fills, orders, periodsKey, tf])

  // what is drawn, for tests and tooltips of the panel: the price axis as rendered, read after each render
  const panelRef = useRef<HTMLDivElement>(null)
  const hasVolume = !!shown && shown.volume.some((v) => v > 0)
  const volumeRef = useRef(hasVolume)
  volumeRef.current = hasVolume
  const onChartReady = useCallback((chart: echarts.ECharts) => {
    chart.on('finished', () => {
      const panel = panelRef.current
      const el = chart.getDom()
      if (!panel || el.clientHeight === 0) return
      const bottomPx = volumeRef.current ? el.clientHeight * (1 - PRICE_GRID_BOTTOM) : el.clientHeight - GRID_BOTTOM
      const lo = chart.convertFromPixel({ yAxisIndex: 0 }, bottomPx)
      const hi = chart.convertFromPixel({ yAxisIndex: 0 }, GRID_TOP)
      if (Number.isFinite(lo) && Number.isFinite(hi)) {
        panel.dataset.yMin = String(lo)
        panel.dataset.yMax = String(hi)
      }
    })
  }, [])

  const tools = source ? (
    <div className="chart-tools">
      <span className="muted" data-testid="chart-info">
        {source.symbol} · {fromMid ? 'mid price of the book, 1 s candles' : `${source.timeframe} bars`} · {source.ts.length.toLocaleString('en-US')} bar{source.ts.length === 1 ? '' : 's'}
        {shown && shown.timeframe !== source.timeframe ? ` → ${shown.ts.length.toLocaleString('en-US')} candles of ${shown.timeframe}` : ''}
        {tf.endsWith('w') ? ' (weeks start Thursday 00:00 UTC)' : ''}
      </span>
      <div className="segmented" role="radiogroup" aria-label="Timeframe" data-testid="chart-timeframe">
        {choices.map((c) => (
          <button key={c} role="radio" aria-checked={c === tf} className={c === tf ? 'active' : ''} onClick={() => setTf(c)} data-tf={c}>
            {c}
          </button>
        ))}
      </div>
    </div>
  ) : null

  return (
    <div
      className="chart-panel"
      data-testid="chart-panel"
      ref={panelRef}
      data-source={source ? (fromMid ? 'mid' : 'bars') : ''}
      data-timeframe={shown?.timeframe ?? ''}
      data-candles={shown?.ts.length ?? 0}
      data-first-ts={shown?.ts[0] ?? ''}
      data-last-ts={shown?.ts.at(-1) ?? ''}
      data-last-close={shown?.close.at(-1) ?? ''}
      data-last-bar={shown && shown.ts.length ? JSON.stringify([shown.ts.at(-1), shown.open.at(-1), shown.high.at(-1), shown.low.at(-1), shown.close.at(-1), shown.volume.at(-1)]) : ''}
      data-prev-bar={shown && shown.ts.length > 1 ? JSON.stringify([shown.ts.at(-2), shown.open.at(-2), shown.high.at(-2), shown.low.at(-2), shown.close.at(-2), shown.volume.at(-2)]) : ''}
      data-low={range?.[0] ?? ''}
      data-high={range?.[1] ?? ''}
    >
      {tools}
      {!session ? (
        <Empty testId="chart-empty">No session. {startHint(mode)}: the chart draws its bars (or the book's mid price) as they arrive.</Empty>
      ) : !option ? (
        <Empty testId="chart-empty">
          {isLiveData(session.state?.mode)
            ? `Waiting for market data in session ${session.sessionId}… The book's mid price is drawn as soon as it arrives, and 1-minute bars built from the venue's trades replace it once the first one closes.`
            : `Waiting for bars from session ${session.sessionId}… A replay over a bar dataset pushes bars; an order-book capture draws the mid price.`}
        </Empty>
      ) : (
        <EChart option={option} notMerge={false} replaceMerge={['series', 'xAxis', 'yAxis', 'grid']} testId="price-chart" className="chart fill" onReady={onChartReady} />
      )}
    </div>
  )
}

const EMPTY_FILLS: FillView[] = []
const EMPTY_ORDERS: OrderView[] = []
const EMPTY_ENGINES: EngineStatus[] = []
