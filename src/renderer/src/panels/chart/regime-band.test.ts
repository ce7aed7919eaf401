import { describe, expect, it } from 'vitest'
import { epochMs, type Bar, type RegimePeriod } from '../../../../shared/domain'
import { buildRegimeBand, describeRegime, periodFor, regimeBandOn } from './regime-band'

/** A bar starting at 00:00 New York on `date` (EST in January). */
const dayBar = (date: string): Bar => ({ time: epochMs(Date.parse(`${date}T05:00:00Z`)), open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 })
const period = (from: string, to: string, regime: RegimePeriod['regime'], confidence = 0.7): RegimePeriod => ({ from, to, regime, confidence })

const PERIODS = [period('2024-01-02', '2024-01-10', 'Bull', 0.8), period('2024-01-11', '2024-01-19', 'Bear', 0.6), period('2024-01-22', '2024-01-31', 'Consolidation', 0.5)]
const day = (d: number) => ({ year: 2024, month: 1, day: d })

describe('regime band model', () => {
  it('gives each daily bar the regime of its date; bars outside the periods get none and end a run', () => {
    const dates = ['2023-12-29', '2024-01-02', '2024-01-03', '2024-01-10', '2024-01-11', '2024-01-19', '2024-01-22', '2024-01-31', '2024-02-01']
    const band = buildRegimeBand(PERIODS, dates.map(dayBar), '1D')
    expect(band.runs.map((r) => [r.regime, r.from, r.to])).toEqual([
      ['Bull', day(2), day(10)],
      ['Bear', day(11), day(19)],
      ['Consolidation', day(22), day(31)],
    ])
    expect(band.byKey.get('2024-01-03')?.regime).toBe('Bull')
    expect(band.byKey.get('2024-01-19')?.regime).toBe('Bear')
    expect(band.byKey.has('2023-12-29')).toBe(false)
    expect(band.byKey.has('2024-02-01')).toBe(false)
  })

  it('gives a weekly bar the regime in force at the end of its week (the newest period overlapping it)', () => {
    // Mondays: Jan 1 (Bull from Tuesday the 2nd), Jan 8 (Bull to Wed, Bear from Thu), Jan 15 (Bear), Jan 22 and 29 (Consolidation), Feb 5 (none).
    const weeks = ['2024-01-01', '2024-01-08', '2024-01-15', '2024-01-22', '2024-01-29', '2024-02-05'].map(dayBar)
    const band = buildRegimeBand(PERIODS, weeks, '1W')
    expect(band.runs.map((r) => [r.regime, r.from, r.to])).toEqual([
      ['Bull', day(1), day(1)],
      ['Bear', day(8), day(15)],
      ['Consolidation', day(22), day(29)],
    ])
    expect(band.byKey.get('2024-01-08')?.regime).toBe('Bear')
    expect(band.byKey.has('2024-02-05')).toBe(false)
  })

  it('uses the New York business day of weekly bars across a DST change', () => {
    const periods = [period('2024-03-04', '2024-03-08', 'Bear'), period('2024-03-11', '2024-03-15', 'Bull')]
    const weeks: Bar[] = [Date.UTC(2024, 2, 4, 5), Date.UTC(2024, 2, 11, 4)].map((t) => ({ ...dayBar('2024-03-04'), time: epochMs(t) }))
    expect(buildRegimeBand(periods, weeks, '1W').runs.map((r) => r.regime)).toEqual(['Bear', 'Bull'])
  })

  it('splits runs at a gap in the periods, and is empty without periods or on intraday charts', () => {
    const gap = [period('2024-01-02', '2024-01-03', 'Bull'), period('2024-01-05', '2024-01-05', 'Bull')]
    const bars = ['2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].map(dayBar)
    expect(buildRegimeBand(gap, bars, '1D').runs.map((r) => [r.from, r.to])).toEqual([
      [day(2), day(3)],
      [day(5), day(5)],
    ])
    expect(buildRegimeBand([], bars, '1D').runs).toEqual([])
    expect(buildRegimeBand(gap, bars, '1h').runs).toEqual([])
  })

  it('finds the period in force over a span of dates', () => {
    expect(periodFor(PERIODS, '2024-01-20', '2024-01-21')).toBeNull() // a weekend between periods
    expect(periodFor(PERIODS, '2024-01-01', '2024-01-01')).toBeNull()
    expect(periodFor(PERIODS, '2024-01-09', '2024-01-12')?.regime).toBe('Bear')
    expect(periodFor([], '2024-01-09', '2024-01-12')).toBeNull()
  })

  it('is on by default for SPY only, follows the panel’s choice, and never shows on intraday charts', () => {
    expect(regimeBandOn('SPY', '1D', null)).toBe(true)
    expect(regimeBandOn('SPY', '1W', null)).toBe(true)
    expect(regimeBandOn('SPY', '5m', true)).toBe(false)
    expect(regimeBandOn('AAPL', '1D', null)).toBe(false)
    expect(regimeBandOn('AAPL', '1W', true)).toBe(true)
    expect(regimeBandOn('SPY', '1D', false)).toBe(false)
    expect(regimeBandOn(null, '1D', true)).toBe(false)
  })

  it('says which regime and since when', () => {
    expect(describeRegime(PERIODS[1]!)).toBe('Bear since Jan 11, 2024')
  })
})
