/**
 * Domain types shared by the engine, the hosts and the renderer.
 * Pure TypeScript: no Node, no DOM.
 */

/** Milliseconds since the Unix epoch. Branded so seconds are never passed by mistake. */
export type EpochMs = number & { readonly __brand: 'EpochMs' }
export const epochMs = (n: number): EpochMs => n as EpochMs

export const TIERS = ['daily', 'intraday', 'combo'] as const
export type Tier = (typeof TIERS)[number]
export const isTier = (s: unknown): s is Tier => typeof s === 'string' && (TIERS as readonly string[]).includes(s)

export const PRIORITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const
export type Priority = (typeof PRIORITIES)[number]

/** Priority from confidence, as TickStockPL defines it (WIRE.md). */
export function priorityFor(confidence: number): Priority {
  if (confidence >= 0.9) return 'CRITICAL'
  if (confidence >= 0.8) return 'HIGH'
  if (confidence >= 0.7) return 'MEDIUM'
  return 'LOW'
}

export interface PatternLevel {
  /** entry | stop | target | support | resistance | other names as sent */
  type: string
  value: number
}

/** A pattern detection after normalization, before the tier processor stamps it. */
export interface NormalizedPattern {
  symbol: string
  /** Display name: canonical for known patterns (`Doji` for `doji`, `DojiPattern`), else as the producer spelled it. */
  pattern: string
  /** Normalized key: lower case, no `_`/spaces, no trailing `pattern`. */
  patternKey: string
  tier: Tier
  /** 0..1 */
  confidence: number
  priority: Priority
  detectedAt: EpochMs
  expiresAt: EpochMs | null
  timeframe: string | null
  price: number | null
  changePct: number | null
  relativeVolume: number | null
  relativeStrength: number | null
  levels: PatternLevel[]
  /** Redis channel (or `demo`) it arrived on. */
  channel: string
  flowId: string | null
  sessionId: string | null
}

/** A pattern event as the engine stores and serves it. */
export interface PatternEvent extends Omit<NormalizedPattern, 'expiresAt'> {
  /** Engine-assigned, strictly increasing; equals the SQLite rowid. */
  id: number
  receivedAt: EpochMs
  expiresAt: EpochMs
  /** Other tiers this symbol was seen in within the confluence window at arrival. */
  confluence: Tier[]
  /** The market as it stood when the event arrived; null for events stored before stamping existed. */
  market: PatternMarketStamp | null
}

/** The market state stamped on a pattern event at its arrival. */
export interface PatternMarketStamp {
  /** Regime on the last daily bar; null without market data. */
  regime: MarketRegime | null
  /** Risk-on/off score, -1..+1; null without market data. */
  risk: number | null
  /** The symbol's sector fund (XLK...) from the sector table (bundled + the trader's edits); null when unknown. */
  sector: string | null
  /** That sector's quadrant on the rotation graph; null when unknown. */
  quadrant: RotationQuadrant | null
  /** The pattern points the regime's way: bullish in Bull, bearish in Bear. Never in Consolidation. */
  aligned: boolean
}

export interface ConfluenceEvent {
  id: number
  symbol: string
  /** Tiers hit within the window, in tier order. */
  tiers: Tier[]
  /** The most recent event per tier that formed the confluence. */
  eventIds: number[]
  patterns: string[]
  at: EpochMs
  /** Mean confidence of the contributing events. */
  confidence: number
}

export interface Gap {
  from: EpochMs
  /** null while still disconnected */
  to: EpochMs | null
  reason: string
}

export type RedisState = 'disabled' | 'connecting' | 'ready' | 'reconnecting' | 'closed'

export interface StreamingHealthSmoothed {
  sessionId: string | null
  status: 'healthy' | 'warning' | 'critical' | 'unknown'
  activeSymbols: number | null
  ticksPerSecond: number | null
  patternsDetected: number | null
  indicatorsCalculated: number | null
  at: EpochMs
}

export interface SessionState {
  sessionId: string | null
  state: 'running' | 'stopped'
  startedAt: EpochMs | null
  stoppedAt: EpochMs | null
  symbolCount: number | null
  universe: string | null
  /** true when no session_started was seen and the session was inferred from health messages */
  inferred: boolean
}

export interface RejectSample {
  at: EpochMs
  channel: string
  reason: string
  detail: string
  /** The raw message, truncated. */
  raw: string
}

export interface ProducerAlert {
  at: EpochMs
  category: 'critical' | 'indicator' | 'monitoring'
  severity: string
  type: string
  message: string
  symbol: string | null
  component: string | null
}

export interface HealthReport {
  mode: 'live' | 'demo'
  now: EpochMs
  startedAt: EpochMs
  redis: {
    state: RedisState
    /** URL with any password removed. */
    url: string | null
    since: EpochMs
    reconnectAttempts: number
  }
  producer: {
    heartbeatAt: EpochMs | null
    ageMs: number | null
    online: boolean
  }
  session: SessionState | null
  streamingHealth: StreamingHealthSmoothed | null
  gaps: Gap[]
  rejected: { total: number; byReason: Record<string, number>; samples: RejectSample[] }
  ingest: {
    received: number
    patterns: number
    duplicates: number
    belowThreshold: number
    stored: number
    eventsPerSecond: number
    /** Events dropped because the store could not write for too long (its backlog is bounded). */
    storeDropped: number
    /** Events not pushed to a client that fell too far behind (it can page them from the store). */
    pushDropped: number
  }
  /** Messages read from Redis and not yet processed by the engine. */
  queueDepth: number
  /** Rows waiting to be written to SQLite. */
  storeBacklog: number
  recentAlerts: ProducerAlert[]
  /** The engine thread's heap and the process's resident set, bytes. */
  memory: { heapUsedBytes: number; rssBytes: number }
}

export interface TierPerformance {
  tier: Tier
  eventsPerMin: { m1: number; m15: number; h1: number }
  total: number
  meanConfidence: number | null
  /** 10 buckets: [0,0.1), [0.1,0.2) ... [0.9,1.0] */
  confidenceHistogram: number[]
  topPatterns: { pattern: string; patternKey: string; count: number }[]
  belowThreshold: number
  lastEventAt: EpochMs | null
  /** Producer-to-consumer lag from event timestamps, ms. */
  lagMs: { p50: number | null; p99: number | null }
  threshold: number
}

export interface PerformanceReport {
  tiers: Record<Tier, TierPerformance>
  rejected: Record<string, number>
  confluence: { total: number }
  generatedAt: EpochMs
}

// ---------------------------------------------------------------- bars

export const BAR_TIMEFRAMES = ['1m', '5m', '15m', '1h', '1D', '1W'] as const
export type BarTimeframe = (typeof BAR_TIMEFRAMES)[number]
export const BAR_TIMEFRAME_MS: Record<BarTimeframe, number> = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '1D': 86_400_000, '1W': 7 * 86_400_000 }

export interface Bar {
  /** Bar start. Daily bars start at 00:00 New York time of their session. */
  time: EpochMs
  open: number
  high: number
  low: number
  close: number
  volume: number
}

export interface BarSeries {
  symbol: string
  timeframe: BarTimeframe
  bars: Bar[]
  /** Where the bars come from; `none` when no source covers the symbol (yet). */
  source: 'demo' | 'store' | 'none'
  /** The exchange time zone the chart shows. */
  timezone: 'America/New_York'
}

// ---------------------------------------------------------------- layouts and preferences

export interface LayoutSummary {
  name: string
  /** Layout format version the renderer wrote it with. */
  version: number
  updatedAt: EpochMs
}

export interface SavedLayout extends LayoutSummary {
  /** Opaque to the engine: the renderer's docking state (validated on load by the renderer). */
  config: unknown
}

export interface Prefs {
  theme: 'dark' | 'light'
  /** The layout restored at start-up; null: the default layout. */
  currentLayout: string | null
}

// ---------------------------------------------------------------- market state (ETFs)

export type MarketRegime = 'Bull' | 'Bear' | 'Consolidation'
export const MARKET_PERIODS = ['1D', '5D', '1M', '3M', 'YTD', '1Y'] as const
export type MarketPeriod = (typeof MARKET_PERIODS)[number]
export type RotationQuadrant = 'Leading' | 'Weakening' | 'Lagging' | 'Improving'
/** The SPDR sector funds: the rotation graph's sectors and the sector table's values. */
export const SECTOR_FUNDS = ['XLK', 'XLV', 'XLF', 'XLE', 'XLY', 'XLP', 'XLI', 'XLU', 'XLB', 'XLRE', 'XLC'] as const
export type SectorFund = (typeof SECTOR_FUNDS)[number]

/** GICS sector names of the sector funds. */
export const SECTOR_NAMES: Readonly<Record<SectorFund, string>> = Object.freeze({
  XLK: 'Technology',
  XLV: 'Health Care',
  XLF: 'Financials',
  XLE: 'Energy',
  XLY: 'Consumer Discretionary',
  XLP: 'Consumer Staples',
  XLI: 'Industrials',
  XLU: 'Utilities',
  XLB: 'Materials',
  XLRE: 'Real Estate',
  XLC: 'Communication Services',
})

export function isSectorFund(s: string): s is SectorFund {
  return (SECTOR_FUNDS as readonly string[]).includes(s)
}

/** Sector name of a sector fund (XLK -> Technology), else null. */
export function sectorName(fund: string): string | null {
  return isSectorFund(fund) ? SECTOR_NAMES[fund] : null
}

export interface EtfSnapshot {
  symbol: string
  /** Sector name for the sector funds (XLK: Technology...), else null. */
  sector: string | null
  close: number
  /** Trading date of the last daily bar, YYYY-MM-DD. */
  asOf: string
  /** Fractions (0.012 = +1.2%); null when there is not enough history. */
  returns: Record<MarketPeriod, number | null>
  /** Today's change from the 1-minute bars while the session is open, else null. */
  intraday: number | null
  trend: { aboveSma50: boolean | null; aboveSma200: boolean | null; sma50Slope: number | null; sma200Slope: number | null }
  volatility: { realized20: number | null; percentile: number | null }
  /** From the 52-week high, <= 0. */
  drawdown: number | null
  /** Against SPY over ~3 months (1 = in line). */
  relativeStrength: number | null
}

export interface MarketKeyLevels {
  symbol: string
  support: number[]
  resistance: number[]
  high52: number | null
  low52: number | null
}

export interface MarketState {
  /** False when the bar store has no daily bars for SPY; `reason` says what to do. */
  available: boolean
  reason: string | null
  /** True when the bars are the built-in demo market's (synthetic: demo mode with no imported bars). */
  demo: boolean
  asOf: string | null
  regime: { label: MarketRegime; confidence: number; since: string } | null
  risk: { score: number; components: { name: string; value: number | null }[] } | null
  breadth: { above50: number | null; above200: number | null } | null
  keyLevels: MarketKeyLevels[]
  /** The most recent regime changes, newest last. */
  regimeChanges: { date: string; from: MarketRegime | null; to: MarketRegime }[]
}

export interface SectorRotation {
  symbol: string
  sector: string
  rsRatio: number | null
  rsMomentum: number | null
  quadrant: RotationQuadrant | null
  /** Recent weekly points, oldest first. */
  tail: { date: string; rsRatio: number; rsMomentum: number }[]
  returns: Record<MarketPeriod, number | null>
}

export const ROTATION_QUADRANTS = ['Leading', 'Weakening', 'Lagging', 'Improving'] as const satisfies readonly RotationQuadrant[]

/** A stretch of days with one regime (for a regime band on a chart). */
export interface RegimePeriod {
  /** First and last trading day, YYYY-MM-DD. */
  from: string
  to: string
  regime: MarketRegime
  /** Mean confidence over the stretch, 0..1. */
  confidence: number
}

/** A regime change as stored (one row per change, kept across restarts). */
export interface RegimeChangeEvent {
  date: string
  from: MarketRegime | null
  to: MarketRegime
  confidence: number
  /** When the terminal first saw it. */
  recordedAt: EpochMs
}

export type MarketPulseCause = 'daily' | 'intraday' | 'sectors'

/** Pushed on the `market` topic whenever the market state changes (at most once a second). */
export interface MarketPulse {
  /** Increases with every change; panels refetch when it moves. */
  version: number
  asOf: string | null
  regime: MarketRegime | null
  risk: number | null
  /** What changed since the previous push (several when they came within the same second): new daily bars, 1-minute bars (intraday figures), the sector table. */
  causes: MarketPulseCause[]
  at: EpochMs
}

export interface SectorTableEntry {
  symbol: string
  /** Sector fund, e.g. XLK. */
  fund: string
  source: 'bundled' | 'user'
}
