import { afterEach, describe, expect, it, vi } from 'vitest'
import { ok, type RequestParams, type RequestResult, type Result } from '../../../../shared/contract'
import { epochMs, type Bar, type MarketPulse, type RegimePeriod } from '../../../../shared/domain'
import { makeEvent } from '../../test-support/fixtures'
import { toChartTime, type DisplayBar } from './chart-model'
import { ChartSession, REGIME_REFETCH_MS, type ChartSink, type ChartStatus, type SessionClock } from './chart-session'
import { barsHandler, FakeTerminalApi, makeBars } from './fake-terminal-api'
import type { LevelLine, PatternMarker } from './markers'
import type { RegimeRun } from './regime-band'

const MIN = 60_000
const LAST = Date.UTC(2024, 2, 15, 14, 55) // the forming 5m bar starts 10:55 New York

/** Records what the session asks the chart to draw. */
class FakeSink implements ChartSink {
  sets: (readonly DisplayBar[])[] = []
  /** The firstLoad flag of each setBars. */
  firstLoads: boolean[] = []
  updates: { point: DisplayBar; historical: boolean }[] = []
  markers: readonly PatternMarker[] = []
  levels: readonly LevelLine[] = []
  bands: (readonly RegimeRun[])[] = []
  setBars(points: readonly DisplayBar[], firstLoad: boolean) {
    this.sets.push(points)
    this.firstLoads.push(firstLoad)
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
  setRegimeBand(runs: readonly RegimeRun[]) {
    this.bands.push(runs)
  }
  get band(): readonly RegimeRun[] {
    return this.bands[this.bands.length - 1] ?? []
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

  it('flags only the first load’s bars as first (not a page, a live bar or a reload after a reconnect)', async () => {
    const { api, sink, session, status } = setup({ pageSize: 20, firstStart: LAST - 30 * 5 * MIN })
    session.start()
    await vi.waitFor(() => expect(status().phase).toBe('ready'))
    expect(sink.firstLoads).toEqual([true])
    await session.requestOlder()
    expect(sink.sets).toHaveLength(2)
    api.push('bars', [tick(LAST + 5 * MIN, 101)])
    api.setConnection('open')
    await vi.waitFor(() => expect(sink.sets).toHaveLength(3))
    expect(sink.firstLoads).toEqual([true, false, false])
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
    // The first draw is still the first load's, though it came later: the view may fit it.
    expect(sink.firstLoads).toEqual([true])
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

/** A clock the test moves by hand; `later` runs when the time passes. */
class ManualClock implements SessionClock {
  t = 1_000_000
  private timers: { at: number; fn: () => void; live: boolean }[] = []
  now = () => this.t
  later = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn, live: true }
    this.timers.push(timer)
    return () => void (timer.live = false)
  }
  advance(ms: number) {
    this.t += ms
    for (const timer of this.timers.splice(0)) {
      if (timer.live && timer.at <= this.t) timer.fn()
      else if (timer.live) this.timers.push(timer)
    }
  }
  get pending() {
    return this.timers.filter((t) => t.live).length
  }
}

describe('chart session: the regime band', () => {
  const DAY = 86_400_000
  const LAST_DAY = Date.UTC(2024, 2, 15, 4) // Friday 2024-03-15, 00:00 New York
  const pulse = (version: number): MarketPulse => ({ version, asOf: '2024-03-15', regime: 'Bull', risk: 0.6, causes: ['daily'], at: epochMs(0) })
  const PERIODS: RegimePeriod[] = [
    { from: '2024-02-01', to: '2024-03-05', regime: 'Bear', confidence: 0.6 },
    { from: '2024-03-06', to: '2024-03-15', regime: 'Bull', confidence: 0.8 },
  ]

  function bandSetup(opts: { timeframe?: '1D' | '5m'; regimeBand?: boolean; periods?: RegimePeriod[] } = {}) {
    const timeframe = opts.timeframe ?? '1D'
    let periods = opts.periods ?? PERIODS
    const api = new FakeTerminalApi()
      .handle('bars.get', barsHandler(timeframe, timeframe === '1D' ? LAST_DAY : LAST))
      .answer('patterns.symbol', { patterns: [] })
      .handle('market.regimes', () => ok({ periods }))
    const sink = new FakeSink()
    const clock = new ManualClock()
    let status: ChartStatus = null!
    const session = new ChartSession({ api, symbol: 'SPY', timeframe, sink, onStatus: (s) => (status = s), pageSize: 30, regimeBand: opts.regimeBand ?? true, clock })
    sessions.push(session)
    return {
      api,
      sink,
      clock,
      session,
      status: () => status,
      setPeriods: (p: RegimePeriod[]) => (periods = p),
      requests: () => api.callsOf('market.regimes').length,
    }
  }

  it('asks for the regime periods, draws the runs over the loaded days and follows the market topic', async () => {
    const t = bandSetup()
    t.session.start()
    await vi.waitFor(() => expect(t.status().regimeRuns).toBe(2))
    expect(t.api.callsOf('market.regimes')).toEqual([{}])
    expect(t.api.active('market').map((s) => s.filter)).toEqual([{}])
    // 30 days ending 2024-03-15: the Bear period is cut at the first loaded day.
    expect(t.sink.band.map((r) => [r.regime, r.from, r.to])).toEqual([
      ['Bear', { year: 2024, month: 2, day: 15 }, { year: 2024, month: 3, day: 5 }],
      ['Bull', { year: 2024, month: 3, day: 6 }, { year: 2024, month: 3, day: 15 }],
    ])
    expect(t.status()).toMatchObject({ regimeBand: true, regimeLatest: PERIODS[1] })
    // The legend's lookup: the period of a bar, by its key.
    expect(t.session.regimeAt('2024-03-01')).toBe(PERIODS[0])
    expect(t.session.regimeAt('2024-01-01')).toBeNull()
  })

  it('refetches when a market push brings a new version from new daily bars, at most once a second', async () => {
    const t = bandSetup()
    t.session.start()
    await vi.waitFor(() => expect(t.status().regimeRuns).toBe(2))
    t.api.push('market', pulse(7)) // the push sent on subscribing: not news
    expect(t.requests()).toBe(1)
    t.clock.advance(REGIME_REFETCH_MS)
    t.setPeriods([{ from: '2024-02-01', to: '2024-03-15', regime: 'Consolidation', confidence: 0.5 }])
    t.api.push('market', pulse(8))
    expect(t.requests()).toBe(2)
    await vi.waitFor(() => expect(t.sink.band.map((r) => r.regime)).toEqual(['Consolidation']))
    // Two more changes within the second: one request, when the second is up.
    t.clock.advance(300)
    t.api.push('market', pulse(9))
    t.api.push('market', pulse(10))
    t.api.push('market', pulse(10)) // the same version again: nothing new
    t.api.push('market', { ...pulse(11), causes: ['intraday'] }) // only intraday figures moved: the periods cannot have
    expect(t.requests()).toBe(2)
    expect(t.clock.pending).toBe(1)
    t.clock.advance(REGIME_REFETCH_MS - 300)
    expect(t.requests()).toBe(3)
    // An answer that changes nothing redraws nothing.
    const draws = t.sink.bands.length
    await vi.waitFor(() => expect(t.clock.pending).toBe(0))
    await new Promise((r) => setTimeout(r, 0))
    expect(t.sink.bands.length).toBe(draws)
  })

  it('draws no band, and no error, when there is no market data', async () => {
    const t = bandSetup({ periods: [] })
    t.session.start()
    await vi.waitFor(() => expect(t.status().phase).toBe('ready'))
    await vi.waitFor(() => expect(t.requests()).toBe(1))
    expect(t.sink.band).toEqual([])
    expect(t.status()).toMatchObject({ regimeBand: true, regimeRuns: 0, regimeLatest: null, error: null })
  })

  it('turns off and on: the subscription and the band go and come back', async () => {
    const t = bandSetup({ regimeBand: false })
    t.session.start()
    await vi.waitFor(() => expect(t.status().phase).toBe('ready'))
    expect(t.requests()).toBe(0)
    expect(t.api.active('market')).toHaveLength(0)
    t.session.setRegimeBand(true)
    await vi.waitFor(() => expect(t.status().regimeRuns).toBe(2))
    expect(t.api.active('market')).toHaveLength(1)
    t.session.setRegimeBand(false)
    expect(t.api.active('market')).toHaveLength(0)
    expect(t.sink.band).toEqual([])
    expect(t.status()).toMatchObject({ regimeBand: false, regimeRuns: 0 })
    expect(t.session.regimeAt('2024-03-01')).toBeNull()
  })

  it('extends the band to a new day and never shows on intraday charts', async () => {
    const t = bandSetup({ periods: [...PERIODS.slice(0, 1), { ...PERIODS[1]!, to: '2024-03-18' }] })
    t.session.start()
    await vi.waitFor(() => expect(t.status().regimeRuns).toBe(2))
    t.api.push('bars', [{ ...tick(LAST_DAY + 3 * DAY, 100) }]) // Monday the 18th
    expect(t.sink.band[1]!.to).toEqual({ year: 2024, month: 3, day: 18 })

    const intraday = bandSetup({ timeframe: '5m' })
    intraday.session.start()
    await vi.waitFor(() => expect(intraday.status().phase).toBe('ready'))
    expect(intraday.requests()).toBe(0)
    expect(intraday.api.active('market')).toHaveLength(0)
    expect(intraday.status().regimeBand).toBe(false)
  })

  it('stops following the market on dispose, cancelling a pending refetch', async () => {
    const t = bandSetup()
    t.session.start()
    await vi.waitFor(() => expect(t.status().regimeRuns).toBe(2))
    t.api.push('market', pulse(1))
    t.api.push('market', pulse(2)) // within the second: deferred
    expect(t.clock.pending).toBe(1)
    t.session.dispose()
    expect(t.api.active()).toHaveLength(0)
    expect(t.clock.pending).toBe(0)
    t.clock.advance(REGIME_REFETCH_MS)
    expect(t.requests()).toBe(1)
  })
})
