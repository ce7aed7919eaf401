import { afterEach, describe, expect, it, vi } from 'vitest'
import { ok, type RequestParams, type RequestResult, type Result } from '../../../../shared/contract'
import { epochMs, type Bar } from '../../../../shared/domain'
import { makeEvent } from '../../test-support/fixtures'
import { toChartTime, type DisplayBar } from './chart-model'
import { ChartSession, type ChartSink, type ChartStatus } from './chart-session'
import { barsHandler, FakeTerminalApi, makeBars } from './fake-terminal-api'
import type { LevelLine, PatternMarker } from './markers'

const MIN = 60_000
const LAST = Date.UTC(2024, 2, 15, 14, 55) // the forming 5m bar starts 10:55 New York

/** Records what the session asks the chart to draw. */
class FakeSink implements ChartSink {
  sets: (readonly DisplayBar[])[] = []
  updates: { point: DisplayBar; historical: boolean }[] = []
  markers: readonly PatternMarker[] = []
  levels: readonly LevelLine[] = []
  setBars(points: readonly DisplayBar[]) {
    this.sets.push(points)
  }
  updateBar(point: DisplayBar, historical: boolean) {
    this.updates.push({ point, historical })
  }
  setMarkers(m: readonly PatternMarker[]) {
    this.markers = m
  }
  setLevels(l: readonly LevelLine[]) {
    this.levels = l
  }
  get lastSet(): readonly DisplayBar[] {
    return this.sets[this.sets.length - 1] ?? []
  }
}

const sessions: ChartSession[] = []
afterEach(() => {
  for (const s of sessions.splice(0)) s.dispose()
})

function setup(opts: { source?: 'demo' | 'none'; firstStart?: number; pageSize?: number; maxBars?: number; visible?: boolean } = {}) {
  const api = new FakeTerminalApi()
    .handle('bars.get', barsHandler('5m', LAST, { source: opts.source, firstStart: opts.firstStart }))
    .answer('patterns.symbol', { patterns: [] })
  const sink = new FakeSink()
  const statuses: ChartStatus[] = []
  const session = new ChartSession({
    api,
    symbol: 'NVDA',
    timeframe: '5m',
    sink,
    onStatus: (s) => statuses.push(s),
    pageSize: opts.pageSize ?? 50,
    maxBars: opts.maxBars,
    visible: opts.visible,
  })
  sessions.push(session)
  const status = () => statuses[statuses.length - 1]!
  return { api, sink, session, status, statuses }
}

const tick = (time: number, close: number): Bar => ({ time: epochMs(time), open: 100, high: Math.max(100, close), low: Math.min(100, close), close, volume: 10 })

describe('chart session (the engine over a fake api, drawing into a fake chart)', () => {
  it('loads bars, subscribes to the forming bar and the symbol’s patterns', async () => {
    const { api, sink, session, status } = setup()
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    expect(api.callsOf('bars.get')).toEqual([{ symbol: 'NVDA', timeframe: '5m', limit: 50 }])
    expect(api.callsOf('patterns.symbol')).toEqual([{ symbol: 'NVDA', limit: 500 }])
    expect(api.active('bars').map((s) => s.filter)).toEqual([{ symbol: 'NVDA', timeframe: '5m' }])
    expect(api.active('patterns').map((s) => s.filter)).toEqual([{ symbols: ['NVDA'] }])
    expect(sink.lastSet).toHaveLength(50)
    expect(sink.lastSet[49]!.time).toBe(toChartTime(LAST, '5m'))
    expect(status()).toMatchObject({ source: 'demo', bars: 50, markers: 0 })
  })

  it('applies the forming bar with updateBar, never a full redraw, and appends the next one', async () => {
    const { api, sink, session, status, statuses } = setup()
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    const sets = sink.sets.length
    const emitted = statuses.length
    for (let i = 0; i < 20; i++) api.push('bars', [tick(LAST, 100 + i)])
    expect(sink.sets.length).toBe(sets)
    expect(sink.updates).toHaveLength(20)
    expect(sink.updates[19]).toEqual({ point: expect.objectContaining({ close: 119 }), historical: false })
    // Ticks of the same bar do not reach React.
    expect(statuses.length).toBe(emitted)
    api.push('bars', [tick(LAST + 5 * MIN, 120)])
    expect(sink.updates[20]!.point.time).toBe(toChartTime(LAST + 5 * MIN, '5m'))
    expect(status().bars).toBe(51)
    // Older pushes are ignored.
    api.push('bars', [tick(LAST - 5 * MIN, 1)])
    expect(sink.updates).toHaveLength(21)
  })

  it('draws markers from history and from live events of its symbol only', async () => {
    const { api, sink, session, status } = setup()
    api.answer('patterns.symbol', {
      patterns: [makeEvent(1, 'daily', { symbol: 'NVDA', pattern: 'BullishEngulfing', patternKey: 'bullishengulfing', detectedAt: epochMs(LAST - 12 * MIN) })],
    })
    session.start()
    await vi.waitFor(() => expect(status().markers).toBe(1))
    expect(sink.markers[0]).toMatchObject({ time: toChartTime(LAST - 15 * MIN, '5m'), direction: 'bullish', text: 'BullishEngulfing' })
    api.push('patterns', [
      makeEvent(2, 'intraday', { symbol: 'NVDA', detectedAt: epochMs(LAST + MIN) }),
      makeEvent(3, 'intraday', { symbol: 'AAPL', detectedAt: epochMs(LAST + MIN) }),
    ])
    expect(status().markers).toBe(2)
    expect(status().patterns.map((e) => e.id)).toEqual([2, 1])
    expect(session.patternsAt(String(toChartTime(LAST, '5m'))).map((e) => e.id)).toEqual([2])
    // A detection in a bar not yet formed is placed when that bar arrives.
    api.push('patterns', [makeEvent(4, 'combo', { symbol: 'NVDA', detectedAt: epochMs(LAST + 6 * MIN) })])
    expect(status().markers).toBe(2)
    api.push('bars', [tick(LAST + 5 * MIN, 101)])
    expect(status().markers).toBe(3)
  })

  it('draws the levels of the newest event, or the selected one', async () => {
    const { api, sink, session, status } = setup()
    const levels = [
      { type: 'entry', value: 101 },
      { type: 'stop', value: 99 },
    ]
    api.answer('patterns.symbol', {
      patterns: [
        makeEvent(1, 'daily', { symbol: 'NVDA', levels, detectedAt: epochMs(LAST - 30 * MIN) }),
        makeEvent(2, 'daily', { symbol: 'NVDA', levels: [{ type: 'target', value: 110 }], detectedAt: epochMs(LAST - 10 * MIN) }),
      ],
    })
    session.start()
    await vi.waitFor(() => expect(status().levelsFrom?.id).toBe(2))
    expect(sink.levels.map((l) => l.title)).toEqual(['target'])
    session.select(1)
    expect(sink.levels.map((l) => [l.title, l.price])).toEqual([
      ['entry', 101],
      ['stop', 99],
    ])
    expect(status().levelsFrom?.id).toBe(1)
    session.select(null)
    expect(status().levelsFrom?.id).toBe(2)
  })

  it('pages older bars with `before` when asked, one request at a time, until the history ends', async () => {
    const first = LAST - 119 * 5 * MIN // 120 bars exist
    const { api, sink, session, status } = setup({ firstStart: first })
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    const p1 = session.requestOlder()
    void session.requestOlder() // ignored: a page is in flight
    await p1
    expect(api.callsOf('bars.get').slice(1)).toEqual([{ symbol: 'NVDA', timeframe: '5m', limit: 50, before: LAST - 49 * 5 * MIN }])
    expect(status().bars).toBe(100)
    expect(sink.lastSet).toHaveLength(100)
    await session.requestOlder()
    expect(status()).toMatchObject({ bars: 120, exhausted: true, loadingOlder: false })
    await session.requestOlder()
    expect(api.callsOf('bars.get')).toHaveLength(3)
  })

  it('stops paging at the bar bound', async () => {
    const { api, session, status } = setup({ maxBars: 80 })
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    await session.requestOlder()
    expect(status().bars).toBe(80)
    await session.requestOlder()
    expect(api.callsOf('bars.get')).toHaveLength(2)
  })

  it('says the source is none when there is no bar feed, and still lists the symbol’s patterns', async () => {
    const { api, session, status } = setup({ source: 'none' })
    api.answer('patterns.symbol', { patterns: [makeEvent(7, 'daily', { symbol: 'NVDA' })] })
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    expect(status()).toMatchObject({ source: 'none', bars: 0, markers: 0 })
    expect(status().patterns.map((e) => e.id)).toEqual([7])
  })

  it('skips drawing while hidden and redraws once when shown', async () => {
    const { api, sink, session, status } = setup({ visible: false })
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    expect(sink.sets).toHaveLength(0)
    api.push('bars', [tick(LAST, 130)])
    expect(sink.updates).toHaveLength(0)
    session.setVisible(true)
    expect(sink.sets).toHaveLength(1)
    expect(sink.lastSet[sink.lastSet.length - 1]!.close).toBe(130)
    api.push('bars', [tick(LAST, 131)])
    expect(sink.updates).toHaveLength(1)
  })

  it('reloads after a reconnect, and stops everything on dispose, ignoring answers in flight', async () => {
    const { api, sink, session, status } = setup()
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    api.setConnection('open')
    await vi.waitFor(() => expect(api.callsOf('bars.get')).toHaveLength(2))
    await vi.waitFor(() => expect(sink.sets).toHaveLength(2))

    let release!: (r: Result<RequestResult<'bars.get'>>) => void
    api.handle('bars.get', (_p: RequestParams<'bars.get'>) => new Promise((r) => (release = r)))
    const paging = session.requestOlder()
    session.dispose()
    expect(api.active()).toHaveLength(0)
    expect(api.connectionListeners).toBe(0)
    release(ok({ symbol: 'NVDA', timeframe: '5m', bars: makeBars(50, '5m', LAST - 50 * 5 * MIN), source: 'demo', timezone: 'America/New_York' }))
    await paging
    expect(sink.sets).toHaveLength(2)
    api.push('bars', [tick(LAST, 1)])
    expect(sink.updates).toHaveLength(0)
  })

  it('marks a forming bar in the repeated DST hour as a historical update', async () => {
    const last = Date.UTC(2024, 10, 3, 6, 5) // 01:05 EST: the chart already shows 01:05 (EDT) and up to 01:55
    const api = new FakeTerminalApi().handle('bars.get', barsHandler('5m', last)).answer('patterns.symbol', { patterns: [] })
    const sink = new FakeSink()
    let status: ChartStatus | null = null
    const session = new ChartSession({ api, symbol: 'NVDA', timeframe: '5m', sink, onStatus: (s) => (status = s), pageSize: 30 })
    sessions.push(session)
    session.start()
    await vi.waitFor(() => expect(status?.phase).toBe('ready'))
    expect(sink.lastSet[sink.lastSet.length - 1]!.time).toBe(Date.UTC(2024, 10, 3, 1, 55) / 1000)
    api.push('bars', [tick(last, 150)])
    expect(sink.updates[0]).toMatchObject({ point: { time: Date.UTC(2024, 10, 3, 1, 5) / 1000, close: 150 }, historical: true })
  })
})
