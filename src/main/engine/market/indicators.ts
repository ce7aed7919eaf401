/**
 * Causal indicators over daily series. Every function takes values indexed by
 * trading day and returns, for each day t, a value that uses only days <= t
 * (NaN while there is not enough history, or when an input in the window is NaN).
 * Prices passed in should be adjusted closes (see daily-bars.ts).
 */

export type Series = ArrayLike<number>

export const TRADING_DAYS_PER_YEAR = 252

/** Simple moving average over `n` days. */
export function sma(values: Series, n: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN)
  let sum = 0
  let nans = 0
  for (let t = 0; t < values.length; t++) {
    const v = values[t] as number
    if (Number.isNaN(v)) nans++
    else sum += v
    if (t >= n) {
      const old = values[t - n] as number
      if (Number.isNaN(old)) nans--
      else sum -= old
    }
    if (t >= n - 1 && nans === 0) out[t] = sum / n
  }
  return out
}

/** Percent change of a series over `lag` days: 100 * (x[t] / x[t-lag] - 1). Used for the slope of an SMA. */
export function pctChange(values: Series, lag: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN)
  for (let t = lag; t < values.length; t++) {
    const a = values[t - lag] as number
    const b = values[t] as number
    if (a > 0 && Number.isFinite(b)) out[t] = 100 * (b / a - 1)
  }
  return out
}

/** Daily log returns; out[0] is NaN. */
export function logReturns(values: Series): Float64Array {
  const out = new Float64Array(values.length).fill(NaN)
  for (let t = 1; t < values.length; t++) {
    const a = values[t - 1] as number
    const b = values[t] as number
    if (a > 0 && b > 0) out[t] = Math.log(b / a)
  }
  return out
}

/** Rolling sample standard deviation over `n` values. */
export function rollingStd(values: Series, n: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN)
  for (let t = n - 1; t < values.length; t++) {
    let sum = 0
    let ok = true
    for (let k = t - n + 1; k <= t; k++) {
      const v = values[k] as number
      if (Number.isNaN(v)) {
        ok = false
        break
      }
      sum += v
    }
    if (!ok) continue
    const mean = sum / n
    let ss = 0
    for (let k = t - n + 1; k <= t; k++) ss += ((values[k] as number) - mean) ** 2
    out[t] = Math.sqrt(ss / (n - 1))
  }
  return out
}

/** Realized volatility: std of the last `n` daily log returns, annualized (sqrt(252)). 0.2 = 20%. */
export function realizedVol(prices: Series, n = 20): Float64Array {
  const sd = rollingStd(logReturns(prices), n)
  const k = Math.sqrt(TRADING_DAYS_PER_YEAR)
  for (let t = 0; t < sd.length; t++) sd[t] = (sd[t] as number) * k
  return sd
}

/**
 * Percentile rank (0..1) of x[t] among the last `window` defined values up to
 * and including t: the share of them <= x[t]. Needs at least `minCount` values.
 */
export function trailingPercentile(values: Series, window = TRADING_DAYS_PER_YEAR, minCount = 20): Float64Array {
  const out = new Float64Array(values.length).fill(NaN)
  for (let t = 0; t < values.length; t++) {
    const v = values[t] as number
    if (Number.isNaN(v)) continue
    let count = 0
    let le = 0
    for (let k = Math.max(0, t - window + 1); k <= t; k++) {
      const w = values[k] as number
      if (Number.isNaN(w)) continue
      count++
      if (w <= v) le++
    }
    if (count >= minCount) out[t] = le / count
  }
  return out
}

/** Rolling maximum over `n` days (fewer at the start), ignoring NaN. */
export function rollingMax(values: Series, n: number): Float64Array {
  const out = new Float64Array(values.length).fill(NaN)
  const dq: number[] = [] // indices, values decreasing
  for (let t = 0; t < values.length; t++) {
    const v = values[t] as number
    while (dq.length > 0 && (dq[0] as number) <= t - n) dq.shift()
    if (!Number.isNaN(v)) {
      while (dq.length > 0 && (values[dq[dq.length - 1] as number] as number) <= v) dq.pop()
      dq.push(t)
    }
    if (dq.length > 0) out[t] = values[dq[0] as number] as number
  }
  return out
}

/** Rolling minimum over `n` days (fewer at the start), ignoring NaN. */
export function rollingMin(values: Series, n: number): Float64Array {
  const neg = Float64Array.from(values as ArrayLike<number>, (v) => -v)
  const m = rollingMax(neg, n)
  for (let t = 0; t < m.length; t++) m[t] = -(m[t] as number)
  return m
}

/** Drawdown from the trailing `window`-day high (52 weeks by default): x[t] / max - 1, <= 0. */
export function drawdown(prices: Series, window = TRADING_DAYS_PER_YEAR): Float64Array {
  const hi = rollingMax(prices, window)
  const out = new Float64Array(prices.length).fill(NaN)
  for (let t = 0; t < prices.length; t++) {
    const p = prices[t] as number
    const h = hi[t] as number
    if (p > 0 && h > 0) out[t] = p / h - 1
  }
  return out
}

/** Ratio a/b per day (NaN where either is missing). */
export function ratio(a: Series, b: Series): Float64Array {
  const out = new Float64Array(a.length).fill(NaN)
  for (let t = 0; t < a.length; t++) {
    const x = a[t] as number
    const y = b[t] as number
    if (x > 0 && y > 0) out[t] = x / y
  }
  return out
}

/**
 * Relative strength against a benchmark over `lookback` days: the symbol's
 * return minus the benchmark's, in percent points (> 0 = outperforming).
 */
export function relativeStrength(prices: Series, benchmark: Series, lookback = 63): Float64Array {
  return pctChange(ratio(prices, benchmark), lookback)
}

export type Period = '1D' | '5D' | '1M' | '3M' | 'YTD' | '1Y'
export const PERIODS: readonly Period[] = ['1D', '5D', '1M', '3M', 'YTD', '1Y']
const PERIOD_LAG: Record<Exclude<Period, 'YTD'>, number> = { '1D': 1, '5D': 5, '1M': 21, '3M': 63, '1Y': 252 }

/**
 * Returns (fractions, 0.01 = 1%) at day t over each period. YTD is against the
 * last close of the previous calendar year; NaN when the history is too short.
 */
export function periodReturns(dates: readonly string[], prices: Series, t: number): Record<Period, number> {
  const p = prices[t] as number
  const back = (lag: number): number => {
    if (t - lag < 0) return NaN
    const q = prices[t - lag] as number
    return q > 0 && p > 0 ? p / q - 1 : NaN
  }
  let ytd = NaN
  const year = dates[t]?.slice(0, 4)
  for (let k = t - 1; k >= 0; k--) {
    if ((dates[k] ?? '').slice(0, 4) !== year) {
      const q = prices[k] as number
      if (q > 0 && p > 0) ytd = p / q - 1
      break
    }
  }
  return { '1D': back(PERIOD_LAG['1D']), '5D': back(PERIOD_LAG['5D']), '1M': back(PERIOD_LAG['1M']), '3M': back(PERIOD_LAG['3M']), YTD: ytd, '1Y': back(PERIOD_LAG['1Y']) }
}

/** Pearson correlation of two equal-length windows; NaN if any value is NaN or a side is constant. */
function pearson(a: Series, b: Series, from: number, to: number): number {
  const n = to - from + 1
  let sa = 0
  let sb = 0
  for (let k = from; k <= to; k++) {
    const x = a[k] as number
    const y = b[k] as number
    if (Number.isNaN(x) || Number.isNaN(y)) return NaN
    sa += x
    sb += y
  }
  const ma = sa / n
  const mb = sb / n
  let cov = 0
  let va = 0
  let vb = 0
  for (let k = from; k <= to; k++) {
    const x = (a[k] as number) - ma
    const y = (b[k] as number) - mb
    cov += x * y
    va += x * x
    vb += y * y
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : NaN
}

/** Rolling correlation of the daily log returns of two price series over `n` days (20 or 60). */
export function rollingCorrelation(pricesA: Series, pricesB: Series, n: number): Float64Array {
  const ra = logReturns(pricesA)
  const rb = logReturns(pricesB)
  const out = new Float64Array(ra.length).fill(NaN)
  for (let t = n; t < ra.length; t++) out[t] = pearson(ra, rb, t - n + 1, t)
  return out
}

/** Correlation matrix of daily log returns over the `n` days ending at t; rows/columns in `symbols` order. */
export function correlationMatrix(prices: ReadonlyMap<string, Series>, symbols: readonly string[], t: number, n: number): number[][] {
  const rets = symbols.map((s) => logReturns(prices.get(s) ?? []))
  return symbols.map((_, i) =>
    symbols.map((__, j) => (i === j ? 1 : t - n + 1 < 1 ? NaN : pearson(rets[i] ?? [], rets[j] ?? [], t - n + 1, t))),
  )
}

/**
 * Breadth: per day, the share (0..1) of the universe whose price is above its
 * `n`-day SMA, among the members that have that SMA on that day (NaN if none).
 */
export function breadth(universe: readonly Series[], n: number): Float64Array {
  const len = universe[0]?.length ?? 0
  const above = new Float64Array(len)
  const count = new Float64Array(len)
  for (const prices of universe) {
    const m = sma(prices, n)
    for (let t = 0; t < len; t++) {
      const s = m[t] as number
      if (Number.isNaN(s)) continue
      count[t] = (count[t] as number) + 1
      if ((prices[t] as number) > s) above[t] = (above[t] as number) + 1
    }
  }
  return above.map((a, t) => ((count[t] as number) > 0 ? a / (count[t] as number) : NaN))
}

export interface SwingPoint {
  kind: 'high' | 'low'
  /** Day of the extreme. */
  index: number
  price: number
  /** First day the pivot is known: index + k (the rule needs k later bars). */
  confirmedAt: number
}

/**
 * Swing highs and lows by the pivot rule: bar i is a swing high if its high is
 * strictly above the highs of the k bars before and >= those of the k bars after
 * (mirror for lows). It is only known k bars later, so it carries `confirmedAt`.
 */
export function swingPoints(high: Series, low: Series, k = 5): SwingPoint[] {
  const out: SwingPoint[] = []
  for (let i = k; i + k < high.length; i++) {
    const h = high[i] as number
    const l = low[i] as number
    let isHigh = !Number.isNaN(h)
    let isLow = !Number.isNaN(l)
    for (let j = i - k; j <= i + k && (isHigh || isLow); j++) {
      if (j === i) continue
      const hj = high[j] as number
      const lj = low[j] as number
      if (isHigh && (Number.isNaN(hj) || (j < i ? hj >= h : hj > h))) isHigh = false
      if (isLow && (Number.isNaN(lj) || (j < i ? lj <= l : lj < l))) isLow = false
    }
    if (isHigh) out.push({ kind: 'high', index: i, price: h, confirmedAt: i + k })
    if (isLow) out.push({ kind: 'low', index: i, price: l, confirmedAt: i + k })
  }
  return out
}

export interface KeyLevels {
  /** Nearest confirmed swing highs above the close, ascending. */
  resistance: number[]
  /** Nearest confirmed swing lows below the close, descending. */
  support: number[]
  high52w: number
  low52w: number
}

/**
 * Support and resistance at day t: swing points confirmed by t within the last
 * `lookback` days, the `count` nearest on each side of the close, and the
 * 52-week range from highs and lows.
 */
export function keyLevels(high: Series, low: Series, close: Series, t: number, opts: { k?: number; lookback?: number; count?: number } = {}): KeyLevels {
  const k = opts.k ?? 5
  const lookback = opts.lookback ?? TRADING_DAYS_PER_YEAR
  const count = opts.count ?? 3
  const from = Math.max(0, t - lookback + 1)
  const h = Array.prototype.slice.call(high, from, t + 1) as number[]
  const l = Array.prototype.slice.call(low, from, t + 1) as number[]
  const c = close[t] as number
  const pivots = swingPoints(h, l, k) // within the slice, so nothing after t is used
  const resistance = [...new Set(pivots.filter((p) => p.kind === 'high' && p.price > c).map((p) => p.price))].sort((a, b) => a - b).slice(0, count)
  const support = [...new Set(pivots.filter((p) => p.kind === 'low' && p.price < c).map((p) => p.price))].sort((a, b) => b - a).slice(0, count)
  let high52w = -Infinity
  let low52w = Infinity
  for (const v of h) if (v > high52w) high52w = v
  for (const v of l) if (v < low52w) low52w = v
  return { resistance, support, high52w: Number.isFinite(high52w) ? high52w : NaN, low52w: Number.isFinite(low52w) ? low52w : NaN }
}
