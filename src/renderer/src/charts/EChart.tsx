import { useEffect, useRef } from 'react'
import { echarts } from './echarts'

type Option = Parameters<echarts.ECharts['setOption']>[0]

interface Props {
  option: Option
  /** replace the whole option (default) or merge into the previous one */
  notMerge?: boolean
  /** with notMerge=false: components replaced rather than merged (e.g. ['series']), so zoom survives updates */
  replaceMerge?: string[]
  className?: string
  testId?: string
  onReady?: (chart: echarts.ECharts) => void
}

/** One ECharts instance bound to a div: created on mount, resized with its box, disposed on unmount. */
export function EChart({ option, notMerge = true, replaceMerge, className, testId, onReady }: Props) {
  const ref = useRef<HTMLDivElement>(null)
  const chartRef = useRef<echarts.ECharts | null>(null)

  useEffect(() => {
    const el = ref.current!
    const chart = echarts.init(el, undefined, { renderer: 'canvas' })
    chartRef.current = chart
    onReady?.(chart)
    const ro = new ResizeObserver(() => chart.resize())
    ro.observe(el)
    return () => {
      ro.disconnect()
      chart.dispose()
      chartRef.current = null
    }
    // onReady is a mount-time hook only
  }, [])

  useEffect(() => {
    chartRef.current?.setOption(option, notMerge ? { notMerge: true, lazyUpdate: true } : { replaceMerge, lazyUpdate: true })
    // replaceMerge is a constant per chart
  }, [option, notMerge])

  return <div ref={ref} className={className ?? 'chart'} data-testid={testId} />
}
