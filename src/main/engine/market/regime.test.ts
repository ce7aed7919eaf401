/**
 * Acceptance checks on the real SPY history (../shared/data/etf-daily). The
 * regime parameters were tuned once and frozen; these are the criteria, not
 * day-by-day targets.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { computeDailyMarketState, type DailyMarketState } from './market-state'
import { baselineRegimes, delayAfterPeak, regimeStats, type Regime } from './regime'
import { loadRealBars } from './testing/real-data'
import type { DailyBar } from './daily-bars'

let state: DailyMarketState
let bars: Map<string, DailyBar[]>
let labels: Regime[]
let base: Regime[]
let spy: Float64Array

function share(l: readonly Regime[], from: string, to: string, want: Regime): number {
  let n = 0
  let k = 0
  state.aligned.dates.forEach((d, i) => {
    if (d < from || d > to) return
    n++
    if (l[i] === want) k++
  })
  return k / n
}

beforeAll(async () => {
  bars = await loadRealBars()
  state = computeDailyMarketState(bars)
  labels = state.regime.days.map((d) => d.regime)
  spy = state.aligned.adjClose.get('SPY') as Float64Array
  base = baselineRegimes(state.aligned.dates, spy)
})

describe('regime on real SPY history', () => {
  it('is Bear for most of 2008-10..2009-02 and of 2022-05..2022-10', () => {
    expect(share(labels, '2008-10-01', '2009-02-28', 'Bear')).toBeGreaterThan(0.8)
    expect(share(labels, '2022-05-01', '2022-10-31', 'Bear')).toBeGreaterThan(0.7)
  })

  it('leaves Bull within days of the February 2020 peak', () => {
    const { peakDate, delay } = delayAfterPeak(state.aligned.dates, spy, labels, '2020-01-01', '2020-03-31')
    expect(peakDate).toBe('2020-02-19')
    expect(delay).toBeLessThanOrEqual(5)
    // and it does not come back to Bull during the crash
    expect(share(labels, '2020-02-27', '2020-04-30', 'Bull')).toBe(0)
  })

  it('is Bull for most of 2013, 2017 and 2021', () => {
    for (const y of ['2013', '2017', '2021']) expect(share(labels, `${y}-01-01`, `${y}-12-31`, 'Bull'), y).toBeGreaterThan(0.8)
  })

  it('gives the date each regime began and a confidence in 0..1', () => {
    const days = state.regime.days
    for (let t = 1; t < days.length; t++) {
      const d = days[t]!
      expect(d.confidence).toBeGreaterThanOrEqual(0)
      expect(d.confidence).toBeLessThanOrEqual(1)
      if (d.regime !== days[t - 1]!.regime) expect(d.since).toBe(d.date)
      else expect(d.since).toBe(days[t - 1]!.since)
    }
    expect(state.regime.events.length).toBeGreaterThan(10)
  })

  it('flips less than the baseline and reacts no later after the 2007, 2020 and 2022 peaks', () => {
    const warm = 199
    const ours = regimeStats(labels, warm)
    const theirs = regimeStats(base, warm)
    const peaks: [string, string, string][] = [
      ['2007', '2007-01-01', '2007-12-31'],
      ['2020', '2020-01-01', '2020-03-31'],
      ['2022', '2022-01-01', '2022-03-31'],
    ]
    const rows = peaks.map(([name, a, b]) => {
      const o = delayAfterPeak(state.aligned.dates, spy, labels, a, b)
      const bl = delayAfterPeak(state.aligned.dates, spy, base, a, b)
      return { name, peak: o.peakDate, ours: o.delay, baseline: bl.delay }
    })
    const from = state.aligned.dates[warm]
    const to = state.aligned.dates[state.aligned.dates.length - 1]
    console.log(
      [
        `SPY ${from}..${to}            regime   baseline (SPY > 200d SMA)`,
        `share of days Bull          ${ours.bullShare.toFixed(3)}    ${theirs.bullShare.toFixed(3)}`,
        `flips per year              ${ours.flipsPerYear.toFixed(2)}     ${theirs.flipsPerYear.toFixed(2)}   (${ours.flips} vs ${theirs.flips} flips)`,
        ...rows.map((r) => `delay after ${r.name} peak (${r.peak})  ${r.ours}       ${r.baseline}   trading days`),
      ].join('\n'),
    )
    expect(ours.flipsPerYear).toBeLessThan(theirs.flipsPerYear)
    for (const r of rows) expect(r.ours, r.name).toBeLessThanOrEqual(r.baseline)
  })
})

describe('causality', () => {
  it('values at day t do not change when later bars are added', () => {
    const cutoffs = ['2008-10-10', '2020-03-02', '2022-06-16', '2013-07-01']
    for (const cutoff of cutoffs) {
      const truncated = new Map([...bars].map(([s, b]) => [s, b.filter((x) => x.date <= cutoff)]))
      const part = computeDailyMarketState(truncated)
      const n = part.aligned.dates.length
      expect(part.aligned.dates[n - 1]).toBe(cutoff)
      // every day up to the cutoff, not just the last
      expect(part.regime.days).toEqual(state.regime.days.slice(0, n))
      expect(Array.from(part.risk.score)).toEqual(Array.from(state.risk.score.slice(0, n)))
      expect(Array.from(part.breadth200)).toEqual(Array.from(state.breadth200.slice(0, n)))
    }
  })
})
