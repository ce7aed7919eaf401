import { BAR_TIMEFRAMES, type BarTimeframe } from '../../../../shared/domain'
import type { PanelDefinition } from '../../app/panel-types'
import { ChartPanel, SYMBOL_PATTERN, type ChartState } from './ChartPanel'

export type { ChartState }

export const defaultChartState: ChartState = { symbol: null, timeframe: '5m', regimeBand: null }

const isTimeframe = (v: unknown): v is BarTimeframe => typeof v === 'string' && (BAR_TIMEFRAMES as readonly string[]).includes(v)

/** Read back a saved chart state; anything unusable falls back to the defaults, field by field. */
export function parseChartState(raw: unknown): ChartState {
  if (typeof raw !== 'object' || raw === null) return { ...defaultChartState }
  const r = raw as Record<string, unknown>
  const symbol = typeof r.symbol === 'string' && SYMBOL_PATTERN.test(r.symbol.trim()) ? r.symbol.trim().toUpperCase() : null
  return {
    symbol,
    timeframe: isTimeframe(r.timeframe) ? r.timeframe : defaultChartState.timeframe,
    regimeBand: typeof r.regimeBand === 'boolean' ? r.regimeBand : defaultChartState.regimeBand,
  }
}

export const chartPanel: PanelDefinition<ChartState> = {
  type: 'chart',
  menuName: 'Symbol chart',
  title: (s) => (s.symbol ? `Chart · ${s.symbol} ${s.timeframe}` : `Chart · ${s.timeframe}`),
  defaultState: defaultChartState,
  parseState: parseChartState,
  component: ChartPanel,
}
