import { describe, expect, it } from 'vitest'
import { epochMs, type Bar } from '../../../../shared/domain'
import { BarBook, barEnd, formatChartTime, mergeBars, timeKey, toChartTime, toDisplayBars } from './chart-model'
import { makeBars } from './fake-terminal-api'

const MIN = 60_000
const bar = (time: number, o: Partial<Bar> = {}): Bar => ({ time: epochMs(time), open: 10, high: 11, low: 9, close: 10.5, volume: 100, ...o })
/** The wall-clock time the chart should show, as the seconds it is given. */
const wall = (y: number, mo: number, d: number, h: number, mi: number) => Date.UTC(y, mo - 1, d, h, mi) / 1000

describe('chart time in New York (lightweight-charts shows UTC, so times are shifted)', () => {
  it('shifts intraday bars by the EDT offset in summer and the EST offset in winter', () => {
    expect(toChartTime(Date.UTC(2024, 6, 1, 13, 30), '5m')).toBe(wall(2024, 7, 1, 9, 30))
    expect(toChartTime(Date.UTC(2024, 0, 2, 14, 30), '1m')).toBe(wall(2024, 1, 2, 9, 30))
  })

  it('jumps from 01:55 to 03:00 when clocks go forward', () => {
    // 2024-03-10: 02:00 EST becomes 03:00 EDT (07:00 UTC).
    expect(toChartTime(Date.UTC(2024, 2, 10, 6, 55), '5m')).toBe(wall(2024, 3, 10, 1, 55))
    expect(toChartTime(Date.UTC(2024, 2, 10, 7, 0), '5m')).toBe(wall(2024, 3, 10, 3, 0))
  })

  it('merges the repeated hour into one point per wall-clock time when clocks go back', () => {
    // 2024-11-03: 01:00-01:59 happens twice, at 05:00 UTC (EDT) and 06:00 UTC (EST).
    const bars = [
      bar(Date.UTC(2024, 10, 3, 4), { open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }),
      bar(Date.UTC(2024, 10, 3, 5), { open: 2, high: 3, low: 1.5, close: 2.5, volume: 20 }),
      bar(Date.UTC(2024, 10, 3, 6), { open: 3, high: 5, low: 1, close: 4, volume: 30 }),
      bar(Date.UTC(2024, 10, 3, 7), { open: 4, high: 4, low: 4, close: 4, volume: 40 }),
    ]
    const points = toDisplayBars(bars, '1h')
    expect(points.map((p) => p.time)).toEqual([wall(2024, 11, 3, 0, 0), wall(2024, 11, 3, 1, 0), wall(2024, 11, 3, 2, 0)])
    expect(points[1]).toMatchObject({ open: 2, high: 5, low: 1, close: 4, volume: 50 })
    // Strictly ascending, as setData requires.
    for (let i = 1; i < points.length; i++) expect(points[i]!.time as number).toBeGreaterThan(points[i - 1]!.time as number)
  })

  it('keeps 5m points unique and ascending across the repeated hour', () => {
    const bars = makeBars(24, '5m', Date.UTC(2024, 10, 3, 6, 55))
    const points = toDisplayBars(bars, '5m')
    expect(points).toHaveLength(12)
    expect(points[0]!.time).toBe(wall(2024, 11, 3, 1, 0))
    expect(points[11]!.time).toBe(wall(2024, 11, 3, 1, 55))
    expect(points[0]!.volume).toBe(bars[0]!.volume + bars[12]!.volume)
    const book = new BarBook('5m')
    book.replace(bars)
    expect(book.displayPointAt(13)).toEqual(points[1])
  })

  it('gives daily bars their business day, across DST', () => {
    expect(toChartTime(Date.UTC(2024, 2, 15, 4), '1D')).toEqual({ year: 2024, month: 3, day: 15 })
    expect(toChartTime(Date.UTC(2024, 0, 2, 5), '1D')).toEqual({ year: 2024, month: 1, day: 2 })
    expect(timeKey({ year: 2024, month: 3, day: 5 })).toBe('2024-03-05')
    // The day clocks go forward is 23 hours long.
    expect(barEnd(Date.UTC(2024, 2, 10, 5), '1D')).toBe(Date.UTC(2024, 2, 11, 4))
    expect(barEnd(Date.UTC(2024, 2, 15, 4), '1D')).toBe(Date.UTC(2024, 2, 16, 4))
  })

  it('gives weekly bars the business day of their Monday, and ends them at the next Monday, across DST', () => {
    const mar4 = Date.UTC(2024, 2, 4, 5) // Monday 00:00 EST
    const mar11 = Date.UTC(2024, 2, 11, 4) // Monday 00:00 EDT: clocks went forward on Sunday the 10th
    expect(toChartTime(mar4, '1W')).toEqual({ year: 2024, month: 3, day: 4 })
    expect(toChartTime(mar11, '1W')).toEqual({ year: 2024, month: 3, day: 11 })
    expect(barEnd(mar4, '1W')).toBe(mar11)
    expect(barEnd(Date.UTC(2024, 9, 28, 4), '1W')).toBe(Date.UTC(2024, 10, 4, 5)) // the fall change, Sunday Nov 3
    expect(formatChartTime(toChartTime(mar4, '1W'), '1W')).toBe('Week of Mar 4, 2024')
    const points = toDisplayBars([bar(mar4), bar(mar11)], '1W')
    expect(points.map((p) => p.key)).toEqual(['2024-03-04', '2024-03-11'])
  })

  it('labels the crosshair in exchange time', () => {
    expect(formatChartTime(toChartTime(Date.UTC(2024, 2, 15, 14, 30), '5m'))).toBe('Fri, Mar 15, 10:30 ET')
    expect(formatChartTime({ year: 2024, month: 3, day: 15 })).toBe('Fri, Mar 15, 2024')
  })
})

describe('bar merging and paging', () => {
  it('merges pages by time, the newer array winning on equal times', () => {
    const a = [bar(0), bar(MIN), bar(2 * MIN, { close: 1 })]
    const b = [bar(2 * MIN, { close: 2 }), bar(3 * MIN)]
    expect(mergeBars(a, b).map((x) => [x.time, x.close])).toEqual([[0, 10.5], [MIN, 10.5], [2 * MIN, 2], [3 * MIN, 10.5]])
    expect(mergeBars([bar(3 * MIN)], [bar(MIN), bar(0)]).map((x) => x.time)).toEqual([0, MIN, 3 * MIN])
  })

  it('updates the forming bar, appends a new one and ignores older ones', () => {
    const book = new BarBook('1m')
    book.replace([bar(0), bar(MIN)])
    expect(book.applyLive(bar(MIN, { close: 12 }))).toBe('update')
    expect(book.last?.close).toBe(12)
    expect(book.applyLive(bar(2 * MIN))).toBe('append')
    expect(book.applyLive(bar(0))).toBe('stale')
    expect(book.size).toBe(3)
  })

  it('keeps a forming bar that arrived before the load answered', () => {
    const book = new BarBook('1m')
    book.applyLive(bar(5 * MIN, { close: 99 }))
    book.replace(makeBars(5, '1m', 4 * MIN))
    expect(book.bars.map((b) => b.time)).toEqual([0, MIN, 2 * MIN, 3 * MIN, 4 * MIN, 5 * MIN])
    expect(book.last?.close).toBe(99)
  })

  it('prepends older pages until a short page marks the history exhausted', () => {
    const book = new BarBook('1m')
    book.replace(makeBars(3, '1m', 10 * MIN))
    expect(book.canPageOlder()).toBe(true)
    expect(book.prependOlder(makeBars(3, '1m', 7 * MIN), 3)).toBe(3)
    expect(book.oldest).toBe(5 * MIN)
    expect(book.exhausted).toBe(false)
    // Overlap is dropped; a short page is the end.
    expect(book.prependOlder([bar(4 * MIN), bar(5 * MIN)], 3)).toBe(1)
    expect(book.exhausted).toBe(true)
    expect(book.canPageOlder()).toBe(false)
  })

  it('stops paging at the bound and trims the oldest once well past it', () => {
    const book = new BarBook('1m', 10)
    book.replace(makeBars(8, '1m', 100 * MIN))
    expect(book.prependOlder(makeBars(5, '1m', 92 * MIN), 5)).toBe(2)
    expect(book.size).toBe(10)
    expect(book.canPageOlder()).toBe(false)
    for (let i = 1; i <= 600; i++) book.applyLive(bar((100 + i) * MIN))
    expect(book.trimIfNeeded()).toBe(true)
    expect(book.size).toBe(10)
    expect(book.last?.time).toBe(700 * MIN)
  })

  it('finds the bar whose span holds a time, and none in a gap or outside', () => {
    const book = new BarBook('5m')
    const t0 = Date.UTC(2024, 2, 15, 14, 0)
    book.replace([bar(t0), bar(t0 + 5 * MIN), bar(t0 + 30 * MIN)])
    expect(book.containingIndex(t0)).toBe(0)
    expect(book.containingIndex(t0 + 7 * MIN)).toBe(1)
    expect(book.containingIndex(t0 + 12 * MIN)).toBe(-1)
    expect(book.containingIndex(t0 - 1)).toBe(-1)
    expect(book.containingIndex(t0 + 34 * MIN + 59_999)).toBe(2)
    expect(book.containingIndex(t0 + 35 * MIN)).toBe(-1)
  })

  it('places a daily detection on its New York day', () => {
    const book = new BarBook('1D')
    const mar14 = Date.UTC(2024, 2, 14, 4)
    const mar15 = Date.UTC(2024, 2, 15, 4)
    book.replace([bar(mar14), bar(mar15)])
    // 23:30 New York on the 14th is 03:30 UTC on the 15th.
    expect(book.containingIndex(Date.UTC(2024, 2, 15, 3, 30))).toBe(0)
    expect(book.containingIndex(Date.UTC(2024, 2, 15, 20))).toBe(1)
    expect(book.containingIndex(Date.UTC(2024, 2, 16, 4))).toBe(-1)
  })

  it('places a detection in the week that holds it, Monday 00:00 to Sunday 23:59 New York', () => {
    const book = new BarBook('1W')
    const mar4 = Date.UTC(2024, 2, 4, 5)
    const mar11 = Date.UTC(2024, 2, 11, 4)
    book.replace([bar(mar4), bar(mar11)])
    expect(book.containingIndex(mar4)).toBe(0)
    expect(book.containingIndex(Date.UTC(2024, 2, 8, 21))).toBe(0) // Friday 16:00
    expect(book.containingIndex(mar11 - 1)).toBe(0) // Sunday 23:59:59.999 EDT
    expect(book.containingIndex(mar11)).toBe(1)
    expect(book.containingIndex(Date.UTC(2024, 2, 18, 4))).toBe(-1)
    expect(book.keyAt(1)).toBe('2024-03-11')
    expect(book.displayPointAt(1)).toMatchObject({ time: { year: 2024, month: 3, day: 11 }, key: '2024-03-11' })
  })
})
