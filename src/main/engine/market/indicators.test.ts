import { describe, expect, it } from 'vitest'
import {
  breadth,
  drawdown,
  keyLevels,
  pctChange,
  periodReturns,
  realizedVol,
  relativeStrength,
  rollingCorrelation,
  sma,
  swingPoints,
  trailingPercentile,
} from './indicators'

const arr = (x: ArrayLike<number>): number[] => Array.from(x)

describe('indicators on hand-made series', () => {
  it('sma is NaN until n values, and NaN while a NaN is in the window', () => {
    expect(arr(sma([1, 2, 3, 4, 5], 3))).toEqual([NaN, NaN, 2, 3, 4])
    expect(arr(sma([1, NaN, 3, 4, 5, 6], 2))).toEqual([NaN, NaN, NaN, 3.5, 4.5, 5.5])
  })

  it('pctChange gives the slope of an average in percent', () => {
    const s = pctChange([100, 105, 110, 121], 2)
    expect(s[1]).toBeNaN()
    expect(s[2]).toBeCloseTo(10, 10)
    expect(s[3]).toBeCloseTo(15.238, 3)
  })

  it('realized volatility: 0 for constant growth, annualized std of log returns otherwise', () => {
    const steady = Array.from({ length: 30 }, (_, i) => 100 * 1.01 ** i)
    expect(realizedVol(steady, 20)[29]).toBeCloseTo(0, 10)
    const zigzag = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? 100 : 110))
    const r = Math.log(1.1)
    // returns alternate +r/-r: sample std over 20 = r * sqrt(20/19)
    expect(realizedVol(zigzag, 20)[29]).toBeCloseTo(r * Math.sqrt(20 / 19) * Math.sqrt(252), 10)
    expect(realizedVol(zigzag, 20)[19]).toBeNaN()
  })

  it('trailing percentile ranks today against the window', () => {
    const p = trailingPercentile([5, 1, 2, 3, 4], 4, 2)
    expect(arr(p)).toEqual([NaN, 0.5, 2 / 3, 0.75, 1])
  })

  it('drawdown from the trailing high', () => {
    const dd = drawdown([100, 120, 90, 130, 117], 3)
    expect(arr(dd).slice(0, 4)).toEqual([0, 0, -0.25, 0])
    expect(dd[4]).toBeCloseTo(-0.1, 12)
    // the window forgets old highs
    expect(drawdown([200, 100, 100, 100], 2)[3]).toBe(0)
  })

  it('relative strength is the return difference of the ratio', () => {
    const rs = relativeStrength([10, 11, 12], [100, 100, 110], 2)
    expect(rs[2]).toBeCloseTo(100 * (12 / 110 / (10 / 100) - 1), 10)
  })

  it('period returns, with YTD against the last close of the previous year', () => {
    const dates = ['2020-12-30', '2020-12-31', '2021-01-04', '2021-01-05', '2021-01-06', '2021-01-07', '2021-01-08']
    const px = [90, 100, 101, 102, 103, 104, 110]
    const r = periodReturns(dates, px, 6)
    expect(r['1D']).toBeCloseTo(110 / 104 - 1)
    expect(r['5D']).toBeCloseTo(110 / 100 - 1)
    expect(r.YTD).toBeCloseTo(0.1)
    expect(r['1M']).toBeNaN()
  })

  it('rolling correlation of returns: +1, -1', () => {
    const a = [100, 101, 99, 103, 102, 104, 101]
    const b = a.map((x) => 2 * x)
    const inv = a.map((x) => 10000 / x)
    expect(rollingCorrelation(a, b, 5)[6]).toBeCloseTo(1, 10)
    expect(rollingCorrelation(a, inv, 5)[6]).toBeCloseTo(-1, 10)
    expect(rollingCorrelation(a, b, 5)[4]).toBeNaN()
  })

  it('breadth is the share above their average among members that have one', () => {
    const up = [1, 2, 3, 4]
    const down = [4, 3, 2, 1]
    const young = [NaN, NaN, NaN, 5]
    expect(arr(breadth([up, down, young], 2))).toEqual([NaN, 0.5, 0.5, 0.5])
  })

  it('swing points by the pivot rule, confirmed k bars later', () => {
    const high = [1, 2, 5, 2, 1, 2, 3, 2]
    const low = [0.5, 1, 4, 1, 0.2, 1, 2, 1]
    const pts = swingPoints(high, low, 2)
    expect(pts).toEqual([
      { kind: 'high', index: 2, price: 5, confirmedAt: 4 },
      { kind: 'low', index: 4, price: 0.2, confirmedAt: 6 },
    ])
  })

  it('key levels use only bars up to t', () => {
    const high = [10, 11, 14, 11, 10, 9, 10, 11, 12, 13, 20]
    const low = high.map((h) => h - 1)
    const close = high.map((h) => h - 0.5)
    const atT = keyLevels(high, low, close, 8, { k: 2 })
    expect(atT.resistance).toEqual([14])
    expect(atT.support).toEqual([8])
    expect(atT.high52w).toBe(14)
    expect(atT.low52w).toBe(8)
    // appending later bars does not change the levels at t
    expect(keyLevels(high.slice(0, 9), low.slice(0, 9), close.slice(0, 9), 8, { k: 2 })).toEqual(atT)
  })
})
