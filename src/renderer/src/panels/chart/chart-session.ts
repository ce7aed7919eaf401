/**
 * One chart's data for one (symbol, timeframe): loads bars and the symbol's
 * pattern events over the TerminalApi, follows the forming bar and new events,
 * pages older bars on demand, and drives a ChartSink (the lightweight-charts
 * view, or a fake in tests). Ticks go straight to the sink, never through
 * React; React hears only about status changes (a load, a page, new markers).
 * On a daily or weekly chart it can also draw the market regime band: the
 * periods from `market.regimes`, refetched when a `market` push says the
 * market state moved for more than intraday figures (at most once a second).
 * A new symbol or timeframe is a new session; dispose() ends every
 * subscription and ignores answers still in flight.
 */
import type { TerminalApi } from '../../../../shared/contract'
import type { Bar, BarSeries, BarTimeframe, MarketPulse, PatternEvent, RegimePeriod } from '../../../../shared/domain'
import { BarBook, PAGE_SIZE, chartTimeValue, isDailyOrWeekly, toDisplayBars, type DisplayBar } from './chart-model'
import { buildMarkers, levelLines, levelsSource, type LevelLine, type PatternMarker } from './markers'
import { buildRegimeBand, EMPTY_REGIME_BAND, periodsKey, type RegimeBand, type RegimeRun } from './regime-band'

/** Pattern events held per chart (newest by detection time). */
export const MAX_CHART_EVENTS = 500
/** Least time between two `market.regimes` requests of one chart. */
export const REGIME_REFETCH_MS = 1000

/** The clock and timer the regime refetch is throttled with (injected in tests). */
export interface SessionClock {
  now(): number
  /** Run `fn` after `ms`; returns the cancel. */
  later(fn: () => void, ms: number): () => void
}

const systemClock: SessionClock = {
  now: () => Date.now(),
  later: (fn, ms) => {
    const id = setTimeout(fn, ms)
    return () => clearTimeout(id)
  },
}

export interface ChartSink {
  /**
   * Every point changed (load, page, trim, shown again after being hidden).
   * `firstLoad` only for the first bars of this (symbol, timeframe): the view may fit
   * a short series to its width then, never later (the user may have scrolled or zoomed).
   */
  setBars(points: readonly DisplayBar[], firstLoad: boolean): void
  /** One point changed or was added; `historical` when it is not the last (a repeated DST hour). */
  updateBar(point: DisplayBar, historical: boolean): void
  setMarkers(markers: readonly PatternMarker[]): void
  setLevels(lines: readonly LevelLine[]): void
  /** The regime band's runs (empty: no band). */
  setRegimeBand(runs: readonly RegimeRun[]): void
}

export interface ChartStatus {
  phase: 'loading' | 'ready' | 'error'
  source: BarSeries['source'] | null
  bars: number
  error: string | null
  /** Markers drawn. */
  markers: number
  /** The symbol's events held, newest first. */
  patterns: readonly PatternEvent[]
  /** Whose levels are drawn. */
  levelsFrom: PatternEvent | null
  loadingOlder: boolean
  /** No older bars to page. */
  exhausted: boolean
  /** The regime band is on (wanted, and the chart is daily or weekly). */
  regimeBand: boolean
  /** Runs of the band drawn (0: no market data for these bars). */
  regimeRuns: number
  /** The period of the newest bar that has one (the legend when nothing is hovered). */
  regimeLatest: RegimePeriod | null
}

export const initialChartStatus: ChartStatus = {
  phase: 'loading',
  source: null,
  bars: 0,
  error: null,
  markers: 0,
  patterns: [],
  levelsFrom: null,
  loadingOlder: false,
  exhausted: false,
  regimeBand: false,
  regimeRuns: 0,
  regimeLatest: null,
}

export interface ChartSessionOptions {
  api: TerminalApi
  symbol: string
  timeframe: BarTimeframe
  sink: ChartSink
  onStatus(status: ChartStatus): void
  visible?: boolean
  selectedId?: number | null
  pageSize?: number
  maxBars?: number
  /** Draw the market regime band (daily and weekly charts only). */
  regimeBand?: boolean
  clock?: SessionClock
}

const newestFirst = (a: PatternEvent, b: PatternEvent): number => b.detectedAt - a.detectedAt || b.id - a.id

export class ChartSession {
  readonly symbol: string
  readonly timeframe: BarTimeframe
  private readonly api: TerminalApi
  private readonly sink: ChartSink
  private readonly onStatus: (s: ChartStatus) => void
  private readonly pageSize: number
  private readonly book: BarBook
  private readonly events = new Map<number, PatternEvent>()
  private byBar = new Map<string, PatternEvent[]>()
  private status: ChartStatus = initialChartStatus
  private unsubscribers: (() => void)[] = []
  private disposed = false
  private loaded = false
  /** The first load's bars are not drawn yet (the panel may be hidden): the next setBars is the first. */
  private firstDrawPending = false
  /** Bumped per load: answers of an older load are dropped. */
  private generation = 0
  private paging = false
  private visible: boolean
  /** Bars changed while hidden: redraw all when shown. */
  private dirty = false
  private selectedId: number | null
  private levelsKey = ''
  /** Chart time of the newest point drawn. */
  private lastDrawn = -Infinity
  private readonly clock: SessionClock
  private bandWanted: boolean
  private band: RegimeBand = EMPTY_REGIME_BAND
  private periods: readonly RegimePeriod[] = []
  private periodsSig = ''
  private marketOff: (() => void) | null = null
  /** The market version last pushed (null: none since subscribing). */
  private marketVersion: number | null = null
  /** Bumped when the band is turned off: answers for the old one are dropped. */
  private regimeGeneration = 0
  private regimeFetching = false
  /** A change arrived during a request: ask again after it. */
  private regimeAgain = false
  private regimeFetchedAt = -Infinity
  private cancelRegimeTimer: (() => void) | null = null

  constructor(opts: ChartSessionOptions) {
    this.api = opts.api
    this.symbol = opts.symbol
    this.timeframe = opts.timeframe
    this.sink = opts.sink
    this.onStatus = opts.onStatus
    this.pageSize = opts.pageSize ?? PAGE_SIZE
    this.book = new BarBook(opts.timeframe, opts.maxBars)
    this.visible = opts.visible ?? true
    this.selectedId = opts.selectedId ?? null
    this.clock = opts.clock ?? systemClock
    this.bandWanted = opts.regimeBand ?? false
  }

  start(): void {
    // Subscribe before loading so nothing falls between the answer and the first push.
    this.unsubscribers.push(
      this.api.subscribe('bars', { symbol: this.symbol, timeframe: this.timeframe }, (bars) => this.onBars(bars)),
      this.api.subscribe('patterns', { symbols: [this.symbol] }, (events) => this.onPatterns(events)),
      this.api.onConnection((state) => {
        if (state === 'open') void this.load()
      }),
    )
    if (this.bandActive()) this.startBand()
    void this.load()
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const off of this.unsubscribers.splice(0)) off()
    this.marketOff?.()
    this.marketOff = null
    this.cancelRegimeTimer?.()
    this.cancelRegimeTimer = null
  }

  /** Turn the regime band on or off (it stays off on intraday charts). */
  setRegimeBand(on: boolean): void {
    if (on === this.bandWanted || this.disposed) return
    this.bandWanted = on
    if (!isDailyOrWeekly(this.timeframe)) return
    if (on) {
      this.startBand()
      void this.requestRegimes()
    } else this.stopBand()
  }

  /** The regime period of the bar with this chart-time key, if the band covers it. */
  regimeAt(barKey: string): RegimePeriod | null {
    return this.band.byKey.get(barKey) ?? null
  }

  setVisible(visible: boolean): void {
    if (visible === this.visible) return
    this.visible = visible
    if (visible && this.dirty) {
      this.dirty = false
      this.drawAll()
    }
  }

  /** Draw this event's levels (null: the newest event's). */
  select(id: number | null): void {
    if (id === this.selectedId) return
    this.selectedId = id
    this.refreshLevels(true)
  }

  /** Events on the bar with this chart-time key, newest first. */
  patternsAt(barKey: string): readonly PatternEvent[] {
    return this.byBar.get(barKey) ?? []
  }

  /** The view scrolled to the left edge: fetch a page of older bars, if any remain. */
  async requestOlder(): Promise<void> {
    const before = this.book.oldest
    if (this.disposed || !this.loaded || this.paging || before === null || !this.book.canPageOlder()) return
    this.paging = true
    const gen = this.generation
    this.emit({ loadingOlder: true })
    try {
      const res = await this.api.invoke('bars.get', { symbol: this.symbol, timeframe: this.timeframe, limit: this.pageSize, before })
      if (this.disposed || gen !== this.generation) return
      if (!res.ok) {
        this.emit({ loadingOlder: false, error: `bars.get: ${res.error.message}` })
        return
      }
      const added = this.book.prependOlder(res.value.bars, this.pageSize)
      if (added > 0) this.redrawAll()
      this.emit({ loadingOlder: false, bars: this.book.size, exhausted: this.book.exhausted })
      if (added > 0) {
        this.refreshMarkers()
        this.refreshBand()
      }
    } finally {
      this.paging = false
    }
  }

  // ------------------------------------------------------------ loading

  private async load(): Promise<void> {
    if (this.disposed) return
    const gen = ++this.generation
    const stale = () => this.disposed || gen !== this.generation
    if (this.bandActive()) void this.requestRegimes()
    const [bars, patterns] = await Promise.all([
      this.api.invoke('bars.get', { symbol: this.symbol, timeframe: this.timeframe, limit: this.pageSize }),
      this.api.invoke('patterns.symbol', { symbol: this.symbol, limit: MAX_CHART_EVENTS }),
    ])
    if (stale()) return
    if (!bars.ok) {
      // Not connected yet: the 'open' that follows loads again.
      if (bars.error.code === 'unavailable' && !this.loaded) return
      this.emit({ phase: 'error', error: `bars.get: ${bars.error.message}` })
    } else {
      this.book.replace(bars.value.bars)
      if (bars.value.bars.length < this.pageSize) this.book.exhausted = true
      if (!this.loaded) this.firstDrawPending = true
      this.loaded = true
      this.redrawAll()
      this.emit({ phase: 'ready', source: bars.value.source, bars: this.book.size, error: null, exhausted: this.book.exhausted })
    }
    if (patterns.ok) this.addEvents(patterns.value.patterns)
    else if (patterns.error.code !== 'unavailable') this.emit({ error: `patterns.symbol: ${patterns.error.message}` })
    this.refreshMarkers()
    this.refreshBand()
  }

  // ------------------------------------------------------------ pushes

  private onBars(bars: Bar[]): void {
    if (this.disposed) return
    let appended = false
    for (const bar of bars) {
      const r = this.book.applyLive(bar)
      if (r === 'stale') continue
      if (r === 'append') appended = true
      if (!this.loaded) continue
      if (!this.visible) {
        this.dirty = true
        continue
      }
      const point = this.book.displayPointAt(this.book.size - 1)
      const t = chartTimeValue(point.time)
      // In a repeated DST hour the point merges into one drawn earlier: not the last.
      this.sink.updateBar(point, t < this.lastDrawn)
      if (t > this.lastDrawn) this.lastDrawn = t
    }
    if (!appended || !this.loaded) return
    if (this.book.trimIfNeeded()) this.redrawAll()
    this.emit({ bars: this.book.size })
    // Events detected in the new bar can now be placed, and the band may cover it.
    this.refreshMarkers()
    this.refreshBand()
  }

  private onPatterns(events: PatternEvent[]): void {
    if (this.disposed) return
    const mine = events.filter((e) => e.symbol === this.symbol)
    if (mine.length === 0) return
    this.addEvents(mine)
    this.refreshMarkers()
  }

  private addEvents(events: readonly PatternEvent[]): void {
    for (const e of events) this.events.set(e.id, e)
    if (this.events.size > MAX_CHART_EVENTS) {
      const keep = [...this.events.values()].sort(newestFirst).slice(0, MAX_CHART_EVENTS)
      this.events.clear()
      for (const e of keep) this.events.set(e.id, e)
    }
  }

  // ------------------------------------------------------------ drawing

  private redrawAll(): void {
    if (!this.visible) {
      this.dirty = true
      return
    }
    this.dirty = false
    this.drawAll()
  }

  private drawAll(): void {
    const points = toDisplayBars(this.book.bars, this.timeframe)
    const last = points[points.length - 1]
    this.lastDrawn = last ? chartTimeValue(last.time) : -Infinity
    const firstLoad = this.firstDrawPending
    this.firstDrawPending = false
    this.sink.setBars(points, firstLoad)
  }

  private refreshMarkers(): void {
    const built = buildMarkers(this.events.values(), this.book)
    this.byBar = built.byBar
    this.sink.setMarkers(built.markers)
    const patterns = [...this.events.values()].sort(newestFirst)
    this.emit({ markers: built.markers.length, patterns })
    this.refreshLevels(false)
  }

  private refreshLevels(force: boolean): void {
    const source = levelsSource(this.events.values(), this.selectedId)
    const lines = levelLines(source)
    const key = `${source?.id ?? ''}|${lines.map((l) => `${l.title}:${l.price}`).join(',')}`
    if (!force && key === this.levelsKey) return
    this.levelsKey = key
    this.sink.setLevels(lines)
    this.emit({ levelsFrom: source })
  }

  // ------------------------------------------------------------ regime band

  private bandActive(): boolean {
    return this.bandWanted && isDailyOrWeekly(this.timeframe)
  }

  private startBand(): void {
    if (this.marketOff) return
    this.marketVersion = null
    this.marketOff = this.api.subscribe('market', {}, (pulse) => this.onMarket(pulse))
    this.emit({ regimeBand: true })
  }

  private stopBand(): void {
    this.marketOff?.()
    this.marketOff = null
    this.cancelRegimeTimer?.()
    this.cancelRegimeTimer = null
    this.regimeGeneration++
    this.regimeAgain = false
    this.periods = []
    this.periodsSig = ''
    this.band = EMPTY_REGIME_BAND
    this.sink.setRegimeBand([])
    this.emit({ regimeBand: false, regimeRuns: 0, regimeLatest: null })
  }

  private onMarket(pulse: MarketPulse): void {
    if (this.disposed) return
    const previous = this.marketVersion
    this.marketVersion = pulse.version
    // The push sent on subscribing is not news: the request made after subscribing is as recent.
    // Periods come from daily bars: a push that only moved the intraday figures cannot change them.
    const dailyMayHaveMoved = pulse.causes.some((c) => c !== 'intraday')
    if (previous !== null && pulse.version !== previous && dailyMayHaveMoved) void this.requestRegimes()
  }

  /** Fetch the periods now, or once a second has passed since the last request. */
  private async requestRegimes(): Promise<void> {
    if (this.disposed || !this.bandActive()) return
    if (this.regimeFetching) {
      this.regimeAgain = true
      return
    }
    const wait = this.regimeFetchedAt + REGIME_REFETCH_MS - this.clock.now()
    if (wait > 0) {
      this.cancelRegimeTimer ??= this.clock.later(() => {
        this.cancelRegimeTimer = null
        void this.requestRegimes()
      }, wait)
      return
    }
    const gen = this.regimeGeneration
    this.regimeFetching = true
    this.regimeFetchedAt = this.clock.now()
    try {
      // Every period, not only the loaded bars': the oldest one's "since" must be its real start.
      const res = await this.api.invoke('market.regimes', {})
      if (this.disposed || gen !== this.regimeGeneration) return
      // Without market data (or without an answer) the band is simply absent.
      if (res.ok) this.setPeriods(res.value.periods)
    } finally {
      this.regimeFetching = false
      if (this.regimeAgain) {
        this.regimeAgain = false
        void this.requestRegimes()
      }
    }
  }

  private setPeriods(periods: readonly RegimePeriod[]): void {
    const sig = periodsKey(periods)
    if (sig === this.periodsSig) return
    this.periodsSig = sig
    this.periods = periods
    this.refreshBand()
  }

  /** Recompute the band over the bars held (a load, a page, a new bar, new periods). */
  private refreshBand(): void {
    if (!this.bandActive() || (this.periods.length === 0 && this.band.runs.length === 0)) return
    this.band = buildRegimeBand(this.periods, this.book.bars, this.timeframe)
    this.sink.setRegimeBand(this.band.runs)
    const latest = this.band.runs[this.band.runs.length - 1]?.period ?? null
    if (this.status.regimeRuns !== this.band.runs.length || this.status.regimeLatest !== latest) this.emit({ regimeRuns: this.band.runs.length, regimeLatest: latest })
  }

  private emit(patch: Partial<ChartStatus>): void {
    if (this.disposed) return
    this.status = { ...this.status, ...patch }
    this.onStatus(this.status)
  }
}
