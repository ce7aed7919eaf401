/**
 * Relative rotation graph (RRG) of sector funds against SPY on weekly closes.
 * The commercial JdK formula is not public; this one is:
 *
 *   RS_w          = 100 * sector_w / SPY_w                      (adjusted weekly closes)
 *   RS-Ratio_w    = 100 + (RS_w - mean_10(RS)) / sd_10(RS)      (z-score of RS over the last 10 weeks)
 *   RS-Momentum_w = 100 + (R_w - mean_10(R)) / sd_10(R)         (R = RS-Ratio; z-score over the last 10 weeks)
 *
 * where mean_10 / sd_10 are the mean and population standard deviation of
 * the 10 weekly values ending at week w. Both axes are centred on 100; one
 * unit is one standard deviation. Quadrants: Leading (ratio >= 100, momentum
 * >= 100), Weakening (ratio >= 100, momentum < 100), Lagging (both < 100),
 * Improving (ratio < 100, momentum >= 100).
 *
 * As in published RRGs, a steady outperformance drifts back to momentum 100
 * (the ratio stops rising); a fresh one sits in Leading.
 *
 * A week's close is the last daily close of that week up to day t, so the
 * current week's point moves until the week ends (causal).
 */

import { SECTOR_FUNDS } from '../../../shared/domain'
export { SECTOR_FUNDS }

export type Quadrant = 'Leading' | 'Weakening' | 'Lagging' | 'Improving'

export interface RrgPoint {
  /** Date of the week's last daily bar used. */
  date: string
  rsRatio: number
  rsMomentum: number
}

export interface RrgSector {
  symbol: string
  /** The latest point (NaN axes when history is too short). */
  current: RrgPoint
  quadrant: Quadrant | null
  /** The last `tailLength` weekly points, oldest first, ending with `current`. */
  tail: RrgPoint[]
}

export function quadrant(rsRatio: number, rsMomentum: number): Quadrant | null {
  if (Number.isNaN(rsRatio) || Number.isNaN(rsMomentum)) return null
  if (rsRatio >= 100) return rsMomentum >= 100 ? 'Leading' : 'Weakening'
  return rsMomentum >= 100 ? 'Improving' : 'Lagging'
}

/** Monday (ISO date) of the week containing `date`. */
export function weekKey(date: string): string {
  const d = new Date(`${date}T00:00:00Z`)
  const dow = (d.getUTCDay() + 6) % 7 // Monday = 0
  d.setUTCDate(d.getUTCDate() - dow)
  return d.toISOString().slice(0, 10)
}

/** Monday-based week number of an ISO date (1970-01-01 was a Thursday): cheaper than weekKey for scans. */
function weekNumber(date: string): number {
  return Math.floor((Date.parse(date) / 86_400_000 + 3) / 7)
}

/**
 * Index of the last trading day of each week, for days 0..t; with `maxWeeks`,
 * only the last that many weeks (scanning back from t, so the cost follows
 * the weeks asked for, not the length of the history).
 */
export function weeklyIndices(dates: readonly string[], t: number = dates.length - 1, maxWeeks = Infinity): number[] {
  const out: number[] = []
  let prevWeek = NaN
  for (let i = t; i >= 0 && out.length <= maxWeeks; i--) {
    const wk = weekNumber(dates[i] as string)
    if (wk !== prevWeek) out.push(i)
    prevWeek = wk
  }
  if (out.length > maxWeeks) out.length = maxWeeks
  return out.reverse()
}

function zLast(values: readonly number[], w: number, n: number): number {
  if (w - n + 1 < 0) return NaN
  let sum = 0
  for (let k = w - n + 1; k <= w; k++) {
    const v = values[k] as number
    if (Number.isNaN(v)) return NaN
    sum += v
  }
  const mean = sum / n
  let ss = 0
  for (let k = w - n + 1; k <= w; k++) ss += ((values[k] as number) - mean) ** 2
  const sd = Math.sqrt(ss / n)
  return sd > 0 ? ((values[w] as number) - mean) / sd : 0
}

export interface RrgOptions {
  /** Weeks in each z-score window. Default 10. */
  window?: number
  /** Weekly points in the tail. Default 8. */
  tailLength?: number
}

/** Weekly RS-Ratio and RS-Momentum of one fund against the benchmark, for days 0..t. */
export function rrgSeries(dates: readonly string[], fund: ArrayLike<number>, benchmark: ArrayLike<number>, t: number, window = 10, maxWeeks = Infinity): RrgPoint[] {
  const idx = weeklyIndices(dates, t, maxWeeks)
  const rs = idx.map((i) => {
    const a = fund[i] as number
    const b = benchmark[i] as number
    return a > 0 && b > 0 ? (100 * a) / b : NaN
  })
  const ratioZ = rs.map((_, w) => zLast(rs, w, window))
  const mom = ratioZ.map((_, w) => zLast(ratioZ, w, window))
  return idx.map((i, w) => ({ date: dates[i] as string, rsRatio: 100 + (ratioZ[w] as number), rsMomentum: 100 + (mom[w] as number) }))
}

/** The RRG at day t for every fund in `prices` among `funds` (aligned adjusted closes, benchmark SPY). */
export function computeRrg(dates: readonly string[], prices: ReadonlyMap<string, ArrayLike<number>>, t: number, funds: readonly string[] = SECTOR_FUNDS, opts: RrgOptions = {}, benchmark = 'SPY'): RrgSector[] {
  const bench = prices.get(benchmark)
  if (!bench) throw new Error(`computeRrg: no ${benchmark} prices`)
  const tailLength = opts.tailLength ?? 8
  const out: RrgSector[] = []
  for (const symbol of funds) {
    const series = prices.get(symbol)
    if (!series) continue
    const window = opts.window ?? 10
    // The tail's oldest point needs 2 * window - 1 weeks before it (two z-scores in a row).
    const pts = rrgSeries(dates, series, bench, t, window, tailLength + 2 * window - 1)
    const current = pts[pts.length - 1] ?? { date: dates[t] ?? '', rsRatio: NaN, rsMomentum: NaN }
    out.push({ symbol, current, quadrant: quadrant(current.rsRatio, current.rsMomentum), tail: pts.slice(-tailLength).filter((p) => !Number.isNaN(p.rsRatio) && !Number.isNaN(p.rsMomentum)) })
  }
  return out
}
