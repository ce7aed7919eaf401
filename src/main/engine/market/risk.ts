/**
 * Risk-on / risk-off score in -1..+1, causal.
 *
 * Each component is a ratio A/B of adjusted closes whose rise means risk
 * appetite (small caps, tech, financials, energy over SPY; SPY over gold and
 * over long Treasuries; discretionary over staples). Its value on day t is the
 * 20-day log change of the ratio, scaled by the standard deviation of that
 * change over the previous `zWindow` days (t-zWindow..t-1),
 * divided by 2 and clipped to -1..+1. The score is the mean of the components
 * available that day (NaN if none).
 *
 * By default the change is scaled by its trailing standard deviation without
 * subtracting its trailing mean (`demean: false`), so the sign is the sign of
 * the ratio's actual 20-day move; subtracting the mean made a long crash read
 * as "normal" after a few months and called 2017 mostly risk-off. Chosen once
 * on 2000-2025 and frozen.
 */
import { ratio } from './indicators'

export interface RiskComponentSpec {
  name: string
  numerator: string
  denominator: string
}

export const RISK_COMPONENTS: readonly RiskComponentSpec[] = [
  { name: 'IWM/SPY', numerator: 'IWM', denominator: 'SPY' },
  { name: 'QQQ/SPY', numerator: 'QQQ', denominator: 'SPY' },
  { name: 'SPY/GLD', numerator: 'SPY', denominator: 'GLD' },
  { name: 'XLF/SPY', numerator: 'XLF', denominator: 'SPY' },
  { name: 'XLE/SPY', numerator: 'XLE', denominator: 'SPY' },
  { name: 'XLY/XLP', numerator: 'XLY', denominator: 'XLP' },
  { name: 'SPY/TLT', numerator: 'SPY', denominator: 'TLT' },
]

export interface RiskParams {
  changeDays: number
  zWindow: number
  /** z is divided by this before clipping to -1..1. */
  zScale: number
  /** Subtract the trailing mean of the change (removes a ratio's long drift). */
  demean: boolean
}

export const DEFAULT_RISK_PARAMS: Readonly<RiskParams> = Object.freeze({ changeDays: 20, zWindow: 252, zScale: 2, demean: false })

export interface RiskResult {
  /** Per day, -1 (risk-off) .. +1 (risk-on); NaN when no component is available. */
  score: Float64Array
  /** Component name -> per-day value in -1..1 (NaN when not available). Only components whose symbols were given. */
  components: Map<string, Float64Array>
}

/** z-scored, clipped trend of one ratio series. */
export function ratioTrendScore(r: ArrayLike<number>, params: Partial<RiskParams> = {}): Float64Array {
  const p = { ...DEFAULT_RISK_PARAMS, ...params }
  const n = r.length
  const change = new Float64Array(n).fill(NaN)
  for (let t = p.changeDays; t < n; t++) {
    const a = r[t - p.changeDays] as number
    const b = r[t] as number
    if (a > 0 && b > 0) change[t] = Math.log(b / a)
  }
  const out = new Float64Array(n).fill(NaN)
  const minCount = Math.floor(p.zWindow / 2)
  for (let t = 1; t < n; t++) {
    const c = change[t] as number
    if (Number.isNaN(c)) continue
    let sum = 0
    let ss = 0
    let count = 0
    for (let k = Math.max(0, t - p.zWindow); k < t; k++) {
      const v = change[k] as number
      if (Number.isNaN(v)) continue
      sum += v
      ss += v * v
      count++
    }
    if (count < minCount) continue
    const mean = sum / count
    const sd = Math.sqrt(Math.max(0, ss / count - mean * mean))
    if (sd === 0) continue
    out[t] = Math.max(-1, Math.min(1, (c - (p.demean ? mean : 0)) / sd / p.zScale))
  }
  return out
}

/** Compute the score from aligned adjusted closes (symbol -> series on one calendar). */
export function computeRiskScore(prices: ReadonlyMap<string, ArrayLike<number>>, params: Partial<RiskParams> = {}, specs: readonly RiskComponentSpec[] = RISK_COMPONENTS): RiskResult {
  const len = prices.get('SPY')?.length ?? [...prices.values()][0]?.length ?? 0
  const components = new Map<string, Float64Array>()
  for (const s of specs) {
    const a = prices.get(s.numerator)
    const b = prices.get(s.denominator)
    if (!a || !b) continue
    components.set(s.name, ratioTrendScore(ratio(a, b), params))
  }
  const score = new Float64Array(len).fill(NaN)
  for (let t = 0; t < len; t++) {
    let sum = 0
    let count = 0
    for (const c of components.values()) {
      const v = c[t] as number
      if (Number.isNaN(v)) continue
      sum += v
      count++
    }
    if (count > 0) score[t] = sum / count
  }
  return { score, components }
}
