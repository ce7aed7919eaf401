import { describe, expect, it } from 'vitest'
import { computeRrg, quadrant, rrgSeries, weekKey, weeklyIndices } from './rotation'
import { realMarketState } from './testing/real-data'

describe('rotation graph', () => {
  it('quadrants', () => {
    expect(quadrant(101, 101)).toBe('Leading')
    expect(quadrant(101, 99)).toBe('Weakening')
    expect(quadrant(99, 99)).toBe('Lagging')
    expect(quadrant(99, 101)).toBe('Improving')
    expect(quadrant(NaN, 101)).toBeNull()
  })

  it('weeks start on Monday and end on the last trading day', () => {
    expect(weekKey('2024-01-07')).toBe('2024-01-01') // Sunday
    expect(weekKey('2024-01-08')).toBe('2024-01-08')
    const dates = ['2024-01-04', '2024-01-05', '2024-01-08', '2024-01-09']
    expect(weeklyIndices(dates)).toEqual([1, 3])
    expect(weeklyIndices(dates, 2)).toEqual([1, 2]) // a partial week ends at t
  })

  it('a fund that has just started to outperform is Leading; one that has just started to lag is Lagging', () => {
    const days = 300
    const dates = Array.from({ length: days }, (_, i) => new Date(Date.UTC(2020, 0, 6) + Math.floor(i / 5) * 7 * 864e5 + (i % 5) * 864e5).toISOString().slice(0, 10))
    const spy = dates.map((_, i) => 100 * (1 + 0.001 * i + 0.01 * Math.sin(i)))
    const wobble = (i: number): number => 1 + 0.005 * Math.sin(i * 0.7)
    const up = spy.map((p, i) => p * wobble(i) * (i > 280 ? 1 + 0.004 * (i - 280) : 1))
    const down = spy.map((p, i) => p * wobble(i) * (i > 280 ? 1 - 0.004 * (i - 280) : 1))
    const prices = new Map([['SPY', spy], ['UP', up], ['DOWN', down]])
    const rrg = computeRrg(dates, prices, days - 1, ['UP', 'DOWN'], { tailLength: 5 })
    expect(rrg.map((s) => [s.symbol, s.quadrant])).toEqual([
      ['UP', 'Leading'],
      ['DOWN', 'Lagging'],
    ])
    expect(rrg[0]?.tail).toHaveLength(5)
    expect(rrg[0]?.tail[4]).toEqual(rrg[0]?.current)
  })

  it('on real data, every sector fund has a point centred near 100 and later weeks do not change earlier points', async () => {
    const s = await realMarketState()
    const t = s.aligned.dates.indexOf('2020-03-20')
    const rrg = computeRrg(s.aligned.dates, s.aligned.adjClose, t)
    expect(rrg.map((x) => x.symbol)).toEqual(['XLK', 'XLV', 'XLF', 'XLE', 'XLY', 'XLP', 'XLI', 'XLU', 'XLB', 'XLRE', 'XLC'])
    for (const x of rrg) {
      expect(x.quadrant).not.toBeNull()
      expect(Math.abs(x.current.rsRatio - 100)).toBeLessThan(4)
    }
    const spy = s.aligned.adjClose.get('SPY') as Float64Array
    const xle = s.aligned.adjClose.get('XLE') as Float64Array
    const early = rrgSeries(s.aligned.dates, xle, spy, t)
    const late = rrgSeries(s.aligned.dates, xle, spy, t + 100)
    expect(late.slice(0, early.length)).toEqual(early)
  })

  it('the graph read from the last weeks only is the one the whole history gives (so it is cheap)', async () => {
    const s = await realMarketState()
    const t = s.aligned.dates.indexOf('2022-06-17')
    const spy = s.aligned.adjClose.get('SPY') as Float64Array
    for (const f of ['XLK', 'XLE', 'XLU']) {
      const full = rrgSeries(s.aligned.dates, s.aligned.adjClose.get(f) as Float64Array, spy, t).slice(-8)
      const [x] = computeRrg(s.aligned.dates, s.aligned.adjClose, t, [f], { tailLength: 8 })
      expect(x?.tail).toEqual(full)
    }
  })
})
