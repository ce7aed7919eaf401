/**
 * Where chart bars come from. The demo generator now; the market-data issue
 * adds a SQLite bar store fed by Redis aggregates and CSV import.
 */
import type { Bar, BarSeries, BarTimeframe } from '../../../shared/domain'

export interface BarSource {
  readonly kind: BarSeries['source']
  /** Up to `limit` bars ending at `now` (or starting before `before`), oldest first. */
  bars(symbol: string, timeframe: BarTimeframe, limit: number, now: number, before?: number): Bar[]
  /** The bar that contains `now`, as formed so far; null when the source has none. */
  current(symbol: string, timeframe: BarTimeframe, now: number): Bar | null
}

/** Live Redis without a bar feed yet: charts say so rather than inventing prices. */
export const NO_BARS: BarSource = {
  kind: 'none',
  bars: () => [],
  current: () => null,
}
