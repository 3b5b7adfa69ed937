import { useMemo } from 'react'
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
import { barIndexAt, resample, sma, timeframeChoices, timeframeMs } from './resample'

const SMA_COLORS = [C.amber, C.purple, '#4dd0e1', '#f06292']

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
          { left: 64, right: 16, top: 22, bottom: '30%' },
          { left: 64, right: 16, top: '74%', bottom: 34 }
        ]
      : [{ left: 64, right: 16, top: 22, bottom: 34 }],
    xAxis: [
      { type: 'category', data: labels, gridIndex: 0, boundaryGap: true, ...axisStyle(), axisLabel: { show: !hasVolume, color: C.text, fontSize: 10 }, splitLine: { show: false } },
      ...(hasVolume ? [{ type: 'category', data: labels, gridIndex: 1, boundaryGap: true, ...axisStyle(), splitLine: { show: false } }] : [])
    ],
    yAxis: [
      { type: 'value', scale: true, gridIndex: 0, position: 'left', ...axisStyle() },
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

  const option = useMemo(() => {
    if (!shown || shown.ts.length === 0) return null
    const periods = periodsKey ? periodsKey.split(',').map(Number) : []
    return buildOption(shown, fills, orders, periods, tf)
  }, [shown, fills, orders, periodsKey, tf])

  const tools = source ? (
    <div className="chart-tools">
      <span className="muted" data-testid="chart-info">
        {source.symbol} · {fromMid ? 'mid price of the book, 1 s candles' : `${source.timeframe} bars`} · {source.ts.length.toLocaleString('en-US')} bars
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
    <div className="chart-panel" data-testid="chart-panel">
      {tools}
      {!session ? (
        <Empty testId="chart-empty">No session. Switch to Replay mode and start a replay: the chart draws its bars (or the book's mid price) as they arrive.</Empty>
      ) : !option ? (
        <Empty testId="chart-empty">Waiting for bars from session {session.sessionId}… A replay over a bar dataset pushes bars; an order-book capture draws the mid price.</Empty>
      ) : (
        <EChart option={option} notMerge={false} replaceMerge={['series', 'xAxis', 'yAxis', 'grid']} testId="price-chart" className="chart fill" />
      )}
    </div>
  )
}

const EMPTY_FILLS: FillView[] = []
const EMPTY_ORDERS: OrderView[] = []
const EMPTY_ENGINES: EngineStatus[] = []
