/**
 * A deterministic TickStockPL simulator: every message shape WIRE.md documents,
 * at a configurable detection rate, with the producer's quirks switchable.
 *
 * Pure: no I/O, no timers, no clock. Time is passed in. Every message is
 * generated at a scheduled simulated time and its content depends only on the
 * seed and that time, so the concatenated output of any sequence of `advance`
 * calls reaching the same time is byte-identical for the same seed.
 *
 * Guarantee a consumer's dedupe can rely on: two distinct detections never
 * share (symbol, pattern, detection millisecond). The only duplicates are the
 * deliberate ones (>= 0.8 streaming detections re-published on the detected
 * channel), counted in `stats.duplicates`.
 */
import { CHANNELS, PIPELINE_STAGES } from '../ingest/channels'
import { mulberry32 } from './prng'
import { buildUniverse } from './universe'

export const QUIRKS = ['aliases', 'double_nesting', 'timestamps', 'percent_confidence', 'junk', 'health_flaps', 'missing_session_started'] as const
export type Quirk = (typeof QUIRKS)[number]

/** `all` | `none` | a comma list (`aliases,junk`). Throws an Error naming an unknown quirk. */
export function parseQuirks(spec: string): Set<Quirk> {
  const s = spec.trim().toLowerCase()
  if (s === 'all') return new Set(QUIRKS)
  if (s === 'none' || s === '') return new Set()
  const out = new Set<Quirk>()
  for (const raw of s.split(',')) {
    const q = raw.trim()
    if (q === '') continue
    if (!(QUIRKS as readonly string[]).includes(q)) throw new Error(`unknown quirk "${q}" (known: ${QUIRKS.join(', ')}, or all / none)`)
    out.add(q as Quirk)
  }
  return out
}

export interface SimOptions {
  /** Pattern detections per second (all tiers, bursts and batches included). 0 = none. */
  rate: number
  /** Size of the symbol universe (real tickers first, then generated ones). */
  symbols: number
  quirks: Set<Quirk>
  seed: number
  /** A symbol's starting price when the caller knows it (the demo market's funds), else the universe's reference price. */
  referencePrice?: (symbol: string) => number | null
}

export interface WireMessage {
  channel: string
  message: string
}

export type SimTier = 'daily' | 'intraday' | 'combo'

export interface SimStats {
  /** Distinct pattern detections (a detection inside a batch counts once; duplicates not counted). */
  detections: number
  /** Every message emitted, on any channel. */
  messages: number
  byTier: Record<SimTier, number>
  /** Re-publications of >= 0.8 streaming detections on the detected channel. */
  duplicates: number
  junk: number
  batches: number
}

// ---------------------------------------------------------------------------
// Pattern catalogue: names from WIRE.md, typical confidence ranges, which
// tiers produce them (relative weights) and the spellings other producer
// versions used.

interface PatternSpec {
  name: string
  lo: number
  hi: number
  /** relative weights: intraday, daily, combo */
  w: readonly [number, number, number]
  aliases?: readonly string[]
}

const PATTERNS: readonly PatternSpec[] = [
  { name: 'Doji', lo: 0.5, hi: 0.9, w: [8, 6, 0], aliases: ['DojiPattern', 'doji'] },
  { name: 'Hammer', lo: 0.6, hi: 0.9, w: [7, 5, 0], aliases: ['HammerPattern', 'hammer'] },
  { name: 'HangingMan', lo: 0.55, hi: 0.9, w: [3, 3, 0] },
  { name: 'ShootingStar', lo: 0.55, hi: 0.9, w: [3, 3, 0] },
  { name: 'BullishEngulfing', lo: 0.6, hi: 0.95, w: [5, 5, 1], aliases: ['Bullish_Engulfing', 'BullishEngulfingPattern'] },
  { name: 'BearishEngulfing', lo: 0.6, hi: 0.95, w: [4, 4, 1], aliases: ['bearish_engulfing'] },
  { name: 'Harami', lo: 0.55, hi: 0.85, w: [0, 3, 0] },
  { name: 'MorningStar', lo: 0.6, hi: 0.95, w: [0, 2, 0] },
  { name: 'EveningStar', lo: 0.6, hi: 0.95, w: [0, 2, 0] },
  { name: 'ThreeWhiteSoldiers', lo: 0.65, hi: 0.95, w: [0, 2, 0] },
  { name: 'ThreeBlackCrows', lo: 0.65, hi: 0.95, w: [0, 2, 0] },
  { name: 'PiercingLine', lo: 0.6, hi: 0.9, w: [0, 2, 0] },
  { name: 'DarkCloudCover', lo: 0.6, hi: 0.9, w: [0, 2, 0] },
  { name: 'HeadAndShoulders', lo: 0.8, hi: 1.0, w: [0, 2, 1], aliases: ['Head_And_Shoulders', 'HeadAndShouldersPattern'] },
  { name: 'InverseHeadAndShoulders', lo: 0.8, hi: 1.0, w: [0, 2, 1] },
  { name: 'DoubleBottom', lo: 0.7, hi: 0.95, w: [0, 3, 1] },
  { name: 'MACrossover', lo: 0.6, hi: 0.9, w: [4, 3, 1], aliases: ['MA_Crossover'] },
  { name: 'HighOfDay', lo: 0.6, hi: 0.95, w: [6, 0, 0] },
  { name: 'LowOfDay', lo: 0.6, hi: 0.95, w: [5, 0, 0] },
  { name: 'TrendingUp', lo: 0.55, hi: 0.9, w: [5, 0, 0] },
  { name: 'TrendingDown', lo: 0.55, hi: 0.9, w: [4, 0, 0] },
  { name: 'MinuteTrend', lo: 0.55, hi: 0.85, w: [4, 0, 0] },
  { name: 'MomentumSpike', lo: 0.65, hi: 0.95, w: [4, 0, 1] },
  { name: 'Day1Breakout', lo: 0.6, hi: 1.0, w: [4, 0, 3], aliases: ['Day1_Breakout'] },
  { name: 'WeeklyBO', lo: 0.6, hi: 1.0, w: [0, 4, 4], aliases: ['Weekly_Breakout', 'WeeklyBreakout'] },
  { name: 'MultiDayBreakout', lo: 0.6, hi: 1.0, w: [0, 3, 3], aliases: ['Multi_Day_Breakout'] },
  { name: 'SRBreakout', lo: 0.6, hi: 1.0, w: [2, 3, 3] },
  { name: 'BullFlag', lo: 0.6, hi: 0.95, w: [2, 3, 2], aliases: ['Bull_Flag'] },
  { name: 'Triangle', lo: 0.55, hi: 0.9, w: [0, 2, 1] },
  { name: 'VolumeSpike', lo: 0.7, hi: 1.0, w: [6, 0, 3], aliases: ['volume_spike', 'VolumeSpikePattern'] },
  { name: 'IntradayGap', lo: 0.6, hi: 0.95, w: [2, 0, 1] },
  { name: 'GapFill', lo: 0.6, hi: 0.9, w: [2, 0, 0] },
  { name: 'VWAP_Break', lo: 0.6, hi: 1.0, w: [3, 0, 2] },
  { name: 'SwingHighLow', lo: 0.55, hi: 0.9, w: [2, 1, 0] },
  { name: 'PriceChange', lo: 0.55, hi: 0.9, w: [3, 0, 0] },
]
const NPAT = PATTERNS.length
/** Combo = a daily setup confirmed intraday: always 0.7-1.0. */
const COMBO_LO = 0.7
const COMBO_HI = 1.0

/** The canonical name and every alias, for tests and tools. */
export const SIM_PATTERN_NAMES: readonly { name: string; aliases: readonly string[] }[] = PATTERNS.map((p) => ({ name: p.name, aliases: p.aliases ?? [] }))

function weightedTable(tierIdx: 0 | 1 | 2): Uint8Array {
  const idx: number[] = []
  PATTERNS.forEach((p, i) => {
    for (let k = 0; k < p.w[tierIdx]; k++) idx.push(i)
  })
  return Uint8Array.from(idx)
}
const TABLE_INTRADAY = weightedTable(0)
const TABLE_DAILY = weightedTable(1)
const TABLE_COMBO = weightedTable(2)

const INDICATOR_ALERTS = ['RSI_OVERBOUGHT', 'RSI_OVERSOLD', 'MACD_BULLISH_CROSS', 'MACD_BEARISH_CROSS', 'BB_UPPER_BREAK', 'BB_LOWER_BREAK'] as const
const ERROR_KINDS: readonly (readonly [string, string, string, string])[] = [
  // category, component, severity, message
  ['database', 'pattern_repository', 'error', 'could not write detection batch: connection reset by peer'],
  ['network', 'massive_websocket', 'warning', 'websocket reconnect after 3 missed heartbeats'],
  ['data_quality', 'bar_aggregator', 'warning', 'out-of-order minute bar dropped'],
  ['processing', 'pattern_engine', 'error', 'pattern detector raised ValueError: array must not be empty'],
  ['redis', 'event_publisher', 'error', 'publish timed out after 500 ms'],
]
const CRITICAL_KINDS: readonly (readonly [string, string])[] = [
  ['massive_websocket', 'Market data feed disconnected: no ticks for 30 s'],
  ['database', 'TimescaleDB connection pool exhausted'],
  ['pattern_engine', 'Pattern detection latency above 5 s for 60 s'],
]
const MONITOR_ALERTS: readonly (readonly [string, string])[] = [
  ['event_publisher', 'Redis publish latency p99 above 50 ms'],
  ['pattern_engine', 'Detection queue depth above 1000'],
  ['bar_aggregator', 'Tick rate dropped 60% below the 15-minute average'],
]

// Process slots in the scheduler. Ties at the same time fire in slot order.
const P_DETECT = 0
const P_BURST = 1
const P_BATCH = 2
const P_INDICATOR = 3
const P_IND_ALERT = 4
const P_STREAM_HEALTH = 5
const P_SYS_HEALTH = 6
const P_MONITORING = 7
const P_MON_ALERT = 8
const P_ERROR = 9
const P_CRITICAL = 10
const P_JUNK = 11
const P_PIPELINE = 12
const P_PENDING = 13
const NPROC = 14

/** Shares of the detection rate. The rest is the Poisson base stream. */
const BURST_SHARE = 0.05
const BATCH_SHARE = 0.04
const BURST_SPAN_MS = 400
const DAY_MS = 86_400_000

/** Tier of a base detection. */
const T_INTRADAY = 0
const T_DAILY = 1
const T_COMBO = 2
const TIER_NAMES: readonly SimTier[] = ['intraday', 'daily', 'combo']

const HEX = '0123456789abcdef'

interface Pending {
  at: number
  channel: string
  message: string
}

export class TickStockSimulator {
  readonly stats: SimStats = { detections: 0, messages: 0, byTier: { daily: 0, intraday: 0, combo: 0 }, duplicates: 0, junk: 0, batches: 0 }

  private readonly rand: () => number
  private readonly q: {
    aliases: boolean
    nesting: boolean
    timestamps: boolean
    percent: boolean
    junk: boolean
    flaps: boolean
    noStart: boolean
  }
  private readonly symbols: string[]
  /** JSON-quoted symbols, built once. */
  private readonly symbolsJson: string[]
  private readonly prices: Float64Array
  private readonly opens: Float64Array
  /** Last detection ms per (symbol, pattern): keeps detections distinct and monotonic per pair. */
  private readonly lastDet: Float64Array
  private readonly namesJson: string[]
  private readonly aliasesJson: string[][]

  private readonly next = new Float64Array(NPROC)
  private readonly startMs: number
  private lastMs: number
  private readonly sessionId: string
  private readonly sessionIdJson: string
  private readonly universe: string
  private sessionStartedAt: number
  private stopped = false

  // rate-derived parameters
  private readonly baseRatePerMs: number
  private readonly burstSize: number
  private readonly burstMeanMs: number
  private readonly batchMeanMs: number
  private readonly indicatorRatePerMs: number
  private burstLeft = 0
  private burstStepMs = 0

  // counters that go into health and session totals
  private intradayCount = 0
  private indicators = 0
  private healthReports = 0
  private monitoringCycle = 0
  private criticalUntil = -Infinity
  private readonly pending: Pending[] = []

  constructor(opts: SimOptions, startMs: number) {
    if (!(opts.rate >= 0) || !Number.isFinite(opts.rate)) throw new Error(`rate must be a finite number >= 0, got ${opts.rate}`)
    if (!(opts.symbols >= 1)) throw new Error(`symbols must be >= 1, got ${opts.symbols}`)
    this.rand = mulberry32(opts.seed)
    const qs = opts.quirks
    this.q = {
      aliases: qs.has('aliases'),
      nesting: qs.has('double_nesting'),
      timestamps: qs.has('timestamps'),
      percent: qs.has('percent_confidence'),
      junk: qs.has('junk'),
      flaps: qs.has('health_flaps'),
      noStart: qs.has('missing_session_started'),
    }
    const u = buildUniverse(opts.symbols, opts.seed)
    this.symbols = u.symbols
    this.symbolsJson = u.symbols.map((s) => JSON.stringify(s))
    if (opts.referencePrice) {
      for (let i = 0; i < u.symbols.length; i++) {
        const p = opts.referencePrice(u.symbols[i] as string)
        if (p !== null && p > 0) u.prices[i] = p
      }
    }
    this.opens = u.prices
    this.prices = Float64Array.from(u.prices)
    this.lastDet = new Float64Array(u.symbols.length * NPAT).fill(-1)
    this.namesJson = PATTERNS.map((p) => JSON.stringify(p.name))
    this.aliasesJson = PATTERNS.map((p) => (p.aliases ?? []).map((a) => JSON.stringify(a)))

    this.startMs = startMs
    this.lastMs = startMs
    this.sessionStartedAt = startMs
    this.sessionId = `streaming_${compactStamp(startMs)}_${this.hex(6)}`
    this.sessionIdJson = JSON.stringify(this.sessionId)
    this.universe = `market_leaders:top_${this.symbols.length}`

    const rate = opts.rate
    this.baseRatePerMs = (rate * (1 - BURST_SHARE - BATCH_SHARE)) / 1000
    // A burst is ~40 patterns in 0.4 s (observed); at high rates it doubles the rate for 0.4 s.
    this.burstSize = Math.max(40, Math.round(rate * 0.8))
    this.burstMeanMs = rate > 0 ? (this.burstSize / (rate * BURST_SHARE)) * 1000 : Infinity
    this.batchMeanMs = rate > 0 ? (6.5 / (rate * BATCH_SHARE)) * 1000 : Infinity
    // Indicators: ~3 per symbol per minute, independent of the pattern rate.
    this.indicatorRatePerMs = (this.symbols.length * 3) / 60_000

    const n = this.next
    n[P_DETECT] = this.baseRatePerMs > 0 ? startMs + this.expo(this.baseRatePerMs) : Infinity
    n[P_BURST] = rate > 0 ? startMs + this.burstMeanMs * (0.25 + 0.75 * this.rand()) : Infinity
    n[P_BATCH] = rate > 0 ? startMs + this.batchMeanMs * (0.1 + 0.9 * this.rand()) : Infinity
    n[P_INDICATOR] = startMs + this.expo(this.indicatorRatePerMs)
    n[P_IND_ALERT] = startMs + 8000 * this.rand()
    n[P_STREAM_HEALTH] = startMs + 10_000
    n[P_SYS_HEALTH] = startMs + 30_000
    n[P_MONITORING] = startMs + 15_000
    n[P_MON_ALERT] = startMs + 200_000 * (0.2 + 0.6 * this.rand())
    n[P_ERROR] = startMs + 150_000 * (0.2 + 0.6 * this.rand())
    n[P_CRITICAL] = startMs + 300_000 * (0.2 + 0.6 * this.rand())
    n[P_JUNK] = this.q.junk ? startMs + 5000 + 15_000 * this.rand() : Infinity
    n[P_PIPELINE] = startMs + 60_000 + 120_000 * this.rand()
    n[P_PENDING] = Infinity
  }

  /** The session_started message (none with the `missing_session_started` quirk). */
  start(nowMs: number): WireMessage[] {
    this.sessionStartedAt = nowMs
    if (this.q.noStart) return []
    const t = Math.floor(nowMs)
    const out: WireMessage[] = []
    this.push(
      out,
      CHANNELS.sessionStarted,
      `{"type":"streaming_session_started","session":{"session_id":${this.sessionIdJson},"universe":"${this.universe}","started_at":${secs(t)},"symbol_count":${this.symbols.length},"status":"running"},"timestamp":${secs(t)}}`,
    )
    return out
  }

  /** Every message due after the previous call, up to and including `nowMs`, in time order. */
  advance(nowMs: number): WireMessage[] {
    const out: WireMessage[] = []
    if (this.stopped) return out
    const n = this.next
    for (;;) {
      let best = 0
      let bt = n[0]!
      for (let i = 1; i < NPROC; i++) {
        const v = n[i]!
        if (v < bt) {
          bt = v
          best = i
        }
      }
      if (!(bt <= nowMs)) break
      this.fire(best, bt, out)
    }
    if (nowMs > this.lastMs) this.lastMs = nowMs
    return out
  }

  /** Everything still due up to `nowMs`, then session_stopped with the totals. Later calls emit nothing. */
  stop(nowMs: number): WireMessage[] {
    if (this.stopped) return []
    const out = this.advance(nowMs)
    this.stopped = true
    const t = Math.floor(nowMs)
    const duration = Math.max(0, Math.round((nowMs - this.sessionStartedAt) / 1000))
    this.push(
      out,
      CHANNELS.sessionStopped,
      `{"type":"streaming_session_stopped","session":{"session_id":${this.sessionIdJson},"universe":"${this.universe}","started_at":${secs(Math.floor(this.sessionStartedAt))},"stopped_at":${secs(t)},"duration_seconds":${duration},"symbol_count":${this.symbols.length},"total_patterns":${this.stats.detections},"total_indicators":${this.indicators},"final_status":"completed"},"timestamp":${secs(t)}}`,
    )
    return out
  }

  /** Value for `tickstock:producer:heartbeat`: epoch seconds as a float string, like Python's time.time(). */
  heartbeat(nowMs: number): string {
    return (nowMs / 1000).toFixed(3)
  }

  /** The symbols of this run, in universe order. */
  get universeSymbols(): readonly string[] {
    return this.symbols
  }

  // -------------------------------------------------------------------------

  private push(out: WireMessage[], channel: string, message: string): void {
    out.push({ channel, message })
    this.stats.messages++
  }

  private fire(proc: number, t: number, out: WireMessage[]): void {
    const n = this.next
    switch (proc) {
      case P_DETECT: {
        this.baseDetection(t, out)
        n[P_DETECT] = t + this.expo(this.baseRatePerMs)
        return
      }
      case P_BURST: {
        if (this.burstLeft === 0) {
          this.burstLeft = this.burstSize
          this.burstStepMs = BURST_SPAN_MS / this.burstSize
        }
        this.streamingDetection(t, out)
        this.burstLeft--
        n[P_BURST] = this.burstLeft > 0 ? t + this.burstStepMs : t + this.burstMeanMs * (0.5 + this.rand())
        return
      }
      case P_BATCH: {
        if (this.rand() < 0.6) this.streamingBatch(t, out)
        else this.dailyBatch(t, out)
        n[P_BATCH] = t + this.batchMeanMs * (0.5 + this.rand())
        return
      }
      case P_INDICATOR: {
        this.indicator(t, out)
        n[P_INDICATOR] = t + this.expo(this.indicatorRatePerMs)
        return
      }
      case P_IND_ALERT: {
        this.indicatorAlert(t, out)
        n[P_IND_ALERT] = t + 8000 * (0.5 + this.rand())
        return
      }
      case P_STREAM_HEALTH: {
        this.streamingHealth(t, out)
        n[P_STREAM_HEALTH] = t + 10_000
        return
      }
      case P_SYS_HEALTH: {
        this.systemHealth(t, out)
        n[P_SYS_HEALTH] = t + 30_000
        return
      }
      case P_MONITORING: {
        this.monitoring(t, out)
        n[P_MONITORING] = t + 15_000
        return
      }
      case P_MON_ALERT: {
        this.monitoringAlert(t)
        n[P_MON_ALERT] = t + 200_000 * (0.5 + this.rand())
        return
      }
      case P_ERROR: {
        this.errorRecord(t, out)
        n[P_ERROR] = t + 150_000 * (0.5 + this.rand())
        return
      }
      case P_CRITICAL: {
        this.criticalAlert(t)
        n[P_CRITICAL] = t + 300_000 * (0.5 + this.rand())
        return
      }
      case P_JUNK: {
        this.junk(t, out)
        n[P_JUNK] = t + 30_000 * (0.5 + this.rand())
        return
      }
      case P_PIPELINE: {
        this.pipelineRun(t)
        n[P_PIPELINE] = t + 600_000 * (0.9 + 0.2 * this.rand())
        return
      }
      case P_PENDING: {
        const p = this.pending.shift()!
        this.push(out, p.channel, p.message)
        n[P_PENDING] = this.pending[0]?.at ?? Infinity
        return
      }
    }
  }

  private schedule(at: number, channel: string, message: string): void {
    const list = this.pending
    let i = list.length
    while (i > 0 && list[i - 1]!.at > at) i--
    list.splice(i, 0, { at, channel, message })
    this.next[P_PENDING] = list[0]!.at
  }

  // --- random helpers ------------------------------------------------------

  /** Exponential inter-arrival for a Poisson process with `ratePerMs`. */
  private expo(ratePerMs: number): number {
    if (!(ratePerMs > 0)) return Infinity
    return -Math.log(1 - this.rand()) / ratePerMs
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.rand() * (hi - lo + 1))
  }

  private hex(len: number): string {
    let s = ''
    for (let i = 0; i < len; i++) s += HEX[Math.floor(this.rand() * 16)]
    return s
  }

  private uuid(): string {
    return `${this.hex(8)}-${this.hex(4)}-4${this.hex(3)}-${HEX[8 + Math.floor(this.rand() * 4)]}${this.hex(3)}-${this.hex(12)}`
  }

  /** Active names trade more: skewed towards the ETFs and large caps at the front. */
  private pickSymbol(): number {
    const r = this.rand()
    return Math.floor(this.symbols.length * r * r)
  }

  // --- detection scratch: filled by `detect`, read by the shape builders ----
  // (fields instead of a returned object: no allocation per detection)

  private dSym = 0
  private dPat = 0
  private dConfK = 0
  private dMs = 0
  private dPubMs = 0
  private dExpMs = 0
  private dTier = 0
  private dNameJson = ''
  private dConfJson = ''
  private dTsJson = ''

  /**
   * Pick symbol and pattern for a detection of `tier` published at `t`, move
   * the symbol's price, and fill the scratch fields. Counts the detection.
   */
  private detect(t: number, tier: number): void {
    const table = tier === T_INTRADAY ? TABLE_INTRADAY : tier === T_DAILY ? TABLE_DAILY : TABLE_COMBO
    const pat = table[Math.floor(this.rand() * table.length)]!
    const pubMs = Math.floor(t)
    // Intraday detections reach Redis within ~150 ms of the bar event; batch tiers a little later.
    const lag = tier === T_INTRADAY ? this.int(5, 150) : this.int(20, 400)
    const detMs = pubMs - lag
    const nsym = this.symbols.length
    let sym = this.pickSymbol()
    for (let tries = 0; tries < nsym && this.lastDet[sym * NPAT + pat]! >= detMs; tries++) sym = sym + 1 === nsym ? 0 : sym + 1
    this.lastDet[sym * NPAT + pat] = detMs

    const spec = PATTERNS[pat]!
    const lo = tier === T_COMBO ? COMBO_LO : spec.lo
    const hi = tier === T_COMBO ? COMBO_HI : spec.hi
    // Skewed towards the low end of the range, as real confidences are.
    const u = this.rand()
    const confK = Math.round(100 * (lo + (hi - lo) * u * (0.6 + 0.4 * u)))

    // Random walk the price: +-0.2% per detection, floored.
    const p0 = this.prices[sym]!
    const p = Math.max(0.5, p0 * (1 + (this.rand() - 0.5) * 0.004))
    this.prices[sym] = p

    this.dSym = sym
    this.dPat = pat
    this.dConfK = confK
    this.dMs = detMs
    this.dPubMs = pubMs
    this.dTier = tier
    this.dExpMs =
      tier === T_INTRADAY
        ? detMs + this.int(1, 4) * 3_600_000
        : tier === T_DAILY
          ? detMs + this.int(7, 30) * DAY_MS
          : endOfTradingDay(detMs)

    const aliases = this.aliasesJson[pat]!
    this.dNameJson = this.q.aliases && aliases.length > 0 && this.rand() < 0.35 ? aliases[Math.floor(this.rand() * aliases.length)]! : this.namesJson[pat]!
    this.dConfJson = this.q.percent && this.rand() < 0.3 ? String(confK) : String(confK / 100)
    this.dTsJson = this.detectionTimestamp(detMs)

    this.stats.detections++
    this.stats.byTier[TIER_NAMES[tier]!]++
    if (tier === T_INTRADAY) this.intradayCount++
  }

  /** Epoch seconds; with the `timestamps` quirk also epoch ms, ISO Z, +00:00 and naive ISO. */
  private detectionTimestamp(ms: number): string {
    if (!this.q.timestamps) return secs(ms)
    const r = this.rand()
    if (r < 0.4) return secs(ms)
    if (r < 0.55) return String(ms)
    const iso = new Date(ms).toISOString()
    if (r < 0.7) return `"${iso}"`
    if (r < 0.85) return `"${iso.slice(0, -1)}+00:00"`
    return `"${iso.slice(0, -1)}"`
  }

  private priceJson(): string {
    return this.prices[this.dSym]!.toFixed(2)
  }

  private changeJson(): string {
    const s = ((this.prices[this.dSym]! / this.opens[this.dSym]! - 1) * 100).toFixed(2)
    return s === '-0.00' ? '0.00' : s
  }

  private indicatorsJson(): string {
    return `{"relative_strength":${(0.6 + this.rand() * 1.2).toFixed(2)},"relative_volume":${(0.5 + this.rand() * this.rand() * 4).toFixed(2)},"rsi":${(25 + this.rand() * 55).toFixed(1)}}`
  }

  // --- detection streams ---------------------------------------------------

  private baseDetection(t: number, out: WireMessage[]): void {
    const r = this.rand()
    const tier = r < 0.8 ? T_INTRADAY : r < 0.92 ? T_DAILY : T_COMBO
    const s = this.rand()
    if (tier === T_INTRADAY) {
      if (s < 0.86) return this.streamingDetection(t, out)
      this.detect(t, tier)
      if (s < 0.94) this.canonical(out)
      else this.flat(out)
    } else if (tier === T_DAILY) {
      this.detect(t, tier)
      if (s < 0.52) this.canonical(out)
      else if (s < 0.9) this.dailyEnvelope(out)
      else this.flat(out)
    } else {
      this.detect(t, tier)
      this.canonical(out)
    }
  }

  /** The detection object of a streaming message, from the scratch fields. */
  private streamingBody(): string {
    const c = this.prices[this.dSym]!
    const o = c * (1 + (this.rand() - 0.5) * 0.003)
    const h = Math.max(o, c) * (1 + this.rand() * 0.001)
    const l = Math.min(o, c) * (1 - this.rand() * 0.001)
    const v = Math.floor(500 + this.rand() * this.rand() * 250_000)
    return `{"pattern":${this.dNameJson},"symbol":${this.symbolsJson[this.dSym]},"confidence":${this.dConfJson},"timestamp":${this.dTsJson},"timeframe":"1min","bar_data":{"open":${o.toFixed(2)},"high":${h.toFixed(2)},"low":${l.toFixed(2)},"close":${c.toFixed(2)},"volume":${v}},"metadata":{"session_id":${this.sessionIdJson}}}`
  }

  /** One intraday streaming detection; >= 0.8 also re-published on the detected channel. */
  private streamingDetection(t: number, out: WireMessage[]): void {
    this.detect(t, T_INTRADAY)
    const msg = `{"type":"streaming_pattern","detection":${this.streamingBody()}}`
    this.push(out, CHANNELS.streamingPatterns, msg)
    if (this.dConfK >= 80) {
      this.push(out, CHANNELS.detectedPatterns, msg)
      this.stats.duplicates++
    }
  }

  private nameField(): string {
    const r = this.rand()
    return r < 0.07 ? 'pattern_name' : r < 0.12 ? 'pattern_type' : 'pattern'
  }

  /** `{event_type, source, timestamp, data:{...}}` on the main channel; double-nested with the quirk. */
  private canonical(out: WireMessage[]): void {
    const tier = this.dTier
    let sourceAndTier: string
    let nestedTier: string
    if (tier === T_COMBO) {
      const a = this.rand() < 0.5
      sourceAndTier = a ? '"source":"daily_intraday"' : '"source":"combo","tier":"combo"'
      nestedTier = a ? 'daily_intraday' : 'combo'
    } else {
      sourceAndTier = tier === T_DAILY ? '"source":"daily"' : '"source":"intraday"'
      nestedTier = TIER_NAMES[tier]!
    }
    const body = `"symbol":${this.symbolsJson[this.dSym]},"${this.nameField()}":${this.dNameJson},"confidence":${this.dConfJson},"current_price":${this.priceJson()},"price_change":${this.changeJson()},"timestamp":${this.dTsJson},"expires_at":${secs(this.dExpMs)},"indicators":${this.indicatorsJson()}`
    const flow = this.uuid()
    let msg: string
    if (this.q.nesting && this.rand() < 0.3) {
      const iso = new Date(this.dPubMs).toISOString()
      const tierJson = nestedTier === 'daily_intraday' ? '"source":"daily_intraday","tier":"combo"' : `"tier":"${nestedTier}"`
      msg = `{"event_type":"pattern_detected","source":"TickStockPL","timestamp":"${iso}","data":{${tierJson},"flow_id":"${flow}","data":{${body},${sourceAndTier}}}}`
    } else {
      msg = `{"event_type":"pattern_detected","source":"TickStockPL","timestamp":${secs(this.dPubMs)},"data":{${body},${sourceAndTier},"flow_id":"${flow}"}}`
    }
    this.push(out, CHANNELS.patterns, msg)
  }

  /** Flat: name, symbol, confidence and details at the top level. */
  private flat(out: WireMessage[]): void {
    const tf = this.dTier === T_INTRADAY ? '1min' : '1day'
    const src = TIER_NAMES[this.dTier]!
    this.push(
      out,
      CHANNELS.patterns,
      `{"${this.nameField()}":${this.dNameJson},"symbol":${this.symbolsJson[this.dSym]},"confidence":${this.dConfJson},"timestamp":${this.dTsJson},"source":"${src}","details":{"timeframe":"${tf}","current_price":${this.priceJson()},"price_change":${this.changeJson()},"expires_at":${secs(this.dExpMs)},"indicators":${this.indicatorsJson()}}}`,
    )
  }

  /** Daily-batch envelope on the detected channel. */
  private dailyEnvelope(out: WireMessage[]): void {
    const p = this.prices[this.dSym]!
    const stop = p * (0.94 + this.rand() * 0.04)
    const target = p * (1.04 + this.rand() * 0.08)
    const support = p * (0.95 + this.rand() * 0.03)
    const resistance = p * (1.02 + this.rand() * 0.05)
    const iso = new Date(this.dMs).toISOString()
    this.push(
      out,
      CHANNELS.detectedPatterns,
      `{"event":"pattern_detected","timestamp":"${iso}","source":"pattern_detection_engine","version":"1.0","payload":{"symbol":${this.symbolsJson[this.dSym]},"pattern":${this.dNameJson},"timeframe":"1day","confidence":${this.dConfJson},"pattern_data":{"entry_price":${p.toFixed(2)},"stop_loss":${stop.toFixed(2)},"target_price":${target.toFixed(2)}},"levels":[{"type":"support","value":${support.toFixed(2)}},{"type":"resistance","value":${resistance.toFixed(2)}}],"run_id":"${this.runId(this.dMs)}"}}`,
    )
  }

  private runIdCache = ''
  private runIdDay = -1
  /** One daily run id per UTC day. */
  private runId(ms: number): string {
    const day = Math.floor(ms / DAY_MS)
    if (day !== this.runIdDay) {
      this.runIdDay = day
      this.runIdCache = `daily_${compactStamp(day * DAY_MS).slice(0, 8)}_${this.hex(8)}`
    }
    return this.runIdCache
  }

  private streamingBatch(t: number, out: WireMessage[]): void {
    const k = this.int(3, 10)
    const els: string[] = []
    const dups: string[] = []
    for (let i = 0; i < k; i++) {
      this.detect(t, T_INTRADAY)
      const body = this.streamingBody()
      els.push(this.rand() < 0.5 ? `{"detection":${body}}` : body)
      if (this.dConfK >= 80) dups.push(`{"type":"streaming_pattern","detection":${body}}`)
    }
    this.push(out, CHANNELS.streamingPatterns, `{"type":"streaming_patterns_batch","patterns":[${els.join(',')}],"count":${k},"timestamp":${secs(Math.floor(t))}}`)
    this.stats.batches++
    for (const d of dups) {
      this.push(out, CHANNELS.detectedPatterns, d)
      this.stats.duplicates++
    }
  }

  private dailyBatch(t: number, out: WireMessage[]): void {
    const k = this.int(3, 10)
    const els: string[] = []
    for (let i = 0; i < k; i++) {
      this.detect(t, T_DAILY)
      els.push(
        `{"symbol":${this.symbolsJson[this.dSym]},"pattern":${this.dNameJson},"confidence":${this.dConfJson},"timestamp":${this.dTsJson},"timeframe":"1day","source":"daily","current_price":${this.priceJson()},"price_change":${this.changeJson()},"expires_at":${secs(this.dExpMs)}}`,
      )
    }
    this.push(out, CHANNELS.patterns, `{"type":"patterns_batch","patterns":[${els.join(',')}],"count":${k},"timestamp":${secs(Math.floor(t))}}`)
    this.stats.batches++
  }

  // --- everything else -----------------------------------------------------

  private indicator(t: number, out: WireMessage[]): void {
    const sym = this.pickSymbol()
    const symJson = this.symbolsJson[sym]!
    const p = this.prices[sym]!
    const ms = Math.floor(t)
    const ts = this.q.timestamps ? this.detectionTimestamp(ms) : secs(ms)
    const r = this.rand()
    this.indicators++
    let msg: string
    if (r < 0.3) {
      msg = `{"type":"streaming_indicator","calculation":{"symbol":${symJson},"indicator":"RSI","value":${(20 + this.rand() * 60).toFixed(2)},"timestamp":${ts},"timeframe":"1min","metadata":{"session_id":${this.sessionIdJson},"period":14}}}`
    } else if (r < 0.5) {
      msg = `{"type":"streaming_indicator","calculation":{"symbol":${symJson},"indicator":"VWAP","value":${(p * (1 + (this.rand() - 0.5) * 0.01)).toFixed(2)},"timestamp":${ts},"timeframe":"1min","metadata":{"session_id":${this.sessionIdJson}}}}`
    } else if (r < 0.7) {
      msg = `{"type":"streaming_indicator","calculation":{"symbol":${symJson},"indicator":"SMA_20","value":${(p * (1 + (this.rand() - 0.5) * 0.02)).toFixed(2)},"timestamp":${ts},"timeframe":"1min","metadata":{"session_id":${this.sessionIdJson},"period":20}}}`
    } else if (r < 0.88) {
      const macd = (this.rand() - 0.5) * p * 0.01
      const signal = macd + (this.rand() - 0.5) * p * 0.002
      // Older producer form: indicator_type + values{}
      msg = `{"type":"streaming_indicator","calculation":{"symbol":${symJson},"indicator_type":"MACD","values":{"macd":${macd.toFixed(4)},"signal":${signal.toFixed(4)},"histogram":${(macd - signal).toFixed(4)}},"timestamp":${ts},"timeframe":"1min"}}`
    } else {
      const w = p * (0.01 + this.rand() * 0.02)
      msg = `{"type":"streaming_indicator","calculation":{"symbol":${symJson},"indicator_type":"BollingerBands","values":{"upper":${(p + w).toFixed(2)},"middle":${p.toFixed(2)},"lower":${(p - w).toFixed(2)}},"timestamp":${ts},"timeframe":"1min"}}`
    }
    this.push(out, CHANNELS.streamingIndicators, msg)
  }

  private indicatorAlert(t: number, out: WireMessage[]): void {
    const sym = this.pickSymbol()
    const type = INDICATOR_ALERTS[Math.floor(this.rand() * INDICATOR_ALERTS.length)]!
    const ms = Math.floor(t)
    const p = this.prices[sym]!
    let indicator: string
    let value: string
    let threshold: string
    let direction: string
    switch (type) {
      case 'RSI_OVERBOUGHT':
        indicator = 'RSI'
        value = (70.5 + this.rand() * 15).toFixed(1)
        threshold = '70'
        direction = 'above'
        break
      case 'RSI_OVERSOLD':
        indicator = 'RSI'
        value = (14 + this.rand() * 15.5).toFixed(1)
        threshold = '30'
        direction = 'below'
        break
      case 'MACD_BULLISH_CROSS':
      case 'MACD_BEARISH_CROSS':
        indicator = 'MACD'
        value = ((this.rand() - 0.5) * p * 0.002).toFixed(4)
        threshold = '0'
        direction = type === 'MACD_BULLISH_CROSS' ? 'above' : 'below'
        break
      case 'BB_UPPER_BREAK':
      case 'BB_LOWER_BREAK':
        indicator = 'BollingerBands'
        value = p.toFixed(2)
        threshold = (type === 'BB_UPPER_BREAK' ? p * 0.995 : p * 1.005).toFixed(2)
        direction = type === 'BB_UPPER_BREAK' ? 'above' : 'below'
        break
    }
    const msg =
      this.rand() < 0.5
        ? `{"alert_type":"${type}","symbol":${this.symbolsJson[sym]},"timestamp":${secs(ms)},"session_id":${this.sessionIdJson},"data":{"${indicator === 'RSI' ? 'rsi' : 'value'}":${value},"threshold":${threshold}}}`
        : `{"type":"indicator_alert","alert":{"symbol":${this.symbolsJson[sym]},"alert_type":"${type}","timestamp":${secs(ms)},"data":{"indicator":"${indicator}","value":${value},"threshold":${threshold},"direction":"${direction}"},"severity":"${type.startsWith('RSI') ? 'warning' : 'info'}"}}`
    this.push(out, CHANNELS.indicatorAlerts, msg)
  }

  private streamingHealth(t: number, out: WireMessage[]): void {
    const ms = Math.floor(t)
    const flap = this.q.flaps && this.healthReports % 2 === 1
    this.healthReports++
    const status = t < this.criticalUntil ? 'warning' : 'healthy'
    const tps = flap ? '0' : (this.symbols.length * (0.8 + this.rand() * 1.2)).toFixed(1)
    this.push(
      out,
      CHANNELS.streamingHealth,
      `{"type":"streaming_health","health":{"session_id":${this.sessionIdJson},"status":"${status}","active_symbols":${flap ? 0 : this.symbols.length},"ticks_per_second":${tps},"patterns_detected":${flap ? 0 : this.intradayCount},"indicators_calculated":${flap ? 0 : this.indicators},"timestamp":${secs(ms)}},"timestamp":${secs(ms)}}`,
    )
  }

  private systemHealth(t: number, out: WireMessage[]): void {
    const ms = Math.floor(t)
    const degraded = t < this.criticalUntil
    this.push(
      out,
      CHANNELS.systemHealth,
      `{"status":"${degraded ? 'degraded' : 'healthy'}","timestamp":${secs(ms)},"components":{"redis":{"status":"healthy","latency_ms":${(0.3 + this.rand() * 1.5).toFixed(2)}},"database":{"status":"${degraded ? 'degraded' : 'healthy'}","pool_in_use":${this.int(2, 18)}},"streaming":{"status":"healthy","session_id":${this.sessionIdJson}}},"uptime_seconds":${Math.floor((t - this.startMs) / 1000)},"version":"3.2.0"}`,
    )
  }

  private monitoring(t: number, out: WireMessage[]): void {
    const ms = Math.floor(t)
    const cycle = this.monitoringCycle++ % 4
    const elapsedMin = Math.max(1 / 60, (t - this.startMs) / 60_000)
    let msg: string
    if (cycle === 0 || cycle === 2) {
      const metric = cycle === 0 ? 'patterns_per_minute' : 'publish_latency_ms'
      const value = cycle === 0 ? (this.stats.detections / elapsedMin).toFixed(1) : (0.4 + this.rand() * 3).toFixed(2)
      msg = `{"event_type":"METRIC_UPDATE","source":"TickStockPL","timestamp":${secs(ms)},"data":{"metric":"${metric}","value":${value},"component":"${cycle === 0 ? 'pattern_engine' : 'event_publisher'}"}}`
    } else if (cycle === 1) {
      msg = `{"event_type":"HEALTH_CHECK","source":"TickStockPL","timestamp":${secs(ms)},"data":{"status":"${t < this.criticalUntil ? 'degraded' : 'healthy'}","checks":{"redis":true,"database":${!(t < this.criticalUntil)},"market_feed":true}}}`
    } else {
      msg = `{"event_type":"SYSTEM_STATUS","source":"TickStockPL","timestamp":${secs(ms)},"data":{"cpu_percent":${(10 + this.rand() * 50).toFixed(1)},"memory_mb":${this.int(600, 1400)},"active_symbols":${this.symbols.length},"uptime_seconds":${Math.floor((t - this.startMs) / 1000)}}}`
    }
    this.push(out, CHANNELS.monitoring, msg)
  }

  private monitoringAlert(t: number): void {
    const ms = Math.floor(t)
    const [component, message] = MONITOR_ALERTS[Math.floor(this.rand() * MONITOR_ALERTS.length)]!
    const id = `alert_${this.hex(8)}`
    this.schedule(
      ms,
      CHANNELS.monitoring,
      `{"event_type":"ALERT_TRIGGERED","source":"TickStockPL","timestamp":${secs(ms)},"data":{"alert_id":"${id}","severity":"warning","message":"${message}","component":"${component}"}}`,
    )
    const resolved = ms + this.int(20_000, 120_000)
    this.schedule(
      resolved,
      CHANNELS.monitoring,
      `{"event_type":"ALERT_RESOLVED","source":"TickStockPL","timestamp":${secs(resolved)},"data":{"alert_id":"${id}","severity":"info","message":"Resolved: ${message}","component":"${component}"}}`,
    )
  }

  private errorRecord(t: number, out: WireMessage[]): void {
    const ms = Math.floor(t)
    const [category, component, severity, message] = ERROR_KINDS[Math.floor(this.rand() * ERROR_KINDS.length)]!
    const sym = this.symbolsJson[this.pickSymbol()]
    this.push(
      out,
      CHANNELS.errors,
      `{"error_id":"${this.uuid()}","source":"TickStockPL","severity":"${severity}","category":"${category}","message":"${message}","component":"${component}","traceback":"Traceback (most recent call last):\\n  File \\"src/${component}.py\\", line ${this.int(40, 900)}, in process\\n","context":{"symbol":${sym},"session_id":${this.sessionIdJson}},"timestamp":${secs(ms)}}`,
    )
  }

  private criticalAlert(t: number): void {
    const ms = Math.floor(t)
    const [component, message] = CRITICAL_KINDS[Math.floor(this.rand() * CRITICAL_KINDS.length)]!
    const recoverAt = ms + this.int(30_000, 90_000)
    this.criticalUntil = recoverAt
    if (this.rand() < 0.5) {
      this.schedule(
        ms,
        CHANNELS.criticalAlerts,
        `{"type":"critical_alert","alert":{"severity":"critical","message":"${message}","timestamp":${secs(ms)},"component":"${component}","action_required":true,"recovery":false}}`,
      )
      this.schedule(
        recoverAt,
        CHANNELS.criticalAlerts,
        `{"type":"critical_alert","alert":{"severity":"info","message":"Recovered: ${message}","timestamp":${secs(recoverAt)},"component":"${component}","action_required":false,"recovery":true}}`,
      )
    } else {
      this.schedule(ms, CHANNELS.criticalAlerts, `{"type":"critical_alert","message":"${message}","severity":"critical","timestamp":${secs(ms)},"data":{"component":"${component}","action_required":true}}`)
      this.schedule(
        recoverAt,
        CHANNELS.criticalAlerts,
        `{"type":"critical_alert","message":"Recovered: ${message}","severity":"info","timestamp":${secs(recoverAt)},"data":{"component":"${component}","recovery":true}}`,
      )
    }
  }

  private junk(t: number, out: WireMessage[]): void {
    const r = this.rand()
    const channel =
      r < 0.35 ? CHANNELS.patterns : r < 0.55 ? CHANNELS.streamingPatterns : r < 0.75 ? CHANNELS.detectedPatterns : r < 0.9 ? CHANNELS.streamingHealth : CHANNELS.systemHealth
    const msg = this.rand() < 0.5 ? '{"test":"permission_check"}' : `{"test":"health_check","timestamp":${secs(Math.floor(t))}}`
    this.push(out, channel, msg)
    this.stats.junk++
  }

  /** The daily batch pipeline: processing started, then import, cache, indicators, patterns, then processing completed. */
  private pipelineRun(t: number): void {
    let at = Math.floor(t)
    const runId = `run_${compactStamp(at)}_${this.hex(8)}`
    const total = this.symbols.length
    const env = (stage: string, phase: string, ms: number, payload: string): void => {
      this.schedule(
        ms,
        `tickstock:${stage}:${phase}`,
        `{"event":"${stage}_${phase}","timestamp":"${new Date(ms).toISOString()}","source":"daily_batch_processor","version":"1.0","payload":{"run_id":"${runId}",${payload}}}`,
      )
    }
    const started = at
    env('processing', 'started', at, `"stages":["import","cache","indicators","patterns"],"total_symbols":${total}`)
    const stages = PIPELINE_STAGES.filter((s) => s !== 'processing')
    stages.forEach((stage, i) => {
      at += this.int(500, 2000)
      const stageStart = at
      env(stage, 'started', at, `"stage":"${stage}","total_symbols":${total}`)
      for (const pct of [25, 50, 75]) {
        at += this.int(1500, 5000)
        env(stage, 'progress', at, `"stage":"${stage}","progress":${pct},"symbols_processed":${Math.floor((total * pct) / 100)},"total_symbols":${total}`)
      }
      at += this.int(1500, 5000)
      const extra = stage === 'patterns' ? `,"patterns_detected":${this.int(total, total * 4)}` : stage === 'import' ? `,"bars_imported":${total * this.int(1, 3)}` : ''
      env(stage, 'completed', at, `"stage":"${stage}","progress":100,"symbols_processed":${total},"duration_seconds":${((at - stageStart) / 1000).toFixed(1)}${extra}`)
      env('processing', 'progress', at, `"progress":${Math.round(((i + 1) / stages.length) * 100)},"current_stage":"${stage}"`)
    })
    at += this.int(200, 1000)
    env('processing', 'completed', at, `"progress":100,"status":"completed","duration_seconds":${((at - started) / 1000).toFixed(1)},"symbols_processed":${total}`)
  }
}

/** Epoch seconds as a JSON number; exact for integer milliseconds. */
function secs(ms: number): string {
  return String(ms / 1000)
}

/** 20250917_133000 (UTC). */
function compactStamp(ms: number): string {
  const iso = new Date(ms).toISOString()
  return `${iso.slice(0, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}_${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}`
}

/** 16:00 America/New_York during EDT is 20:00 UTC: the end of the trading day a combo signal is valid for. */
function endOfTradingDay(ms: number): number {
  const eod = Math.floor(ms / DAY_MS) * DAY_MS + 20 * 3_600_000
  return eod > ms ? eod : eod + DAY_MS
}
