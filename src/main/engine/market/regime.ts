/**
 * Market regime (Bull / Bear / Consolidation) for SPY, per trading day,
 * causal (day t uses bars <= t) and with hysteresis.
 *
 * The rule, on SPY's adjusted close P, its 20/50/200-day SMAs, the 20-day
 * slope of the 50- and 200-day SMAs, and the drawdown DD from the 52-week high:
 *
 * - Bear entry: for `bearConfirmDays` days in a row, P is below the 50-day SMA
 *   and either (P < SMA200, SMA200 falling and DD <= `bearDrawdown`) or
 *   DD <= `crashDrawdown` (a crash is a bear market whatever the averages say).
 * - Bear exit (to Consolidation): for `recoveryDays` days in a row, P > SMA200,
 *   or the shorter averages recover (P > SMA50, SMA20 > SMA50, SMA50 rising).
 * - Bull exit (to Consolidation, or Bear if its entry holds): the first day
 *   P < SMA200, or DD <= `bullExitDrawdown` with P < SMA50 (the fast exit
 *   that catches a crash from a high well above the 200-day average).
 * - Bull entry (from Consolidation or Bear): for `recoveryDays` days in a row,
 *   P > SMA200 * (1 + `bullEntryBuffer`), P > SMA50 and SMA50 > SMA200.
 * - Otherwise the regime holds. Before 200 days of history it is Consolidation
 *   with confidence 0.
 *
 * Exits from Bull are immediate (never later than the baseline "P above its
 * 200-day SMA"), entries need confirmation: this asymmetry is the hysteresis.
 *
 * Confidence is the agreement of trend signals with the label: each signal
 * votes +1 (bullish) or -1 (bearish); a = mean vote; Bull -> (1+a)/2,
 * Bear -> (1-a)/2, Consolidation -> 1-|a|. Signals: P vs SMA50, P vs SMA200,
 * SMA50 vs SMA200, SMA50 and SMA200 slopes, drawdown (> -5% bull, < -10% bear,
 * else 0), and when given, breadth above the 200-day SMA (vs 50%) and
 * QQQ / IWM against their 200-day SMAs.
 */
import { drawdown, pctChange, sma } from './indicators'

export type Regime = 'Bull' | 'Bear' | 'Consolidation'

export interface RegimeParams {
  bearDrawdown: number
  crashDrawdown: number
  bullExitDrawdown: number
  bullEntryBuffer: number
  bearConfirmDays: number
  recoveryDays: number
  /** Lag (days) of the SMA slope. */
  slopeLag: number
}

/** Tuned once on SPY 1993-2025 and frozen; see regime.test.ts for the acceptance checks. */
export const DEFAULT_REGIME_PARAMS: Readonly<RegimeParams> = Object.freeze({
  bearDrawdown: -0.1,
  crashDrawdown: -0.2,
  bullExitDrawdown: -0.07,
  bullEntryBuffer: 0.01,
  bearConfirmDays: 3,
  recoveryDays: 5,
  slopeLag: 20,
})

export interface RegimeInputs {
  dates: readonly string[]
  /** SPY adjusted closes. */
  spy: ArrayLike<number>
  /** Optional confirmers (same calendar as `dates`): share of the universe above its 200-day SMA (0..1), QQQ and IWM adjusted closes. */
  breadth200?: ArrayLike<number>
  qqq?: ArrayLike<number>
  iwm?: ArrayLike<number>
}

export interface RegimeDay {
  date: string
  regime: Regime
  /** 0..1 */
  confidence: number
  /** Date the current regime began. */
  since: string
}

export interface RegimeEvent {
  date: string
  from: Regime
  to: Regime
}

export interface RegimeResult {
  days: RegimeDay[]
  events: RegimeEvent[]
}

function vote(x: number): number {
  return Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0
}

export function computeRegimes(input: RegimeInputs, params: Partial<RegimeParams> = {}): RegimeResult {
  const p: RegimeParams = { ...DEFAULT_REGIME_PARAMS, ...params }
  const { dates, spy } = input
  const n = dates.length
  const s20 = sma(spy, 20)
  const s50 = sma(spy, 50)
  const s200 = sma(spy, 200)
  const slope50 = pctChange(s50, p.slopeLag)
  const slope200 = pctChange(s200, p.slopeLag)
  const dd = drawdown(spy)
  const qqq200 = input.qqq ? sma(input.qqq, 200) : undefined
  const iwm200 = input.iwm ? sma(input.iwm, 200) : undefined

  const days: RegimeDay[] = []
  const events: RegimeEvent[] = []
  let regime: Regime = 'Consolidation'
  let since = dates[0] ?? ''
  let bearRun = 0
  let bearExitRun = 0
  let bullEntryRun = 0

  for (let t = 0; t < n; t++) {
    const P = spy[t] as number
    const a20 = s20[t] as number
    const a50 = s50[t] as number
    const a200 = s200[t] as number
    const sl50 = slope50[t] as number
    const sl200 = slope200[t] as number
    const d = dd[t] as number
    const date = dates[t] as string
    const ready = !Number.isNaN(P) && !Number.isNaN(a200) && !Number.isNaN(sl200) && !Number.isNaN(d)
    if (!ready) {
      days.push({ date, regime, confidence: 0, since })
      continue
    }

    const bearCond = P < a50 && ((P < a200 && sl200 < 0 && d <= p.bearDrawdown) || (d <= p.crashDrawdown && sl50 < 0))
    const bearExitCond = P > a200 || (P > a50 && a20 > a50 && sl50 > 0)
    const bullEntryCond = P > a200 * (1 + p.bullEntryBuffer) && P > a50 && a50 > a200
    const bullExitCond = P < a200 || (d <= p.bullExitDrawdown && P < a50)
    bearRun = bearCond ? bearRun + 1 : 0
    bearExitRun = bearExitCond ? bearExitRun + 1 : 0
    bullEntryRun = bullEntryCond ? bullEntryRun + 1 : 0

    let next: Regime = regime
    switch (regime) {
      case 'Bull':
        if (bearRun >= p.bearConfirmDays) next = 'Bear'
        else if (bullExitCond) next = 'Consolidation'
        break
      case 'Consolidation':
        if (bearRun >= p.bearConfirmDays) next = 'Bear'
        else if (bullEntryRun >= p.recoveryDays) next = 'Bull'
        break
      case 'Bear':
        if (bullEntryRun >= p.recoveryDays) next = 'Bull'
        else if (bearExitRun >= p.recoveryDays) next = 'Consolidation'
        break
      default: {
        const never: never = regime
        throw new Error(`unknown regime ${String(never)}`)
      }
    }
    if (next !== regime) {
      events.push({ date, from: regime, to: next })
      regime = next
      since = date
    }

    const votes = [vote(P - a50), vote(P - a200), vote(a50 - a200), vote(sl50), vote(sl200), d > -0.05 ? 1 : d < -0.1 ? -1 : 0]
    const b = input.breadth200?.[t]
    if (b !== undefined && !Number.isNaN(b)) votes.push(vote(b - 0.5))
    if (input.qqq && qqq200) votes.push(vote((input.qqq[t] as number) - (qqq200[t] as number)))
    if (input.iwm && iwm200) votes.push(vote((input.iwm[t] as number) - (iwm200[t] as number)))
    const valid = votes.filter((v) => !Number.isNaN(v))
    const a = valid.reduce((x, y) => x + y, 0) / valid.length
    const confidence = regime === 'Bull' ? (1 + a) / 2 : regime === 'Bear' ? (1 - a) / 2 : 1 - Math.abs(a)
    days.push({ date, regime, confidence, since })
  }
  return { days, events }
}

/** The baseline: Bull when SPY is above its 200-day SMA, else Bear (Consolidation before the SMA exists). */
export function baselineRegimes(dates: readonly string[], spy: ArrayLike<number>): Regime[] {
  const s200 = sma(spy, 200)
  return dates.map((_, t) => {
    const a = s200[t] as number
    return Number.isNaN(a) ? 'Consolidation' : (spy[t] as number) > a ? 'Bull' : 'Bear'
  })
}

export interface RegimeStats {
  /** Share of days (after warm-up) labelled Bull. */
  bullShare: number
  flipsPerYear: number
  flips: number
}

/** Stats over days from `from` (index) on: flips = label changes. */
export function regimeStats(labels: readonly Regime[], from: number): RegimeStats {
  let bull = 0
  let flips = 0
  for (let t = from; t < labels.length; t++) {
    if (labels[t] === 'Bull') bull++
    if (t > from && labels[t] !== labels[t - 1]) flips++
  }
  const n = labels.length - from
  return { bullShare: n > 0 ? bull / n : NaN, flips, flipsPerYear: n > 0 ? flips / (n / 252) : NaN }
}

/**
 * Trading days from the highest close within [peakFrom, peakTo] (ISO dates) to
 * the first later day whose label is not Bull; NaN if none.
 */
export function delayAfterPeak(dates: readonly string[], closes: ArrayLike<number>, labels: readonly Regime[], peakFrom: string, peakTo: string): { peakDate: string; delay: number } {
  let peak = -1
  for (let t = 0; t < dates.length; t++) {
    const d = dates[t] as string
    if (d < peakFrom || d > peakTo) continue
    if (peak < 0 || (closes[t] as number) > (closes[peak] as number)) peak = t
  }
  if (peak < 0) return { peakDate: '', delay: NaN }
  for (let t = peak; t < labels.length; t++) if (labels[t] !== 'Bull') return { peakDate: dates[peak] as string, delay: t - peak }
  return { peakDate: dates[peak] as string, delay: NaN }
}
