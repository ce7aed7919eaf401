/**
 * The regime band as data: which bar of a daily or weekly chart gets which
 * market regime, and the runs of bars the view shades. Pure; the chart view
 * turns runs into coloured rectangles behind the candles.
 *
 * A daily bar takes the regime of its date. A weekly bar takes the regime in
 * force at the end of its week: the newest period that overlaps the week
 * (the week's close, as its candle shows). Bars no period covers (before the
 * market data starts, after its last day, on days it does not hold) get no
 * band.
 */
import type { Bar, BarTimeframe, MarketRegime, RegimePeriod } from '../../../../shared/domain'
import { isDailyOrWeekly, timeKey, toChartTime, type ChartTime } from './chart-model'

/** The regime is the market's, read from SPY and the ETF universe: its own chart shows the band by default. */
export const REGIME_SYMBOL = 'SPY'

/** Whether a chart shows the band: the panel's choice, else on for SPY only. Never on intraday charts. */
export function regimeBandOn(symbol: string | null, timeframe: BarTimeframe, choice: boolean | null): boolean {
  if (!isDailyOrWeekly(timeframe) || symbol === null) return false
  return choice ?? symbol === REGIME_SYMBOL
}

/** Consecutive bars under one regime period, drawn as one stretch of background. */
export interface RegimeRun {
  regime: MarketRegime
  /** Chart times of the first and last bar of the run. */
  from: ChartTime
  to: ChartTime
  period: RegimePeriod
}

export interface RegimeBand {
  /** Ascending; a bar without a regime ends a run. */
  runs: RegimeRun[]
  /** The period of each bar, by the bar's chart-time key (the legend's lookup). */
  byKey: Map<string, RegimePeriod>
}

export const EMPTY_REGIME_BAND: RegimeBand = { runs: [], byKey: new Map() }

const DAY_MS = 86_400_000
const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)

/** Index of the last period starting on or before `date` (periods ascending, not overlapping), or -1. */
function lastStartingBy(periods: readonly RegimePeriod[], date: string): number {
  let lo = 0
  let hi = periods.length - 1
  let found = -1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (periods[mid]!.from <= date) {
      found = mid
      lo = mid + 1
    } else hi = mid - 1
  }
  return found
}

/** The period in force for a bar covering the dates [first, last], or null. */
export function periodFor(periods: readonly RegimePeriod[], first: string, last: string): RegimePeriod | null {
  const i = lastStartingBy(periods, last)
  const p = i < 0 ? null : periods[i]!
  return p && p.to >= first ? p : null
}

/** The band for these bars (ascending) of a daily or weekly chart; empty for intraday charts or without periods. */
export function buildRegimeBand(periods: readonly RegimePeriod[], bars: readonly Bar[], tf: BarTimeframe): RegimeBand {
  if (!isDailyOrWeekly(tf) || periods.length === 0 || bars.length === 0) return EMPTY_REGIME_BAND
  const runs: RegimeRun[] = []
  const byKey = new Map<string, RegimePeriod>()
  let run: RegimeRun | null = null
  for (const bar of bars) {
    const time = toChartTime(bar.time, tf)
    const key = timeKey(time)
    const period = periodFor(periods, key, tf === '1W' ? addDays(key, 6) : key)
    if (period === null) {
      run = null
      continue
    }
    byKey.set(key, period)
    if (run && run.period === period) run.to = time
    else runs.push((run = { regime: period.regime, from: time, to: time, period }))
  }
  return { runs, byKey }
}

const isoDate = new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' })

/** "Bull since Mar 4, 2024". */
export function describeRegime(p: RegimePeriod): string {
  return `${p.regime} since ${isoDate.format(Date.parse(`${p.from}T00:00:00Z`))}`
}

/** A cheap identity of a list of periods: a refetch that changed nothing redraws nothing. */
export function periodsKey(periods: readonly RegimePeriod[]): string {
  return periods.map((p) => `${p.from}|${p.to}|${p.regime}|${p.confidence.toFixed(3)}`).join(',')
}
