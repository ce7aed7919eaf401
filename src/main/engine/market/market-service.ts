/**
 * The market state served to the UI, computed from the daily bars in the bar
 * store (`bars_daily`) for the universe (MARKET_UNIVERSE). Computed once and
 * cached; at most once a minute a cheap check (newest daily date and row count
 * of the universe's bars) decides whether to recompute. Intraday changes come
 * from `bars_1m` since today's 09:30 New York open, read on each call (cheap).
 */
import type { Database } from '../store/db'
import type { BarStore } from '../store/bar-store'
import {
  epochMs,
  MARKET_PERIODS,
  type EtfSnapshot,
  type MarketKeyLevels,
  type MarketPeriod,
  type MarketPulse,
  type MarketPulseCause,
  type MarketRegime,
  type MarketState,
  type PatternMarketStamp,
  type RegimeChangeEvent,
  type RegimePeriod,
  type RotationQuadrant,
  type SectorRotation,
} from '../../../shared/domain'
import type { PatternDirection } from '../../../shared/pattern-catalogue'
import { nyDate, nyMidnight } from '../bars/store-bars'
import type { DailyBar } from './daily-bars'
import { drawdown, keyLevels, pctChange, periodReturns, ratio, realizedVol, sma, trailingPercentile, correlationMatrix } from './indicators'
import { computeDailyMarketState, MARKET_UNIVERSE, type DailyMarketState } from './market-state'
import { computeRrg, SECTOR_FUNDS } from './rotation'
import { sectorName, sectorOf } from './sectors'
import type { SectorTable } from './sector-table'
import { RegimeEventStore, type ComputedRegimeChange } from './regime-events'

export const NO_SPY_REASON = 'No daily bars for SPY in the data folder: import them with `npm run tickstock -- import bars DIR`'
/** How often, at most, the store is checked for new daily bars. */
export const MARKET_CHECK_MS = 60_000
export const KEY_LEVEL_SYMBOLS = ['SPY', 'QQQ', 'IWM'] as const
const REGIME_CHANGES = 20
const RS_LOOKBACK = 63
const OPEN_MS = 9.5 * 3600_000
/** Trading days a fund's last bar may lag SPY's and still be in the rotation graph and the correlation matrix. */
const STALE_DAYS = 5
/**
 * Days of history an ETF snapshot reads back from its last bar: the 1Y
 * return (252), the 200-day average and its 20-day slope (220), the 52-week
 * drawdown, and the volatility percentile (252 days of 20-day volatility):
 * 600 covers them all with room, so the snapshot equals one computed over
 * the whole history at a fraction of the cost.
 */
const SNAPSHOT_DAYS = 600

/** One symbol's daily history held in memory, with the store's fingerprint of it. */
interface CachedSeries {
  bars: DailyBar[]
  count: number
  last: string
  total: number
}

/** Two sums of adjusted closes agree (they are summed in different orders). */
const sameTotal = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b))

export interface MarketServiceOptions {
  universe?: readonly string[]
  now?: () => number
  /** The symbol -> sector table for stamps (bundled + the trader's edits); the bundled table when absent. */
  sectorTable?: SectorTable
  /** The bars are the built-in demo market's (synthetic), said so in the state. */
  demo?: boolean
  /** Told about regime changes not seen before (after a recompute). */
  onRegimeChange?: (changes: readonly ComputedRegimeChange[]) => void
}

/** What each arriving pattern is stamped with: read from the last computation, never computed on the hot path. */
interface StampBase {
  regime: MarketRegime | null
  risk: number | null
  quadrants: ReadonlyMap<string, RotationQuadrant | null>
}

const NO_STAMP_BASE: StampBase = { regime: null, risk: null, quadrants: new Map() }

const num = (x: number | undefined): number | null => (x === undefined || Number.isNaN(x) ? null : x)

interface Computed {
  key: string
  state: DailyMarketState | null
  etfs?: EtfSnapshot[]
  /** Symbols of the universe with daily bars, in universe order, and the index of each one's last bar. */
  live: string[]
  lastIndex: Map<string, number>
  stamp: StampBase
}

export class MarketService {
  private readonly universe: readonly string[]
  private readonly now: () => number
  private readonly checkStmt
  private readonly fingerprintStmt
  private readonly afterStmt
  /** The universe's daily bars in memory: a recompute reads only what changed. */
  private readonly seriesCache = new Map<string, CachedSeries>()
  private computed: Computed | null = null
  private checkedAt = -Infinity
  private readonly sectorTable: SectorTable | null
  private readonly demo: boolean
  private readonly regimeEvents: RegimeEventStore
  private readonly onRegimeChange: ((changes: readonly ComputedRegimeChange[]) => void) | null
  /** The last 1-minute close per universe symbol (bar start, close), from the feed or read once from the store. */
  private readonly lastMinute = new Map<string, { t: number; close: number } | null>()
  /** The New York date `lastMinute` is for: a new day starts it afresh. */
  private lastMinuteDay = ''
  private pulseState: MarketPulse = { version: 0, asOf: null, regime: null, risk: null, causes: [], at: epochMs(0) }
  /** Causes since the engine last pushed a pulse. */
  private readonly pendingCauses = new Set<MarketPulseCause>()

  constructor(
    private readonly bars: BarStore,
    db: Database = bars.db,
    opts: MarketServiceOptions = {},
  ) {
    this.universe = opts.universe ?? MARKET_UNIVERSE
    this.now = opts.now ?? Date.now
    this.sectorTable = opts.sectorTable ?? null
    this.demo = opts.demo ?? false
    this.onRegimeChange = opts.onRegimeChange ?? null
    this.regimeEvents = new RegimeEventStore(db)
    const marks = this.universe.map(() => '?').join(',')
    this.checkStmt = db.prepare<string[], { d: string | null; n: number }>(`SELECT max(date) AS d, count(*) AS n FROM bars_daily WHERE symbol IN (${marks})`)
    this.fingerprintStmt = db.prepare<string[], { symbol: string; n: number; d: string; s: number }>(
      `SELECT symbol, count(*) AS n, max(date) AS d, total(adj_close) AS s FROM bars_daily WHERE symbol IN (${marks}) GROUP BY symbol`,
    )
    this.afterStmt = db
      .prepare<[string, string], [string, number, number, number, number, number, number]>(
        'SELECT date, open, high, low, close, adj_close, volume FROM bars_daily WHERE symbol = ? AND date > ? ORDER BY date',
      )
      .raw()
  }

  /** Forget the cache: the next call recomputes. */
  invalidate(): void {
    this.computed = null
    this.checkedAt = -Infinity
  }

  /**
   * Check for new daily bars (at most once every MARKET_CHECK_MS) and
   * recompute when they changed. The engine calls it from its timer, so the
   * check (a scan of the universe's row counts, a few ms) never lands in a
   * request or in the ingest path; requests read the last computation.
   */
  refresh(): void {
    const now = this.now()
    if (this.computed && now - this.checkedAt < MARKET_CHECK_MS) return
    this.checkedAt = now
    const row = this.checkStmt.get(...this.universe)
    const key = `${row?.d ?? ''}|${row?.n ?? 0}`
    if (this.computed?.key === key) return
    this.computed = this.compute(key)
    this.bump('daily')
  }

  /** The last computation (computed now if there is none yet). */
  private current(): Computed {
    if (!this.computed) this.refresh()
    return this.computed as Computed
  }

  /** The market changed: panels refetch when the pushed version moves. */
  bump(cause: MarketPulseCause): void {
    const st = this.computed?.stamp ?? NO_STAMP_BASE
    this.pendingCauses.add(cause)
    this.pulseState = {
      version: this.pulseState.version + 1,
      asOf: this.computed?.state?.aligned.dates.at(-1) ?? null,
      regime: st.regime,
      risk: st.risk,
      causes: [...this.pendingCauses],
      at: epochMs(this.now()),
    }
  }

  /** The latest change (version 0: nothing computed yet), with every cause since the last `pushed()`. */
  pulse(): MarketPulse {
    return this.pulseState
  }

  /** The engine pushed the current pulse: the next one collects its causes afresh. */
  pushed(): void {
    this.pendingCauses.clear()
  }

  /**
   * New 1-minute bars (any symbols; the universe's are kept): today's
   * intraday figures move with them. O(1) per bar, no store access.
   */
  onMinuteBars(bars: readonly { symbol: string; row: { t: number; close: number } }[]): void {
    let changed = false
    for (const b of bars) {
      if (!this.universe.includes(b.symbol)) continue
      const prev = this.lastMinute.get(b.symbol)
      if (prev && prev.t > b.row.t) continue
      // The day of the bar (not of the clock) decides; a bar from another day than the map's starts it afresh.
      const day = nyDate(b.row.t)
      if (day !== this.lastMinuteDay) {
        this.lastMinute.clear()
        this.lastMinuteDay = day
      }
      this.lastMinute.set(b.symbol, { t: b.row.t, close: b.row.close })
      changed = true
    }
    if (changed) this.bump('intraday')
  }

  /**
   * The market stamp of a pattern arriving now: the last computed regime and
   * risk, the symbol's sector and that sector's quadrant. Never recomputes.
   */
  stamp(symbol: string, direction: PatternDirection): PatternMarketStamp {
    const base = this.computed?.stamp ?? NO_STAMP_BASE
    const sector = this.sectorTable ? this.sectorTable.fundOf(symbol) : sectorOf(symbol)
    const regime = base.regime
    return {
      regime,
      risk: base.risk,
      sector,
      quadrant: sector === null ? null : (base.quadrants.get(sector) ?? null),
      aligned: regime === 'Bull' ? direction === 'bullish' : regime === 'Bear' ? direction === 'bearish' : false,
    }
  }

  /** The regime as stretches of days between `from` and `to` (inclusive), oldest first. */
  regimes(from?: string, to?: string): RegimePeriod[] {
    const days = this.current().state?.regime.days ?? []
    const out: RegimePeriod[] = []
    let cur: (RegimePeriod & { n: number; sum: number }) | null = null
    for (const d of days) {
      if ((from !== undefined && d.date < from) || (to !== undefined && d.date > to)) continue
      if (cur && cur.regime === d.regime) {
        cur.to = d.date
        cur.n++
        cur.sum += d.confidence
      } else {
        if (cur) out.push({ from: cur.from, to: cur.to, regime: cur.regime, confidence: cur.sum / cur.n })
        cur = { from: d.date, to: d.date, regime: d.regime, confidence: 0, n: 1, sum: d.confidence }
      }
    }
    if (cur) out.push({ from: cur.from, to: cur.to, regime: cur.regime, confidence: cur.sum / cur.n })
    return out
  }

  /** Stored regime changes, newest first. */
  regimeChanges(limit: number): RegimeChangeEvent[] {
    this.current()
    return this.regimeEvents.list(limit)
  }

  /**
   * The universe's daily bars, from memory where the store's fingerprint of a
   * symbol (row count, last date, sum of adjusted closes) still matches; new
   * days are appended; anything else (a corrected old bar, a removed one) is
   * read again in full.
   */
  private loadSeries(): Map<string, DailyBar[]> {
    const fingerprints = new Map(this.fingerprintStmt.all(...this.universe).map((r) => [r.symbol, r]))
    const series = new Map<string, DailyBar[]>()
    for (const sym of this.universe) {
      const fp = fingerprints.get(sym)
      if (!fp) {
        this.seriesCache.delete(sym)
        continue
      }
      let c = this.seriesCache.get(sym)
      if (c && !(c.count === fp.n && c.last === fp.d && sameTotal(c.total, fp.s))) {
        const added = c.count < fp.n && c.last < fp.d ? this.afterStmt.all(sym, c.last) : []
        const addedTotal = added.reduce((t, r) => t + r[5], 0)
        if (added.length > 0 && c.count + added.length === fp.n && sameTotal(c.total + addedTotal, fp.s)) {
          const bars = c.bars.concat(added.map(([date, open, high, low, close, adjClose, volume]) => ({ date, open, high, low, close, adjClose, volume })))
          c = { bars, count: fp.n, last: fp.d, total: fp.s }
        } else c = undefined
      }
      if (!c) c = { bars: this.bars.recentDaily(sym, '9999-12-31', 1_000_000).reverse(), count: fp.n, last: fp.d, total: fp.s }
      this.seriesCache.set(sym, c)
      series.set(sym, c.bars)
    }
    return series
  }

  private compute(key: string): Computed {
    const series = this.loadSeries()
    if (!series.has('SPY')) return { key, state: null, live: [], lastIndex: new Map(), stamp: NO_STAMP_BASE }
    const state = computeDailyMarketState(series, { universe: this.universe })
    const lastIndex = new Map<string, number>()
    for (const sym of this.universe) {
      const p = state.aligned.adjClose.get(sym)
      if (!p) continue
      let i = p.length - 1
      while (i >= 0 && Number.isNaN(p[i] as number)) i--
      if (i >= 0) lastIndex.set(sym, i)
    }
    const live = this.universe.filter((s) => lastIndex.has(s))
    const t = state.aligned.dates.length - 1
    const quadrants = new Map<string, RotationQuadrant | null>()
    for (const f of SECTOR_FUNDS) {
      const ti = lastIndex.get(f)
      if (ti === undefined || t - ti > STALE_DAYS) continue
      const [r] = computeRrg(state.aligned.dates, state.aligned.adjClose, ti, [f], { tailLength: 1 })
      quadrants.set(f, r?.quadrant ?? null)
    }
    const stamp: StampBase = { regime: state.regime.days[t]?.regime ?? null, risk: num(state.risk.score[t]), quadrants }
    this.storeRegimeChanges(state)
    return { key, state, live, lastIndex, stamp }
  }

  private storeRegimeChanges(state: DailyMarketState): void {
    const { days, events } = state.regime
    const first = days[0]
    const last = days[days.length - 1]
    if (!first || !last) return
    const byDate = new Map(days.map((d) => [d.date, d.confidence]))
    // The first labelled day is a change from nothing: the regime the history starts in.
    const changes: ComputedRegimeChange[] = [
      { date: first.date, from: null, to: first.regime, confidence: first.confidence },
      ...events.map((e) => ({ date: e.date, from: e.from, to: e.to, confidence: byDate.get(e.date) ?? 0 })),
    ]
    const added = this.regimeEvents.sync(changes, first.date, last.date, this.now())
    if (added.length > 0) this.onRegimeChange?.(added)
  }

  /** Regime, risk with its components, breadth, key levels and recent regime changes; available=false without SPY. */
  state(): MarketState {
    const c = this.current()
    const s = c.state
    if (!s) return { available: false, reason: NO_SPY_REASON, demo: this.demo, asOf: null, regime: null, risk: null, breadth: null, keyLevels: [], regimeChanges: [] }
    const { aligned } = s
    const t = aligned.dates.length - 1
    const day = s.regime.days[t]
    const keyLevelsOut: MarketKeyLevels[] = []
    for (const sym of KEY_LEVEL_SYMBOLS) {
      const b = aligned.bars.get(sym)
      const ti = c.lastIndex.get(sym)
      if (!b || ti === undefined) continue
      const high = Float64Array.from(b, (x) => x?.high ?? NaN)
      const low = Float64Array.from(b, (x) => x?.low ?? NaN)
      const close = Float64Array.from(b, (x) => x?.close ?? NaN)
      const k = keyLevels(high, low, close, ti)
      keyLevelsOut.push({ symbol: sym, support: k.support, resistance: k.resistance, high52: num(k.high52w), low52: num(k.low52w) })
    }
    return {
      available: true,
      demo: this.demo,
      reason: null,
      asOf: aligned.dates[t] ?? null,
      regime: day ? { label: day.regime, confidence: day.confidence, since: day.since } : null,
      risk: { score: num(s.risk.score[t]) ?? 0, components: [...s.risk.components].map(([name, v]) => ({ name, value: num(v[t]) })) },
      breadth: { above50: num(s.breadth50[t]), above200: num(s.breadth200[t]) },
      keyLevels: keyLevelsOut,
      regimeChanges: s.regime.events.slice(-REGIME_CHANGES).map((e) => ({ date: e.date, from: e.from, to: e.to })),
    }
  }

  /** The regime on the last stored day (or on the last day <= `date`), null without SPY bars. */
  regimeAt(date?: string): MarketRegime | null {
    const s = this.current().state
    if (!s) return null
    const days = s.regime.days
    if (date === undefined) return days[days.length - 1]?.regime ?? null
    for (let i = days.length - 1; i >= 0; i--) if ((days[i] as { date: string }).date <= date) return days[i]!.regime
    return null
  }

  asOf(): string | null {
    const s = this.current().state
    return s ? (s.aligned.dates[s.aligned.dates.length - 1] ?? null) : null
  }

  /** The universe's funds present on the last day: returns by period, trend, volatility, drawdown, relative strength, intraday change. */
  etfs(): EtfSnapshot[] {
    const c = this.current()
    const s = c.state
    if (!s) return []
    c.etfs ??= this.computeEtfs(s, c.live, c.lastIndex)
    const now = this.now()
    const today = nyDate(now)
    const open = nyMidnight(today) + OPEN_MS
    if (today !== this.lastMinuteDay) {
      this.lastMinute.clear()
      this.lastMinuteDay = today
    }
    return c.etfs.map((e) => ({ ...e, intraday: now < open ? null : this.intraday(e.symbol, today, open) }))
  }

  /** Each fund at its own last bar (a fund whose file ends earlier than SPY's says so in `asOf`). */
  private computeEtfs(s: DailyMarketState, live: readonly string[], lastIndex: ReadonlyMap<string, number>): EtfSnapshot[] {
    const spyAll = s.aligned.adjClose.get('SPY') as Float64Array
    return live.map((symbol) => {
      const last = lastIndex.get(symbol) as number
      // Only the days the figures at the last bar depend on (see SNAPSHOT_DAYS).
      const from = Math.max(0, last - SNAPSHOT_DAYS)
      const t = last - from
      const dates = s.aligned.dates.slice(from, last + 1)
      const p = (s.aligned.adjClose.get(symbol) as Float64Array).subarray(from, last + 1)
      const spy = spyAll.subarray(from, last + 1)
      const r = periodReturns(dates, p, t)
      const returns = {} as Record<MarketPeriod, number | null>
      for (const k of MARKET_PERIODS) returns[k] = num(r[k])
      const s50 = sma(p, 50)
      const s200 = sma(p, 200)
      const vol = realizedVol(p, 20)
      const rel = ratio(p, spy)
      const a = rel[t - RS_LOOKBACK] ?? NaN
      const bar = s.aligned.bars.get(symbol)?.[last] as DailyBar
      const above = (avg: number): boolean | null => (Number.isNaN(avg) ? null : (p[t] as number) > avg)
      return {
        symbol,
        sector: sectorName(symbol),
        close: bar.close,
        asOf: dates[t] as string,
        returns,
        intraday: null,
        trend: { aboveSma50: above(s50[t] as number), aboveSma200: above(s200[t] as number), sma50Slope: num(pctChange(s50, 20)[t]), sma200Slope: num(pctChange(s200, 20)[t]) },
        volatility: { realized20: num(vol[t]), percentile: num(trailingPercentile(vol)[t]) },
        drawdown: num(drawdown(p)[t]),
        relativeStrength: a > 0 ? num((rel[t] as number) / a) : null,
      }
    })
  }

  /**
   * Today's change (fraction) from the 1-minute bars: the last close since
   * today's 09:30 New York open against the last daily close before today;
   * null when there are no 1-minute bars for today.
   */
  private intraday(symbol: string, today: string, open: number): number | null {
    let last = this.lastMinute.get(symbol)
    if (last === undefined) {
      // Not seen on the feed today (a restart mid-session): the store has it, or has none (asked once a day).
      const row = this.bars.recent1m(symbol, Infinity, 1)[0]
      last = row ? { t: row.t, close: row.close } : null
      this.lastMinute.set(symbol, last)
    }
    if (!last || last.t < open) return null
    // The last daily close before today, from the history in memory.
    const bars = this.seriesCache.get(symbol)?.bars ?? []
    let i = bars.length - 1
    while (i >= 0 && (bars[i] as DailyBar).date >= today) i--
    const prev = bars[i]
    return prev && prev.close > 0 ? last.close / prev.close - 1 : null
  }

  /** Relative rotation of the sector funds present against SPY, with `tailWeeks` weekly points. */
  sectors(tailWeeks = 8): SectorRotation[] {
    const c = this.current()
    const s = c.state
    if (!s) return []
    const { dates, adjClose } = s.aligned
    const t = dates.length - 1
    const funds = SECTOR_FUNDS.filter((f) => c.live.includes(f) && t - (c.lastIndex.get(f) as number) <= STALE_DAYS)
    const etfs = new Map((c.etfs ??= this.computeEtfs(s, c.live, c.lastIndex)).map((e) => [e.symbol, e]))
    // Each fund at its own last bar (at most STALE_DAYS before SPY's).
    return funds.flatMap((f) => computeRrg(dates, adjClose, c.lastIndex.get(f) as number, [f], { tailLength: tailWeeks })).map((r) => ({
      symbol: r.symbol,
      sector: sectorName(r.symbol) ?? r.symbol,
      rsRatio: num(r.current.rsRatio),
      rsMomentum: num(r.current.rsMomentum),
      quadrant: r.quadrant,
      tail: r.tail,
      returns: etfs.get(r.symbol)?.returns ?? (Object.fromEntries(MARKET_PERIODS.map((k) => [k, null])) as Record<MarketPeriod, number | null>),
    }))
  }

  /**
   * Correlation of daily log returns over the `window` days ending at the
   * last day all the included funds have (`asOf`), across the funds whose
   * last bar is at most STALE_DAYS before SPY's (null where undefined).
   */
  correlation(window: 20 | 60): { asOf: string | null; window: 20 | 60; symbols: string[]; matrix: (number | null)[][] } {
    const c = this.current()
    const s = c.state
    if (!s) return { asOf: null, window, symbols: [], matrix: [] }
    const last = s.aligned.dates.length - 1
    const symbols = c.live.filter((x) => last - (c.lastIndex.get(x) as number) <= STALE_DAYS)
    const t = Math.min(...symbols.map((x) => c.lastIndex.get(x) as number))
    const m = correlationMatrix(s.aligned.adjClose, symbols, t, window)
    return { asOf: s.aligned.dates[t] ?? null, window, symbols, matrix: m.map((row) => row.map((v) => num(v))) }
  }
}
