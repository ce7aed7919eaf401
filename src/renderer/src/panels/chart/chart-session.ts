/**
 * One chart's data for one (symbol, timeframe): loads bars and the symbol's
 * pattern events over the TerminalApi, follows the forming bar and new events,
 * pages older bars on demand, and drives a ChartSink (the lightweight-charts
 * view, or a fake in tests). Ticks go straight to the sink, never through
 * React; React hears only about status changes (a load, a page, new markers).
 * A new symbol or timeframe is a new session; dispose() ends every
 * subscription and ignores answers still in flight.
 */
import type { TerminalApi } from '../../../../shared/contract'
import type { Bar, BarSeries, BarTimeframe, PatternEvent } from '../../../../shared/domain'
import { BarBook, PAGE_SIZE, chartTimeValue, toDisplayBars, type DisplayBar } from './chart-model'
import { buildMarkers, levelLines, levelsSource, type LevelLine, type PatternMarker } from './markers'

/** Pattern events held per chart (newest by detection time). */
export const MAX_CHART_EVENTS = 500

export interface ChartSink {
  /** Every point changed (load, page, trim, shown again after being hidden). */
  setBars(points: readonly DisplayBar[]): void
  /** One point changed or was added; `historical` when it is not the last (a repeated DST hour). */
  updateBar(point: DisplayBar, historical: boolean): void
  setMarkers(markers: readonly PatternMarker[]): void
  setLevels(lines: readonly LevelLine[]): void
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
    void this.load()
  }

  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    for (const off of this.unsubscribers.splice(0)) off()
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
      if (added > 0) this.refreshMarkers()
    } finally {
      this.paging = false
    }
  }

  // ------------------------------------------------------------ loading

  private async load(): Promise<void> {
    if (this.disposed) return
    const gen = ++this.generation
    const stale = () => this.disposed || gen !== this.generation
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
      this.loaded = true
      this.redrawAll()
      this.emit({ phase: 'ready', source: bars.value.source, bars: this.book.size, error: null, exhausted: this.book.exhausted })
    }
    if (patterns.ok) this.addEvents(patterns.value.patterns)
    else if (patterns.error.code !== 'unavailable') this.emit({ error: `patterns.symbol: ${patterns.error.message}` })
    this.refreshMarkers()
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
    // Events detected in the new bar can now be placed.
    this.refreshMarkers()
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
    this.sink.setBars(points)
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

  private emit(patch: Partial<ChartStatus>): void {
    if (this.disposed) return
    this.status = { ...this.status, ...patch }
    this.onStatus(this.status)
  }
}
