/**
 * Daily regime + risk series from a set of symbols' daily bars: the pieces
 * the `regime` command and (later) the market-state service share.
 */
import { alignBars, type AlignedBars, type DailyBar } from './daily-bars'
import { breadth } from './indicators'
import { computeRegimes, type RegimeParams, type RegimeResult } from './regime'
import { SECTOR_FUNDS } from './rotation'
import { computeRiskScore, type RiskParams, type RiskResult } from './risk'

/** The default universe: broad funds, gold, Treasuries and the sector funds. Indexes such as VIX are not in it. */
export const MARKET_UNIVERSE: readonly string[] = ['SPY', 'QQQ', 'IWM', 'DIA', 'GLD', 'TLT', ...SECTOR_FUNDS]

export interface DailyMarketState {
  aligned: AlignedBars
  regime: RegimeResult
  risk: RiskResult
  breadth50: Float64Array
  breadth200: Float64Array
}

/** Align the universe's symbols present in `bars` on SPY's calendar and compute regime (confirmed by breadth/QQQ/IWM when present) and risk score. */
export function computeDailyMarketState(
  bars: ReadonlyMap<string, readonly DailyBar[]>,
  opts: { regime?: Partial<RegimeParams>; risk?: Partial<RiskParams>; universe?: readonly string[] } = {},
): DailyMarketState {
  const universeSet = new Set(opts.universe ?? MARKET_UNIVERSE)
  const spy = bars.get('SPY')
  if (!spy) throw new Error('no SPY bars')
  const series = new Map<string, readonly DailyBar[]>([['SPY', spy]])
  for (const [sym, b] of bars) if (sym !== 'SPY' && universeSet.has(sym)) series.set(sym, b)
  const aligned = alignBars(series, 'SPY')
  const universe = [...aligned.adjClose.values()]
  const breadth50 = breadth(universe, 50)
  const breadth200 = breadth(universe, 200)
  const regime = computeRegimes(
    { dates: aligned.dates, spy: aligned.adjClose.get('SPY') as Float64Array, breadth200, qqq: aligned.adjClose.get('QQQ'), iwm: aligned.adjClose.get('IWM') },
    opts.regime,
  )
  const risk = computeRiskScore(aligned.adjClose, opts.risk)
  return { aligned, regime, risk, breadth50, breadth200 }
}
