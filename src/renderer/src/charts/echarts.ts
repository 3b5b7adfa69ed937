import { BarChart, CandlestickChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, MarkPointComponent, TooltipComponent, VisualMapComponent } from 'echarts/components'
import * as echarts from 'echarts/core'
import { CanvasRenderer } from 'echarts/renderers'

echarts.use([
  CandlestickChart,
  LineChart,
  BarChart,
  HeatmapChart,
  ScatterChart,
  GridComponent,
  TooltipComponent,
  DataZoomComponent,
  LegendComponent,
  MarkLineComponent,
  MarkPointComponent,
  VisualMapComponent,
  CanvasRenderer
])

export { echarts }

/** Colours shared by the charts; they match the CSS variables of the dark theme. */
export const C = {
  bg: '#0d1117',
  panel: '#11161d',
  grid: '#1f2630',
  axis: '#3a4350',
  text: '#9aa7b4',
  textStrong: '#d6dde4',
  up: '#26a69a',
  down: '#ef5350',
  bid: '#26a69a',
  ask: '#ef5350',
  accent: '#4c9aff',
  amber: '#f0b429',
  purple: '#b57bff'
}

/** Axis styling for the dark theme. */
export function axisStyle(): Record<string, unknown> {
  return {
    axisLine: { lineStyle: { color: C.axis } },
    axisLabel: { color: C.text, fontSize: 10 },
    splitLine: { lineStyle: { color: C.grid } },
    axisTick: { lineStyle: { color: C.axis } }
  }
}

/** Tooltips drawn on the canvas (richText), so no inline-styled HTML meets the page's CSP. */
export function tooltipStyle(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    renderMode: 'richText',
    backgroundColor: '#1b222c',
    borderColor: '#2d3642',
    textStyle: { color: C.textStrong, fontSize: 11 },
    ...extra
  }
}
