/**
 * The engine: ingest -> normalize -> tiers -> store, plus the request handlers
 * and the push hub. Runs off the UI thread (worker thread or utilityProcess);
 * nothing here knows which host it is in.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { getHeapStatistics } from 'node:v8'
import {
  fail,
  isRequestName,
  ok,
  requestSchemas,
  zodFailure,
  MAX_LAYOUT_BYTES,
  type ContractError,
  type EngineInfo,
  type PatternQueryParsed,
  type PatternQueryResult,
  type RequestName,
  type RequestParsed,
  type RequestResult,
  type Result,
} from '../../shared/contract'
import { TIERS, epochMs, type BarTimeframe, type ConfluenceEvent, type EpochMs, type Gap, type NormalizedPattern, type PatternEvent, type PerformanceReport } from '../../shared/domain'
import type { EngineConfig } from './config'
import { redactUrl } from '../../shared/redact'
import { HealthTracker } from './health/health-tracker'
import { PushHub } from './hub'
import { normalize } from './ingest/normalize'
import type { EngineToHost, HostToEngine } from './port'
import { BatchWriter } from './store/batch-writer'
import { openDatabase, type Database } from './store/db'
import { lockDataFolder, type DataLock } from './store/data-lock'
import { PatternStore } from './store/pattern-store'
import { Checkpointer } from './store/checkpointer'
import { LayoutNotFoundError, LayoutStore } from './store/layout-store'
import { NO_BARS, type BarSource } from './bars/bar-source'
import { DemoBars } from './bars/demo-bars'
import { nyDate, StoreBars } from './bars/store-bars'
import { AggregateMinuteRecorder } from './bars/aggregate-minutes-feed'
import { BarStore } from './store/bar-store'
import { TierProcessor } from './tiers/tier-processor'
import { DAILY_DEDUPE_WINDOW_MS } from './ingest/dedupe'
import { MarketService } from './market/market-service'
import { resolveSector } from './market/sectors'
import { SectorTable } from './market/sector-table'
import { DemoMarketSource } from './market/demo-market-source'
import { AlertRequestError, AlertService } from './alerts/alert-service'
import { FileSecrets, HostSecrets, MemorySecrets, type SecretStore } from './alerts/secrets'
import { patternDirection } from '../../shared/pattern-catalogue'
import { assertNever } from '../../shared/assert'
import type { MarketRegime } from '../../shared/domain'

export const ENGINE_VERSION = '0.1.0'

/** A source of raw wire messages: the Redis reader thread or the demo feed. */
export interface FeedSource {
  start(sink: FeedSink): void
  /** Messages read but not yet handed to the engine (Redis reader backlog). */
  queueDepth(): number
  stop(): Promise<void>
}

export interface FeedSink {
  messages(channels: string[], messages: string[]): void
  redisState(state: 'connecting' | 'ready' | 'reconnecting' | 'closed', at: EpochMs, detail: string | null): void
  heartbeat(valueSeconds: number | null): void
  log(level: 'info' | 'warn' | 'error', msg: string): void
  /** The engine's price for a symbol where it has one (the demo market's funds): a simulated feed starts there. */
  referencePrice?(symbol: string): number | null
}

export interface EngineDeps {
  config: EngineConfig
  post: (m: EngineToHost) => void
  source: FeedSource
  now?: () => number
}

type Handlers = { [K in RequestName]: (params: RequestParsed<K>) => RequestResult<K> }

const SLOW_REQUEST_MS = 50
const HEALTH_PUSH_MS = 1000
const SWEEP_MS = 60_000
const RETENTION_MS = 3600_000
const CHECKPOINT_MS = 2000
/** Rows read back at start-up to restore dedupe and confluence state (a fraction of a second). */
const RESTORE_MAX_ROWS = 150_000
const MAX_PRICE_SYMBOLS = 20_000
/** The engine's last sign of life, for the downtime gap at the next start. */
const LAST_ALIVE_KEY = 'lastAlive'
const LAST_ALIVE_EVERY_TICKS = 10
/** Shorter downtimes (a quick restart) are not worth a gap marker. */
const DOWNTIME_GAP_MIN_MS = 15_000
/** Events held in memory while the store cannot write (about 250 MB at most); beyond it the oldest are dropped and counted. */
const MAX_STORE_BACKLOG = 500_000
/** Rows per retention step (a few ms of work) and the pause between steps. */
const PRUNE_CHUNK_ROWS = 1000
const PRUNE_PAUSE_MS = 20
/** Newest events per tier scanned by market.patterns when it filters by alignment or sector. */
const MARKET_PATTERN_SCAN = 1000

export class Engine {
  private readonly now: () => number
  private readonly store: PatternStore
  private readonly layouts: LayoutStore
  /** Without stored bars for a symbol and timeframe: demo bars in demo mode, none on live Redis. */
  private readonly bars: BarSource
  /** Bars imported or recorded into the data folder's bar store; preferred where they exist. */
  private readonly storeBars: StoreBars
  private readonly barStore: BarStore
  /** Per-minute aggregates from Redis into the bar store. */
  private readonly aggregates: AggregateMinuteRecorder
  /** Market state from the stored daily ETF bars (cached, rechecked at most once a minute). */
  private readonly market: MarketService
  /** Symbol -> sector fund: the bundled table with the trader's edits. */
  private readonly sectorTable: SectorTable
  /** Demo mode without imported daily bars: a generated ETF market in memory (never in the data folder). */
  private readonly demoMarket: DemoMarketSource | null
  private pushedMarketVersion = 0
  /** The trader's alert rules against every accepted event; email and webhooks from here. */
  private readonly alerts: AlertService
  private readonly secrets: SecretStore
  /** Latest price per symbol from the events (demo bars start there). Bounded. */
  private readonly lastPrice = new Map<string, number>()
  private readonly tiers: TierProcessor
  private readonly health: HealthTracker
  private readonly hub: PushHub
  private readonly patternWriter: BatchWriter<PatternEvent>
  private readonly confluenceWriter: BatchWriter<ConfluenceEvent>
  private readonly timers: ReturnType<typeof setInterval>[] = []
  private readonly handlers: Handlers
  private readonly checkpointer: Checkpointer | null = null
  private readonly dataLock: DataLock | null = null
  private openGap: { gap: Gap; id: number } | null = null
  private wasReady = false
  private ticks = 0
  private readonly startedAt: EpochMs
  private pruning = false
  private disposed = false
  private counters = { received: 0, patterns: 0, duplicates: 0, belowThreshold: 0, stored: 0 }
  private rateWindow = { at: 0, patterns: 0, perSecond: 0 }

  constructor(private readonly deps: EngineDeps) {
    const { config } = deps
    this.now = deps.now ?? Date.now
    const started = epochMs(this.now())
    this.startedAt = started
    const file = config.dataDir ? join(config.dataDir, 'tickstock.db') : ':memory:'
    if (config.dataDir) {
      mkdirSync(config.dataDir, { recursive: true })
      this.dataLock = lockDataFolder(config.dataDir)
    }
    let db: Database
    try {
      db = openDatabase(file, { nativeBinding: config.sqliteNativeBinding })
    } catch (e) {
      this.dataLock?.release()
      throw e
    }
    if (config.dataDir) {
      // Checkpoints happen on their own thread, never on this one (see checkpointer.worker.ts).
      db.pragma('wal_autocheckpoint = 0')
      // After a burst the WAL file is cut back to this size at the next checkpoint.
      db.pragma(`journal_size_limit = ${64 * 1024 * 1024}`)
      this.checkpointer = new Checkpointer({ file, intervalMs: CHECKPOINT_MS, nativeBinding: config.sqliteNativeBinding }, (l, m) => this.log(l, m), () => {
        if (!this.disposed) db.pragma('wal_autocheckpoint = 1000')
      })
    }
    this.store = new PatternStore(db)
    this.layouts = new LayoutStore(db)
    const barStore = new BarStore(db)
    this.barStore = barStore
    this.storeBars = new StoreBars(barStore)
    this.demoMarket = !config.redis && !barStore.hasDaily('SPY') ? new DemoMarketSource(this.now()) : null
    // Synthetic intraday paths start at the demo market's price for its funds, else at the events' last price.
    this.bars = config.redis ? NO_BARS : new DemoBars((symbol) => this.demoMarket?.price(symbol) ?? this.lastPrice.get(symbol) ?? null)
    this.sectorTable = new SectorTable(db, this.now)
    const marketStore = this.demoMarket?.store ?? barStore
    this.market = new MarketService(marketStore, marketStore.db, {
      demo: this.demoMarket !== null,
      now: this.now,
      sectorTable: this.sectorTable,
      onRegimeChange: (changes) => {
        const last = changes[changes.length - 1]
        if (last) this.log('info', `market: ${changes.length === 1 ? 'regime change' : `${changes.length} regime changes recorded, latest`} ${last.from ?? '(start)'} -> ${last.to} on ${last.date}`)
      },
    })
    this.secrets = config.secrets === 'host' ? new HostSecrets() : config.dataDir ? new FileSecrets(config.dataDir) : new MemorySecrets()
    this.alerts = new AlertService({
      db,
      patterns: this.store,
      secrets: this.secrets,
      now: this.now,
      log: (l, m) => this.log(l, m),
      publish: (alerts) => this.hub.publishAlerts(alerts),
      publishUnread: (unread) => this.hub.publishLatest('alertsUnread', { unread }),
      publishRules: (version) => this.hub.publishLatest('alertRules', { version }),
      sectorOf: (symbol) => this.sectorTable.fundOf(symbol),
      priceAt: (symbol, t) => this.priceAt(symbol, t),
    })
    this.aggregates = new AggregateMinuteRecorder(barStore, {
      onError: (e) => this.log('error', `recording minute bars failed, will retry: ${(e as Error).message}`),
      onBars: (bars) => this.market.onMinuteBars(bars),
    })
    // The terminal itself was not running between its last sign of life and now: nothing was received.
    const lastAlive = Number(this.store.getMeta(LAST_ALIVE_KEY) ?? NaN)
    this.store.closeDanglingGaps(Number.isFinite(lastAlive) ? epochMs(lastAlive) : started)
    this.tiers = new TierProcessor({
      thresholds: config.thresholds,
      confluenceWindowMs: config.confluenceWindowMs,
      expiryMs: config.expiryMs,
      nextPatternId: this.store.maxPatternId() + 1,
      nextConfluenceId: this.store.maxConfluenceId() + 1,
    })
    // A detection re-published across a restart must still be recognised, and
    // last evening's daily hits must still meet this morning's intraday ones.
    this.tiers.restore(this.store.recentArrivals(epochMs(started - Math.max(DAILY_DEDUPE_WINDOW_MS, config.confluenceWindowMs)), RESTORE_MAX_ROWS))
    this.health = new HealthTracker(config.redis ? 'live' : 'demo', config.redis ? redactUrl(config.redis.url) : null, started)
    if (Number.isFinite(lastAlive) && started - lastAlive > DOWNTIME_GAP_MIN_MS) {
      this.store.closeGap(this.store.openGap(epochMs(lastAlive), 'terminal not running'), started)
    }
    for (const g of this.store.recentGaps(20).reverse()) this.health.gaps.push(g)
    this.hub = new PushHub(deps.post)
    // Retried every flush interval while failing (disk full, say): logged once a minute, not each time.
    let lastWriteError = 0
    const onError = (e: unknown): void => {
      const t = this.now()
      if (t - lastWriteError < 60_000) return
      lastWriteError = t
      this.log('error', `store write failed, keeping events in memory and retrying (${this.patternWriter.backlog} waiting): ${(e as Error).message}`)
    }
    this.patternWriter = new BatchWriter<PatternEvent>((items) => (this.counters.stored += this.store.insertPatterns(items)), {
      maxBatch: 2000,
      maxDelayMs: 50,
      onError,
      maxBacklog: MAX_STORE_BACKLOG,
    })
    this.confluenceWriter = new BatchWriter<ConfluenceEvent>((items) => this.store.insertConfluence(items), { maxBatch: 500, maxDelayMs: 100, onError, maxBacklog: MAX_STORE_BACKLOG })
    this.handlers = this.makeHandlers()
  }

  start(): void {
    this.prune()
    // Stamps on the first events need the market state: computed before the feed starts.
    this.refreshMarket()
    this.deps.source.start({
      messages: (ch, msg) => this.ingest(ch, msg),
      redisState: (s, at, detail) => this.onRedisState(s, at, detail),
      heartbeat: (v) => this.health.heartbeat(v),
      log: (level, msg) => this.log(level, msg),
      referencePrice: (symbol) => this.demoMarket?.price(symbol) ?? null,
    })
    this.timers.push(setInterval(() => this.tick(), HEALTH_PUSH_MS))
    this.timers.push(setInterval(() => this.tiers.sweep(this.now()), SWEEP_MS))
    this.timers.push(setInterval(() => this.prune(), RETENTION_MS))
    for (const t of this.timers) t.unref?.()
  }

  info(): EngineInfo {
    const c = this.deps.config
    return {
      mode: c.redis ? 'live' : 'demo',
      version: ENGINE_VERSION,
      thresholds: this.tiers.thresholds,
      confluenceWindowMs: c.confluenceWindowMs,
      retentionDays: c.retentionDays,
      dataDir: c.dataDir,
    }
  }

  // ------------------------------------------------------------ ingest (hot path)

  /** One batch of raw wire messages. */
  ingest(channels: string[], messages: string[]): void {
    const now = epochMs(this.now())
    const patterns: NormalizedPattern[] = []
    this.counters.received += channels.length
    for (let i = 0; i < channels.length; i++) {
      const channel = channels[i]!
      const raw = messages[i]!
      if (channel === this.deps.config.barChannel) {
        for (const reason of this.aggregates.push(raw)) this.health.reject({ at: now, channel, reason: 'bad_bar', detail: reason, raw })
        continue
      }
      const r = normalize(channel, raw, now)
      switch (r.kind) {
        case 'pattern':
          for (const e of r.events) patterns.push(e)
          for (const rej of r.rejected) this.health.reject({ at: now, channel, reason: rej.reason, detail: rej.detail, raw })
          break
        case 'rejected':
          this.health.reject({ at: now, channel, reason: r.reason, detail: r.detail, raw })
          break
        case 'health':
        case 'session':
          this.health.observe(r)
          break
        case 'alert':
          this.health.alert(r.alert)
          break
        case 'monitoring':
          if (r.alert) this.health.alert(r.alert)
          break
        case 'error':
          this.health.alert({ at: r.at, category: 'monitoring', severity: r.severity, type: 'ERROR', message: r.message, symbol: null, component: r.component })
          break
        case 'indicator':
        case 'backtest':
        case 'batch':
          // Consumed by later capabilities (market state, alerts); counted as received.
          break
        default:
          assertNever(r)
      }
    }
    if (patterns.length === 0) return
    const res = this.tiers.process(patterns, now)
    this.counters.patterns += patterns.length
    this.counters.duplicates += res.duplicates
    this.counters.belowThreshold += res.belowThreshold
    this.rateWindow.patterns += res.accepted.length
    if (res.accepted.length > 0) {
      for (const e of res.accepted) e.market = this.market.stamp(e.symbol, patternDirection(e.pattern, e.patternKey))
      this.patternWriter.push(res.accepted)
      this.hub.publishPatterns(res.accepted)
      if (this.alerts.active) this.alerts.onEvents(res.accepted)
      if (this.bars.kind === 'demo') {
        if (this.lastPrice.size > MAX_PRICE_SYMBOLS) this.lastPrice.clear()
        for (const e of res.accepted) if (e.price !== null) this.lastPrice.set(e.symbol, e.price)
      }
    }
    if (res.confluence.length > 0) {
      this.confluenceWriter.push(res.confluence)
      this.hub.publishConfluence(res.confluence)
    }
  }

  private onRedisState(state: 'connecting' | 'ready' | 'reconnecting' | 'closed', at: EpochMs, detail: string | null): void {
    this.health.setRedisState(state, at)
    if (state === 'ready') {
      this.wasReady = true
      if (this.openGap) {
        this.health.closeGap(this.openGap.gap, at)
        this.store.closeGap(this.openGap.id, at)
        this.log('info', `redis: reconnected; no data from ${new Date(this.openGap.gap.from).toISOString()} to ${new Date(at).toISOString()}`)
        this.openGap = null
      }
    } else if ((state === 'reconnecting' || state === 'closed') && !this.openGap) {
      // Pub/sub is lossy: everything published from now until we are back is gone. Record it;
      // when Redis was never reached, the loss runs from our own start.
      const from = this.wasReady ? at : this.startedAt
      const reason = this.wasReady ? (detail ?? 'disconnected') : `Redis unreachable since start${detail ? ` (${detail})` : ''}`
      const gap = this.health.openGap(from, reason)
      this.openGap = { gap, id: this.store.openGap(from, reason) }
      this.log('warn', `redis: ${state} (${reason})`)
    }
    this.pushHealth()
  }

  // ------------------------------------------------------------ requests

  /** Validate and run one request. Never throws. */
  handle(method: string, params: unknown): Result<unknown> {
    if (!isRequestName(method)) return fail('unknown_method', `unknown method ${JSON.stringify(method).slice(0, 64)}`)
    const parsed = requestSchemas[method].safeParse(params ?? {})
    if (!parsed.success) return zodFailure(parsed.error, `${method} params`)
    const t0 = performance.now()
    try {
      const value = (this.handlers[method] as (p: unknown) => unknown)(parsed.data)
      const ms = performance.now() - t0
      if (ms > SLOW_REQUEST_MS) this.log('warn', `slow request ${method}: ${ms.toFixed(1)} ms`)
      return ok(value)
    } catch (e) {
      if (e instanceof RequestError || e instanceof AlertRequestError) return fail(e.code, e.message, e.fields)
      if (e instanceof LayoutNotFoundError) return fail('not_found', e.message, { name: e.message })
      this.log('error', `${method} failed: ${(e as Error).stack ?? String(e)}`)
      return fail('internal', `${method} failed: ${(e as Error).message}`)
    }
  }

  private makeHandlers(): Handlers {
    return {
      'patterns.query': (q) => this.queryPatterns(q),
      'patterns.symbol': (q) => {
        this.patternWriter.flushNow()
        return { patterns: this.store.querySymbol(q.symbol, q.since, q.limit) }
      },
      'patterns.performance': () => this.performance(),
      'health.get': () => this.healthReport(),
      'engine.info': () => this.info(),
      'bars.get': (q) => {
        this.aggregates.flushNow()
        const source = this.barSourceFor(q.symbol, q.timeframe)
        return {
          symbol: q.symbol,
          timeframe: q.timeframe,
          bars: source.bars(q.symbol, q.timeframe, q.limit, this.now(), q.before),
          source: source.kind,
          timezone: 'America/New_York',
        }
      },
      'layouts.list': () => ({ layouts: this.layouts.list() }),
      'layouts.get': (q) => this.layouts.get(q.name),
      'layouts.save': (q) => {
        const json = JSON.stringify(q.config ?? null)
        if (json.length > MAX_LAYOUT_BYTES) {
          throw new RequestError('bad_request', `layout ${q.name} is too large (${json.length} bytes; at most ${MAX_LAYOUT_BYTES})`, { config: 'too large' })
        }
        return this.layouts.save(q.name, q.version, json, epochMs(this.now()))
      },
      'layouts.rename': (q) => {
        if (q.from !== q.to && this.layouts.list().some((l) => l.name === q.to)) {
          throw new RequestError('bad_request', `a layout named ${q.to} already exists`, { to: 'already exists' })
        }
        return this.layouts.rename(q.from, q.to, epochMs(this.now()))
      },
      'layouts.delete': (q) => ({ deleted: this.layouts.delete(q.name) }),
      'prefs.get': () => this.layouts.prefs(),
      'prefs.set': (patch) => {
        if (patch.currentLayout && !this.layouts.list().some((l) => l.name === patch.currentLayout)) {
          throw new RequestError('not_found', `no layout named ${patch.currentLayout}`, { currentLayout: 'no such layout' })
        }
        return this.layouts.setPrefs(patch)
      },
      'market.state': () => this.market.state(),
      'market.etfs': () => ({ asOf: this.market.asOf(), etfs: this.market.etfs() }),
      'market.sectors': (q) => ({ asOf: this.market.asOf(), sectors: this.market.sectors(q.tailWeeks) }),
      'market.correlation': (q) => this.market.correlation(q.window),
      'market.patterns': (q) => this.marketPatterns(q),
      'market.regimes': (q) => ({ periods: this.market.regimes(q.from, q.to) }),
      'market.regimeEvents': (q) => ({ events: this.market.regimeChanges(q.limit) }),
      'sectors.table': () => ({ funds: this.sectorTable.funds(), entries: this.sectorTable.entries() }),
      'sectors.set': (q) => {
        this.sectorTable.set(q.entries)
        this.market.bump('sectors')
        const changed = new Set(q.entries.map((e) => e.symbol))
        return { entries: this.sectorTable.entries().filter((e) => changed.has(e.symbol)) }
      },
      'alerts.rules.list': () => this.alerts.listRules(),
      'alerts.rules.save': (q) => ({ rule: this.alerts.saveRule(q.rule) }),
      'alerts.rules.delete': (q) => ({ deleted: this.alerts.deleteRule(q.id) }),
      'alerts.rules.test': (q) => ({ alert: this.alerts.testRule(q.id) }),
      'alerts.rules.preview': (q) => {
        this.patternWriter.flushNow()
        return this.alerts.preview(q.rule, q.days)
      },
      'alerts.rules.snooze': (q) => ({ rule: this.alerts.snoozeRule(q.id, q.until) }),
      'alerts.history': (q) => this.alerts.history(q),
      'alerts.mark': (q) => this.alerts.mark(q.ids, { ...(q.read !== undefined ? { read: q.read } : {}), ...(q.acknowledged !== undefined ? { acknowledged: q.acknowledged } : {}), ...(q.feedback !== undefined ? { feedback: q.feedback } : {}) }),
      'alerts.report': (q) => ({ alert: this.alerts.report(q.id, q.channel, q.state, q.reason) }),
      'alerts.claim': (q) => ({ claimed: this.alerts.claim(q.id) }),
      'alerts.stats': () => ({ rules: this.alerts.stats() }),
      'alerts.settings.get': () => this.alerts.getSettings(),
      'alerts.settings.set': (q) => this.alerts.setSettings(q.settings, q.smtpPassword),
      'alerts.deadLetters': (q) => ({ items: this.alerts.deadLetters(q.limit) }),
      'alerts.deadLetters.retry': (q) => this.alerts.retryDeadLetter(q.id),
      'sectors.reset': () => {
        this.sectorTable.reset()
        this.market.bump('sectors')
        return { entries: this.sectorTable.entries() }
      },
    }
  }

  /**
   * Recent pattern events (newest first, up to `limit`) of one tier or all,
   * with the current regime. `alignedOnly` keeps the patterns that point the
   * regime's way: bullish ones in Bull, bearish ones in Bear; neutral patterns
   * are never aligned, and in Consolidation (or with no market data, regime
   * null) no pattern is aligned, so the answer is empty. `sector` (a fund such
   * as XLK or a name such as Technology) keeps the symbols the bundled
   * symbol -> sector table puts in it. Filters apply to the newest
   * MARKET_PATTERN_SCAN events of each tier.
   */
  marketPatterns(q: RequestParsed<'market.patterns'>): { regime: MarketRegime | null; patterns: PatternEvent[] } {
    let fund: string | null = null
    if (q.sector !== undefined) {
      fund = resolveSector(q.sector)
      if (!fund) throw new RequestError('bad_request', `unknown sector ${JSON.stringify(q.sector)} (a sector fund such as XLK or a name such as Technology)`, { sector: 'unknown sector' })
    }
    const regime = this.market.regimeAt()
    const want = regime === 'Bull' ? 'bullish' : regime === 'Bear' ? 'bearish' : null
    if (q.alignedOnly && want === null) return { regime, patterns: [] }
    this.patternWriter.flushNow()
    const filtered = q.alignedOnly || fund !== null
    const scan = filtered ? MARKET_PATTERN_SCAN : q.limit
    const out: PatternEvent[] = []
    for (const tier of q.tier ? [q.tier] : TIERS) {
      for (const e of this.store.queryPatterns({ tier, limit: scan })) {
        if (fund !== null && this.sectorTable.fundOf(e.symbol) !== fund) continue
        if (q.alignedOnly && patternDirection(e.pattern, e.patternKey) !== want) continue
        out.push(e)
      }
    }
    out.sort((a, b) => b.detectedAt - a.detectedAt || b.id - a.id)
    return { regime, patterns: out.slice(0, q.limit) }
  }

  /**
   * A symbol's price at `t` from recorded bars (the 1-minute bar holding it,
   * else that day's daily close), or the demo market's: how alerted patterns
   * turned out. Synthetic chart paths are not used. Null without bars.
   */
  private priceAt(symbol: string, t: number): number | null {
    for (const bars of [this.barStore, this.demoMarket?.store]) {
      if (!bars) continue
      const m = bars.recent1m(symbol, t + 60_000, 1)[0]
      if (m && m.t >= t - 5 * 60_000) return m.close
      const d = bars.recentDaily(symbol, nyDate(t), 1)[0]
      if (d && d.date === nyDate(t)) return d.close
    }
    return null
  }

  /** The store when it holds bars for the symbol and timeframe, else the demo market's funds, else demo (demo mode) or none. */
  private barSourceFor(symbol: string, timeframe: BarTimeframe): BarSource {
    if (this.storeBars.has(symbol, timeframe)) return this.storeBars
    if (this.demoMarket?.bars.has(symbol, timeframe)) return this.demoMarket.bars
    return this.bars
  }

  queryPatterns(q: PatternQueryParsed): PatternQueryResult {
    const t0 = performance.now()
    // Read-your-writes: what was pushed must also be queryable.
    this.patternWriter.flushNow()
    const patterns = this.store.queryPatterns(q)
    const last = patterns.length === q.limit ? patterns[patterns.length - 1] : undefined
    return {
      patterns,
      metadata: {
        tier: q.tier,
        count: patterns.length,
        limit: q.limit,
        response_time_ms: Math.round((performance.now() - t0) * 1000) / 1000,
        nextBefore: last ? { detectedAt: last.detectedAt, id: last.id } : null,
      },
    }
  }

  performance(): PerformanceReport {
    const now = this.now()
    const tiers = {} as PerformanceReport['tiers']
    for (const t of TIERS) tiers[t] = this.tiers.metrics[t].report(now, this.tiers.thresholds[t])
    return { tiers, rejected: this.health.rejectedByReason, confluence: { total: this.tiers.confluenceTotal }, generatedAt: epochMs(now) }
  }

  healthReport() {
    return this.health.report(epochMs(this.now()), {
      ingest: {
        ...this.counters,
        eventsPerSecond: this.rateWindow.perSecond,
        storeDropped: this.patternWriter.dropped,
        pushDropped: this.hub.droppedForSlowClients,
      },
      queueDepth: this.deps.source.queueDepth(),
      storeBacklog: this.patternWriter.backlog,
      memory: { heapUsedBytes: getHeapStatistics().used_heap_size, rssBytes: process.memoryUsage.rss() },
    })
  }

  // ------------------------------------------------------------ subscriptions (from the host)

  onHostMessage(m: HostToEngine): void {
    try {
      this.dispatchHostMessage(m)
    } catch (e) {
      // One bad message (a bug in a handler, a subscription the hub cannot take) must not end the engine.
      this.log('error', `host message '${m.t}' failed: ${(e as Error).stack ?? String(e)}`)
      if (m.t === 'req') this.deps.post({ t: 'res', cid: m.cid, id: m.id, result: fail('internal', `${m.method} failed: ${(e as Error).message}`) })
      else if (m.t === 'sub') this.deps.post({ t: 'suberr', cid: m.cid, sid: m.sid, error: { code: 'internal', message: `subscribing to ${m.topic} failed: ${(e as Error).message}` } })
    }
  }

  private dispatchHostMessage(m: HostToEngine): void {
    switch (m.t) {
      case 'req': {
        const result = this.handle(m.method, m.params)
        // Serialized here, off the host's thread, and sent as one string: cheaper than cloning the objects across threads.
        if (m.json) this.deps.post({ t: 'res-json', cid: m.cid, id: m.id, ok: result.ok, json: JSON.stringify(result.ok ? result.value : { error: result.error }) })
        else this.deps.post({ t: 'res', cid: m.cid, id: m.id, result })
        return
      }
      case 'sub': {
        const err = this.hub.subscribe(m.cid, m.sid, m.topic, m.filter)
        if (err) this.deps.post({ t: 'suberr', cid: m.cid, sid: m.sid, error: err })
        else if (m.topic === 'health') this.hub.sendTo(m.cid, m.sid, this.healthReport())
        else if (m.topic === 'market') this.hub.sendTo(m.cid, m.sid, this.market.pulse())
        else if (m.topic === 'alertsUnread') this.hub.sendTo(m.cid, m.sid, { unread: this.alerts.unread() })
        else if (m.topic === 'alertRules') this.hub.sendTo(m.cid, m.sid, { version: this.alerts.rulesVersion })
        return
      }
      case 'unsub':
        this.hub.unsubscribe(m.cid, m.sid)
        return
      case 'client-gone':
        this.hub.clientGone(m.cid)
        return
      case 'secrets':
        this.secrets.set({ smtpPassword: m.smtpPassword })
        return
      case 'shutdown':
        return
      default:
        assertNever(m)
    }
  }

  // ------------------------------------------------------------ housekeeping

  /** Recompute the market state when its bars changed, and tell subscribers (at most once a tick). */
  private refreshMarket(): void {
    try {
      if (this.demoMarket) {
        const minutes = this.demoMarket.poll(this.now())
        if (minutes.length > 0) this.market.onMinuteBars(minutes)
      }
      this.market.refresh()
    } catch (e) {
      this.log('error', `market state failed: ${(e as Error).message}`)
    }
    const pulse = this.market.pulse()
    if (pulse.version !== this.pushedMarketVersion) {
      this.pushedMarketVersion = pulse.version
      this.hub.publishLatest('market', pulse)
      this.market.pushed()
    }
  }

  private tick(): void {
    const now = this.now()
    if (++this.ticks % LAST_ALIVE_EVERY_TICKS === 0) this.store.setMeta(LAST_ALIVE_KEY, String(now))
    const dt = (now - (this.rateWindow.at || now - HEALTH_PUSH_MS)) / 1000
    const inst = dt > 0 ? this.rateWindow.patterns / dt : 0
    this.rateWindow = { at: now, patterns: 0, perSecond: this.rateWindow.perSecond * 0.5 + inst * 0.5 }
    this.pushHealth()
    this.refreshMarket()
    this.alerts.settleAwaiting(now)
    // The forming bar of every chart that is open.
    for (const k of this.hub.barKeys()) {
      const bar = this.barSourceFor(k.symbol, k.timeframe).current(k.symbol, k.timeframe, now)
      if (bar) this.hub.publishBars(k.symbol, k.timeframe, [bar])
    }
  }

  private pushHealth(): void {
    if (this.hub.hasSubscribers('health')) this.hub.publishLatest('health', this.healthReport())
  }

  /** Retention in small steps between other work; never more than one pass at a time. */
  private prune(): void {
    if (this.pruning || this.disposed) return
    this.pruning = true
    const cutoff = epochMs(this.now() - this.deps.config.retentionDays * 24 * 3600_000)
    const total = { patterns: 0, confluence: 0, gaps: 0, alerts: 0 }
    const step = (): void => {
      if (this.disposed) return
      const r = this.store.pruneStep(cutoff, PRUNE_CHUNK_ROWS)
      total.patterns += r.patterns
      total.confluence += r.confluence
      total.gaps += r.gaps
      // Alerts go with their events, in the same small steps.
      const alerts = this.alerts.prune(cutoff, PRUNE_CHUNK_ROWS)
      total.alerts += alerts
      if (!r.done || alerts >= PRUNE_CHUNK_ROWS) {
        setTimeout(step, PRUNE_PAUSE_MS).unref?.()
        return
      }
      this.pruning = false
      if (total.patterns + total.confluence + total.gaps + total.alerts > 0) {
        this.log('info', `retention: removed ${total.patterns} patterns, ${total.confluence} confluence events, ${total.gaps} gaps, ${total.alerts} alerts older than ${this.deps.config.retentionDays} days`)
      }
    }
    step()
  }

  private log(level: 'info' | 'warn' | 'error', msg: string): void {
    this.deps.post({ t: 'log', level, msg })
  }

  /** Drain: stop reading, flush pending writes and pushes, close the database. */
  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    for (const t of this.timers) clearInterval(t)
    // Write what is pending before anything that may take seconds (the reader's own shutdown).
    this.patternWriter.flushNow()
    this.confluenceWriter.flushNow()
    this.aggregates.flushNow()
    await this.deps.source.stop()
    if (this.openGap) this.store.closeGap(this.openGap.id, epochMs(this.now()))
    this.patternWriter.dispose()
    this.confluenceWriter.dispose()
    this.aggregates.dispose()
    await this.alerts.dispose()
    this.hub.flush()
    this.hub.dispose()
    await this.checkpointer?.stop()
    this.store.setMeta(LAST_ALIVE_KEY, String(this.now()))
    this.store.close()
    this.demoMarket?.close()
    this.dataLock?.release()
  }
}

/** An expected failure of a request (bad input the schema cannot see, a missing thing): answered as data. */
export class RequestError extends Error {
  constructor(
    readonly code: ContractError['code'],
    message: string,
    readonly fields?: Record<string, string>,
  ) {
    super(message)
  }
}

