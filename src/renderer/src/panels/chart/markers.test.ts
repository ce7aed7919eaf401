import { describe, expect, it } from 'vitest'
import { epochMs } from '../../../../shared/domain'
import { makeEvent } from '../../test-support/fixtures'
import { BarBook, toChartTime } from './chart-model'
import { makeBars } from './fake-terminal-api'
import { buildMarkers, levelLines, levelsSource, markerStyle, patternDirection, type MarkerPalette } from './markers'

const MIN = 60_000
const T = Date.UTC(2024, 2, 15, 14, 0) // 10:00 New York

function book5m(): BarBook {
  const book = new BarBook('5m')
  book.replace(makeBars(12, '5m', T + 55 * MIN)) // 10:00 .. 10:55
  return book
}

const palette: MarkerPalette = { up: 'green', down: 'red', tier: { daily: 'blue', intraday: 'amber', combo: 'purple' } }

describe('pattern direction', () => {
  it('reads Bullish*/Bearish* and known one-sided patterns; the rest are neutral', () => {
    expect(patternDirection('BullishEngulfing')).toBe('bullish')
    expect(patternDirection('bull_flag')).toBe('bullish')
    expect(patternDirection('Hammer')).toBe('bullish')
    expect(patternDirection('BearishEngulfing')).toBe('bearish')
    expect(patternDirection('ShootingStar')).toBe('bearish')
    expect(patternDirection('HeadAndShoulders')).toBe('bearish')
    expect(patternDirection('InverseHeadAndShoulders')).toBe('bullish')
    expect(patternDirection('Doji')).toBe('neutral')
    expect(patternDirection('WeeklyBreakout')).toBe('neutral')
  })

  it('reads the shared catalogue: aliases share their pattern\'s direction, unknown names fall back to bull/bear', () => {
    expect(patternDirection('HS')).toBe('bearish')
    expect(patternDirection('IHS')).toBe('bullish')
    expect(patternDirection('HangingManPattern')).toBe('bearish')
    expect(patternDirection('BearFlag')).toBe('bearish')
    expect(patternDirection('CupAndHandle')).toBe('neutral')
  })

  it('styles bullish under the bar, bearish over it, neutral in the tier colour', () => {
    expect(markerStyle('bullish', 'daily', palette)).toEqual({ position: 'belowBar', shape: 'arrowUp', color: 'green' })
    expect(markerStyle('bearish', 'daily', palette)).toEqual({ position: 'aboveBar', shape: 'arrowDown', color: 'red' })
    expect(markerStyle('neutral', 'combo', palette)).toEqual({ position: 'aboveBar', shape: 'circle', color: 'purple' })
  })
})

describe('markers', () => {
  it('puts each detection on the bar that contains it, one marker per bar and side', () => {
    const book = book5m()
    const events = [
      makeEvent(1, 'intraday', { pattern: 'Doji', patternKey: 'doji', detectedAt: epochMs(T + 7 * MIN) }), // 10:05 bar
      makeEvent(2, 'daily', { pattern: 'Hammer', patternKey: 'hammer', detectedAt: epochMs(T + 9 * MIN) }), // 10:05 bar
      makeEvent(3, 'combo', { pattern: 'Doji', patternKey: 'doji', detectedAt: epochMs(T + 8 * MIN) }), // 10:05 bar, neutral again
      makeEvent(4, 'intraday', { pattern: 'BearishEngulfing', patternKey: 'bearishengulfing', detectedAt: epochMs(T + 50 * MIN) }),
      makeEvent(5, 'intraday', { detectedAt: epochMs(T - MIN) }), // before the loaded bars
      makeEvent(6, 'intraday', { detectedAt: epochMs(T + 61 * MIN) }), // after the forming bar
    ]
    const { markers, byBar, unplaced } = buildMarkers(events, book)
    expect(unplaced).toBe(2)
    const at1005 = toChartTime(T + 5 * MIN, '5m')
    const at1050 = toChartTime(T + 50 * MIN, '5m')
    expect(markers.map((m) => [m.time, m.direction, m.text, m.count, m.tier])).toEqual([
      [at1005, 'bullish', 'Hammer', 1, 'daily'],
      [at1005, 'neutral', 'Doji +1', 2, 'combo'],
      [at1050, 'bearish', 'BearishEngulfing', 1, 'intraday'],
    ])
    // The tooltip lists every pattern on the bar, newest first.
    expect(byBar.get(String(at1005))!.map((e) => e.id)).toEqual([2, 3, 1])
  })

  it('puts a detection on the weekly bar of the week that holds it', () => {
    const book = new BarBook('1W')
    const weeks = [Date.UTC(2024, 2, 4, 5), Date.UTC(2024, 2, 11, 4), Date.UTC(2024, 2, 18, 4)] // across the spring DST change
    book.replace(weeks.map((t) => makeBars(1, '1W', t)[0]!))
    const events = [
      makeEvent(1, 'daily', { pattern: 'Hammer', patternKey: 'hammer', detectedAt: epochMs(Date.UTC(2024, 2, 13, 20, 30)) }), // Wednesday 16:30
      makeEvent(2, 'daily', { pattern: 'Hammer', patternKey: 'hammer', detectedAt: epochMs(Date.UTC(2024, 2, 11, 3, 30)) }), // Sunday 23:30 EDT: the week before
      makeEvent(3, 'daily', { pattern: 'BearishEngulfing', patternKey: 'bearishengulfing', detectedAt: epochMs(Date.UTC(2024, 2, 22, 20)) }), // Friday
    ]
    const { markers, byBar } = buildMarkers(events, book)
    expect(markers.map((m) => [m.barKey, m.direction, m.text])).toEqual([
      ['2024-03-04', 'bullish', 'Hammer'],
      ['2024-03-11', 'bullish', 'Hammer'],
      ['2024-03-18', 'bearish', 'BearishEngulfing'],
    ])
    expect(markers[1]!.time).toEqual({ year: 2024, month: 3, day: 11 })
    expect(byBar.get('2024-03-11')!.map((e) => e.id)).toEqual([1])
  })

  it('places a detection once its bar has formed', () => {
    const book = book5m()
    const late = makeEvent(9, 'intraday', { detectedAt: epochMs(T + 61 * MIN) })
    expect(buildMarkers([late], book).markers).toHaveLength(0)
    book.applyLive(makeBars(1, '5m', T + 60 * MIN)[0]!)
    expect(buildMarkers([late], book).markers).toHaveLength(1)
  })
})

describe('levels as price lines', () => {
  const levels = [
    { type: 'entry', value: 187.2 },
    { type: 'stop', value: 185 },
    { type: 'stop_loss', value: 185 },
    { type: 'target', value: 192.5 },
    { type: 'support', value: 184 },
    { type: 'resistance', value: 190 },
    { type: 'pivot', value: 186 },
    { type: 'target', value: Number.NaN },
  ]

  it('turns levels into titled lines, one per type and price, skipping bad prices', () => {
    const lines = levelLines(makeEvent(1, 'daily', { levels }))
    expect(lines).toEqual([
      { price: 187.2, kind: 'entry', title: 'entry' },
      { price: 185, kind: 'stop', title: 'stop' },
      { price: 192.5, kind: 'target', title: 'target' },
      { price: 184, kind: 'support', title: 'support' },
      { price: 190, kind: 'resistance', title: 'resistance' },
      { price: 186, kind: 'other', title: 'pivot' },
    ])
    expect(levelLines(null)).toEqual([])
  })

  it('draws the selected event, else the newest event that carries levels', () => {
    const a = makeEvent(1, 'daily', { levels, detectedAt: epochMs(T) })
    const b = makeEvent(2, 'daily', { levels: [{ type: 'entry', value: 1 }], detectedAt: epochMs(T + MIN) })
    const c = makeEvent(3, 'intraday', { levels: [], detectedAt: epochMs(T + 2 * MIN) })
    expect(levelsSource([a, b, c], null)?.id).toBe(2)
    expect(levelsSource([a, b, c], 1)?.id).toBe(1)
    // A selection no longer held falls back to the newest.
    expect(levelsSource([a, b, c], 42)?.id).toBe(2)
    expect(levelsSource([c], null)).toBeNull()
  })
})
