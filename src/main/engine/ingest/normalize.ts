/**
 * The one normalizer for everything TickStockPL publishes (WIRE.md). Pure:
 * (channel, message, now) -> a tagged result. The producer never had one fixed
 * schema, so every variant that really occurred is accepted here, at the edge,
 * and everything after this works on `NormalizedPattern` and friends.
 */
import { z } from 'zod'
import { epochMs, isTier, priorityFor, type EpochMs, type NormalizedPattern, type PatternLevel, type ProducerAlert, type Tier } from '../../../shared/domain'
import { displayName, patternKey } from '../../../shared/patterns'
import { CHANNELS, PATTERN_CHANNELS, PIPELINE_CHANNELS, STREAMING_PATTERN_CHANNEL } from './channels'

export type RejectReason =
  | 'invalid_json'
  | 'not_object'
  | 'test_message'
  | 'missing_symbol'
  | 'bad_symbol'
  | 'missing_pattern'
  | 'bad_pattern'
  | 'bad_confidence'
  | 'bad_timestamp'
  | 'empty_batch'
  | 'unknown_channel'
  | 'bad_shape'

export interface Rejection {
  reason: RejectReason
  detail: string
}

export type StreamingHealthMessage = {
  kind: 'health'
  scope: 'streaming'
  sessionId: string | null
  status: 'healthy' | 'warning' | 'critical' | 'unknown'
  activeSymbols: number | null
  ticksPerSecond: number | null
  patternsDetected: number | null
  indicatorsCalculated: number | null
  at: EpochMs
}
export type SystemHealthMessage = { kind: 'health'; scope: 'system'; status: string; at: EpochMs; components: Record<string, unknown> }

export type NormalizeResult =
  | { kind: 'pattern'; events: NormalizedPattern[]; rejected: Rejection[] }
  | StreamingHealthMessage
  | SystemHealthMessage
  | {
      kind: 'session'
      state: 'started' | 'stopped'
      sessionId: string | null
      startedAt: EpochMs | null
      stoppedAt: EpochMs | null
      symbolCount: number | null
      universe: string | null
      totals: { patterns: number | null; indicators: number | null; durationSeconds: number | null; finalStatus: string | null } | null
    }
  | { kind: 'indicator'; symbol: string; indicator: string; value: number | null; values: Record<string, number>; timeframe: string | null; at: EpochMs }
  | { kind: 'alert'; alert: ProducerAlert }
  | { kind: 'monitoring'; eventType: string; at: EpochMs; alert: ProducerAlert | null; data: Record<string, unknown> }
  | { kind: 'error'; errorId: string | null; severity: string; category: string | null; message: string; component: string | null; source: string | null; at: EpochMs }
  | { kind: 'backtest'; phase: 'progress' | 'results'; jobId: string | null; progress: number | null; status: string | null; at: EpochMs }
  | { kind: 'batch'; stage: string; phase: string; at: EpochMs; runId: string | null; progress: number | null }
  | ({ kind: 'rejected' } & Rejection)

type Obj = Record<string, unknown>

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)
const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null)
function num(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v)
    return Number.isFinite(n) ? n : null
  }
  return null
}
const rejected = (reason: RejectReason, detail: string): NormalizeResult => ({ kind: 'rejected', reason, detail })

/** A short rendering of any value for a reject detail; never throws (BigInt, cycles, undefined). */
function show(v: unknown, max = 40): string {
  try {
    const s = JSON.stringify(v)
    if (s !== undefined) return s.slice(0, max)
  } catch {
    // BigInt or a cycle: fall through to the type name
  }
  return typeof v === 'bigint' ? `${v}`.slice(0, max) : `<${typeof v}>`
}

/** Earliest and latest plausible detection times, relative to now. */
const MIN_PLAUSIBLE_MS = Date.UTC(2000, 0, 1)
const MAX_FUTURE_MS = 2 * 24 * 3600_000
const ISO_HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i

/**
 * Timestamps arrive as epoch seconds, epoch milliseconds (> 1e12), ISO-8601
 * with `Z` or an offset, or naive ISO (taken as UTC). Returns null when unusable.
 */
export function parseTimestamp(v: unknown): EpochMs | null {
  let ms: number | null = null
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v <= 0) return null
    ms = v > 1e12 ? v : v * 1000
  } else if (typeof v === 'string') {
    const s = v.trim()
    if (s === '') return null
    if (/^\d+(\.\d+)?$/.test(s)) return parseTimestamp(Number(s))
    const iso = ISO_HAS_ZONE.test(s) ? s : `${s.replace(' ', 'T')}Z`
    const t = Date.parse(iso)
    ms = Number.isFinite(t) ? t : null
  }
  return ms === null ? null : epochMs(Math.round(ms))
}

const TIER_ALIASES: Record<string, Tier> = {
  daily: 'daily',
  intraday: 'intraday',
  combo: 'combo',
  daily_intraday: 'combo',
  hourly: 'intraday',
  weekly: 'daily',
  monthly: 'daily',
}
function tierFrom(v: unknown): Tier | null {
  if (typeof v !== 'string') return null
  const t = TIER_ALIASES[v.trim().toLowerCase()]
  return t ?? null
}
const INTRADAY_TIMEFRAMES = new Set(['1min', '1m', '5min', '5m', '15min', '15m', '30min', '30m', '1h', '60min', 'hourly', 'intraday'])
const DAILY_TIMEFRAMES = new Set(['1day', '1d', 'daily', 'day', '1wk', 'weekly', '1w'])
function tierFromTimeframe(tf: string | null): Tier | null {
  if (!tf) return null
  const t = tf.toLowerCase()
  if (INTRADAY_TIMEFRAMES.has(t)) return 'intraday'
  if (DAILY_TIMEFRAMES.has(t)) return 'daily'
  return null
}

/** Longer than any real pattern name; a bound so junk cannot bloat the store and the metrics. */
const MAX_PATTERN_NAME = 64

const SYMBOL_RE = /^[A-Z0-9][A-Z0-9.\-/^]{0,15}$/

/** What an outer envelope contributes to the body it wraps. */
interface Context {
  channel: string
  tier: unknown
  source: unknown
  flowId: unknown
  timestamp: unknown
  timeframe: unknown
  /** The message type said streaming (`streaming_pattern`): implicitly intraday. */
  streaming: boolean
}

const MAX_DEPTH = 4

/** A pattern body with the context its envelopes gave it, or why an element could not be one (kept in batch order). */
type Unwrapped = { body: Obj; ctx: Context } | Rejection

/** Unwrap envelopes down to pattern bodies (there may be many: batches). */
function collectBodies(o: Obj, ctx: Context, out: Unwrapped[], depth: number): void {
  if (depth > MAX_DEPTH) {
    out.push({ reason: 'bad_shape', detail: `pattern envelopes nested deeper than ${MAX_DEPTH}` })
    return
  }
  const type = str(o.type)
  if (Array.isArray(o.patterns)) {
    // streaming_patterns_batch | patterns_batch: elements flat or {detection:{...}}
    const streaming = ctx.streaming || type === 'streaming_patterns_batch'
    const inner: Context = { ...ctx, streaming, timestamp: o.timestamp ?? ctx.timestamp }
    o.patterns.forEach((el: unknown, i: number) => {
      if (isObj(el)) collectBodies(el, inner, out, depth + 1)
      else out.push({ reason: 'not_object', detail: `batch element ${i} is ${Array.isArray(el) ? 'an array' : el === null ? 'null' : typeof el}` })
    })
    return
  }
  if (isObj(o.detection)) {
    collectBodies(o.detection, { ...ctx, streaming: ctx.streaming || type === 'streaming_pattern', timestamp: o.timestamp ?? ctx.timestamp }, out, depth + 1)
    return
  }
  if (isObj(o.payload) && (str(o.event) || str(o.version))) {
    // daily batch envelope {event, timestamp, source, version, payload}
    collectBodies(o.payload, { ...ctx, timestamp: o.timestamp ?? ctx.timestamp }, out, depth + 1)
    return
  }
  if (isObj(o.data)) {
    const d = o.data
    if (isObj(d.data)) {
      // double-nested: data.tier / data.flow_id one level up
      collectBodies(
        d.data,
        { ...ctx, tier: d.tier ?? ctx.tier, source: d.source ?? ctx.source, flowId: d.flow_id ?? ctx.flowId, timestamp: o.timestamp ?? ctx.timestamp },
        out,
        depth + 2,
      )
      return
    }
    if (d.pattern !== undefined || d.pattern_name !== undefined || d.pattern_type !== undefined || d.symbol !== undefined) {
      collectBodies(d, { ...ctx, tier: ctx.tier ?? o.tier, timestamp: o.timestamp ?? ctx.timestamp }, out, depth + 1)
      return
    }
  }
  out.push({ body: o, ctx })
}

const LEVEL_FIELDS: [key: string, type: string][] = [
  ['entry_price', 'entry'],
  ['stop_loss', 'stop'],
  ['target_price', 'target'],
  ['support', 'support'],
  ['resistance', 'resistance'],
]
/** Shared by every event without levels (most of them); never mutated. */
const NO_LEVELS: PatternLevel[] = Object.freeze([]) as unknown as PatternLevel[]

/** Named levels from the first of pattern_data / body / details that has any, plus a levels[] list. No closures: this runs per event. */
function levelsFrom(body: Obj, details: Obj | null): PatternLevel[] {
  let levels: PatternLevel[] | null = null
  const pd = isObj(body.pattern_data) ? body.pattern_data : details && isObj(details.pattern_data) ? details.pattern_data : null
  for (let i = 0; i < 3 && levels === null; i++) {
    const src = i === 0 ? pd : i === 1 ? body : details
    if (!src) continue
    for (const [key, type] of LEVEL_FIELDS) {
      if (src[key] === undefined) continue
      const v = num(src[key])
      if (v !== null) (levels ??= []).push({ type, value: v })
    }
  }
  const list = Array.isArray(body.levels) ? body.levels : details && Array.isArray(details.levels) ? details.levels : null
  if (list) {
    for (const l of list) {
      if (!isObj(l)) continue
      const value = num(l.value ?? l.price)
      const type = str(l.type) ?? str(l.kind) ?? 'level'
      if (value !== null) (levels ??= []).push({ type: type.toLowerCase(), value })
    }
  }
  return levels ?? NO_LEVELS
}

function patternFromBody(body: Obj, ctx: Context, now: EpochMs): NormalizedPattern | Rejection {
  const details = isObj(body.details) ? body.details : null
  const rawName = body.pattern ?? body.pattern_type ?? body.pattern_name ?? details?.pattern
  const name = typeof rawName === 'string' ? rawName.trim() : ''
  const rawSymbol = body.symbol ?? details?.symbol
  if (typeof rawSymbol !== 'string' || rawSymbol.trim() === '') {
    if (!name) return { reason: 'missing_pattern', detail: 'no symbol and no pattern name after unwrapping' }
    return { reason: 'missing_symbol', detail: `pattern ${name} has no symbol` }
  }
  const symbol = rawSymbol.trim().toUpperCase()
  if (!SYMBOL_RE.test(symbol)) return { reason: 'bad_symbol', detail: `symbol ${show(rawSymbol)} is not a ticker` }
  if (!name) return { reason: 'missing_pattern', detail: `${symbol}: no pattern, pattern_type or pattern_name` }
  if (name.length > MAX_PATTERN_NAME) return { reason: 'bad_pattern', detail: `${symbol}: pattern name of ${name.length} characters is not a pattern name` }
  const key = patternKey(name)
  if (!key) return { reason: 'missing_pattern', detail: `${symbol}: pattern name ${show(name)} is empty after normalization` }

  let confidence = num(body.confidence ?? details?.confidence)
  if (confidence === null) return { reason: 'bad_confidence', detail: `${symbol} ${name}: confidence ${show(body.confidence ?? details?.confidence ?? null)} is not a number` }
  if (confidence < 0 || confidence > 100) return { reason: 'bad_confidence', detail: `${symbol} ${name}: confidence ${confidence} is out of range` }
  if (confidence > 1) confidence = confidence / 100

  const rawTs = body.timestamp ?? body.detected_at ?? body.detection_time ?? details?.timestamp ?? ctx.timestamp
  let detectedAt: EpochMs
  if (rawTs === undefined || rawTs === null) detectedAt = now
  else {
    const t = parseTimestamp(rawTs)
    if (t === null) return { reason: 'bad_timestamp', detail: `${symbol} ${name}: timestamp ${show(rawTs)} is not a time` }
    if (t < MIN_PLAUSIBLE_MS || t > now + MAX_FUTURE_MS) return { reason: 'bad_timestamp', detail: `${symbol} ${name}: timestamp ${new Date(t).toISOString()} is implausible` }
    detectedAt = t
  }
  const rawExp = body.expires_at ?? details?.expires_at
  const expiresAt = rawExp === undefined || rawExp === null ? null : parseTimestamp(rawExp)

  const timeframe = str(body.timeframe) ?? str(details?.timeframe) ?? str(ctx.timeframe)
  const tier: Tier =
    tierFrom(ctx.tier) ??
    tierFrom(body.tier) ??
    tierFrom(ctx.source) ??
    tierFrom(body.source) ??
    (ctx.channel === STREAMING_PATTERN_CHANNEL || ctx.streaming ? 'intraday' : null) ??
    tierFromTimeframe(timeframe) ??
    'daily'

  const bar = isObj(body.bar_data) ? body.bar_data : null
  const indicators = isObj(body.indicators) ? body.indicators : details && isObj(details.indicators) ? details.indicators : null
  const meta = isObj(body.metadata) ? body.metadata : null
  const price = num(body.current_price) ?? num(body.price) ?? num(details?.current_price) ?? num(details?.price) ?? (bar ? num(bar.close) : null)

  return {
    symbol,
    pattern: displayName(name, key),
    patternKey: key,
    tier,
    confidence,
    priority: priorityFor(confidence),
    detectedAt,
    expiresAt,
    timeframe,
    price,
    changePct: num(body.price_change) ?? num(details?.price_change) ?? num(body.change_percent),
    relativeVolume: indicators ? num(indicators.relative_volume) : null,
    relativeStrength: indicators ? num(indicators.relative_strength) : null,
    levels: levelsFrom(body, details),
    channel: ctx.channel,
    flowId: str(ctx.flowId) ?? str(body.flow_id),
    sessionId: str(meta?.session_id) ?? str(body.session_id),
  }
}

function normalizePatterns(o: Obj, channel: string, now: EpochMs): NormalizeResult {
  const bodies: Unwrapped[] = []
  const ctx: Context = {
    channel,
    tier: undefined,
    source: undefined,
    flowId: undefined,
    timestamp: undefined,
    timeframe: undefined,
    streaming: channel === STREAMING_PATTERN_CHANNEL || o.type === 'streaming_pattern',
  }
  const events: NormalizedPattern[] = []
  const rejects: Rejection[] = []
  collectBodies(o, ctx, bodies, 0)
  for (const item of bodies) {
    const r = 'reason' in item ? item : patternFromBody(item.body, item.ctx, now)
    if ('reason' in r) rejects.push(r)
    else events.push(r)
  }
  if (events.length === 0) {
    if (Array.isArray(o.patterns) && o.patterns.length === 0) return rejected('empty_batch', `${str(o.type) ?? 'batch'} with no patterns`)
    const first = rejects[0]
    if (!first) return rejected('bad_shape', 'no pattern body found')
    if (rejects.length === 1) return { kind: 'rejected', ...first }
    return { kind: 'pattern', events, rejected: rejects }
  }
  return { kind: 'pattern', events, rejected: rejects }
}

const at = (v: unknown, now: EpochMs): EpochMs => parseTimestamp(v) ?? now

const healthStatus = (v: unknown): StreamingHealthMessage['status'] => {
  const s = typeof v === 'string' ? v.toLowerCase() : ''
  return s === 'healthy' || s === 'warning' || s === 'critical' ? s : 'unknown'
}

function normalizeStreamingHealth(o: Obj, now: EpochMs): NormalizeResult {
  const h = isObj(o.health) ? o.health : o
  return {
    kind: 'health',
    scope: 'streaming',
    sessionId: str(h.session_id),
    status: healthStatus(h.status),
    activeSymbols: num(h.active_symbols),
    ticksPerSecond: num(h.ticks_per_second),
    patternsDetected: num(h.patterns_detected),
    indicatorsCalculated: num(h.indicators_calculated),
    at: at(h.timestamp ?? o.timestamp, now),
  }
}

function normalizeSession(o: Obj, channel: string, now: EpochMs): NormalizeResult {
  const s = isObj(o.session) ? o.session : o
  const type = str(o.type) ?? ''
  const stopped = channel === CHANNELS.sessionStopped || type.includes('stopped') || s.stopped_at !== undefined
  return {
    kind: 'session',
    state: stopped ? 'stopped' : 'started',
    sessionId: str(s.session_id),
    startedAt: parseTimestamp(s.started_at) ?? (stopped ? null : at(o.timestamp, now)),
    stoppedAt: stopped ? (parseTimestamp(s.stopped_at) ?? at(o.timestamp, now)) : null,
    symbolCount: num(s.symbol_count),
    universe: str(s.universe),
    totals: stopped
      ? { patterns: num(s.total_patterns), indicators: num(s.total_indicators), durationSeconds: num(s.duration_seconds), finalStatus: str(s.final_status) }
      : null,
  }
}

function normalizeIndicator(o: Obj, now: EpochMs): NormalizeResult {
  const c = isObj(o.calculation) ? o.calculation : o
  const symbol = str(c.symbol)?.toUpperCase()
  const indicator = str(c.indicator) ?? str(c.indicator_type)
  if (!symbol) return rejected('missing_symbol', 'indicator without symbol')
  if (!indicator) return rejected('bad_shape', `${symbol}: indicator without indicator name`)
  const values: Record<string, number> = {}
  if (isObj(c.values)) for (const [k, v] of Object.entries(c.values)) {
    const n = num(v)
    if (n !== null) values[k] = n
  }
  return { kind: 'indicator', symbol, indicator, value: num(c.value), values, timeframe: str(c.timeframe), at: at(c.timestamp ?? o.timestamp, now) }
}

function normalizeIndicatorAlert(o: Obj, now: EpochMs): NormalizeResult {
  const a = isObj(o.alert) ? o.alert : o
  const type = str(a.alert_type) ?? str(a.type)
  if (!type) return rejected('bad_shape', 'indicator alert without alert_type')
  const data = isObj(a.data) ? a.data : {}
  const value = num(data.value) ?? num(data.rsi)
  return {
    kind: 'alert',
    alert: {
      at: at(a.timestamp ?? o.timestamp, now),
      category: 'indicator',
      severity: str(a.severity) ?? 'info',
      type,
      message: `${type}${value !== null ? ` ${value}` : ''}`,
      symbol: str(a.symbol)?.toUpperCase() ?? null,
      component: null,
    },
  }
}

function normalizeCriticalAlert(o: Obj, now: EpochMs): NormalizeResult {
  const a = isObj(o.alert) ? o.alert : o
  const message = str(a.message)
  if (!message) return rejected('bad_shape', 'critical alert without message')
  return {
    kind: 'alert',
    alert: {
      at: at(a.timestamp ?? o.timestamp, now),
      category: 'critical',
      severity: str(a.severity) ?? 'critical',
      type: str(a.type) ?? str(o.type) ?? 'critical_alert',
      message,
      symbol: null,
      component: str(a.component),
    },
  }
}

const MONITORING_TYPES = new Set(['METRIC_UPDATE', 'ALERT_TRIGGERED', 'ALERT_RESOLVED', 'HEALTH_CHECK', 'SYSTEM_STATUS'])
function normalizeMonitoring(o: Obj, now: EpochMs): NormalizeResult {
  const eventType = str(o.event_type) ?? str(o.type)
  if (!eventType || !MONITORING_TYPES.has(eventType.toUpperCase())) return rejected('bad_shape', `monitoring event type ${show(eventType)} is unknown`)
  const data = isObj(o.data) ? o.data : {}
  const isAlert = eventType.toUpperCase().startsWith('ALERT_')
  const time = at(o.timestamp, now)
  return {
    kind: 'monitoring',
    eventType: eventType.toUpperCase(),
    at: time,
    data,
    alert: isAlert
      ? {
          at: time,
          category: 'monitoring',
          severity: str(data.severity) ?? str(o.severity) ?? (eventType.toUpperCase() === 'ALERT_RESOLVED' ? 'info' : 'warning'),
          type: eventType.toUpperCase(),
          message: str(data.message) ?? str(o.message) ?? eventType,
          symbol: null,
          component: str(data.component) ?? null,
        }
      : null,
  }
}

function normalizeError(o: Obj, now: EpochMs): NormalizeResult {
  const message = str(o.message)
  if (!message) return rejected('bad_shape', 'error record without message')
  return {
    kind: 'error',
    errorId: str(o.error_id),
    severity: str(o.severity) ?? 'error',
    category: str(o.category),
    message,
    component: str(o.component),
    source: str(o.source),
    at: at(o.timestamp, now),
  }
}

function normalizeBacktest(o: Obj, channel: string, now: EpochMs): NormalizeResult {
  const phase = channel.endsWith('.results') ? 'results' : 'progress'
  const d = isObj(o.data) ? o.data : o
  const progress = num(d.progress)
  return { kind: 'backtest', phase, jobId: str(d.job_id) ?? str(d.backtest_id), progress, status: str(d.status), at: at(o.timestamp ?? d.timestamp, now) }
}

function normalizePipeline(o: Obj, channel: string, now: EpochMs): NormalizeResult {
  const [, stage = '', phase = ''] = channel.split(':')
  const p = isObj(o.payload) ? o.payload : o
  return { kind: 'batch', stage, phase, at: at(o.timestamp, now), runId: str(p.run_id), progress: num(p.progress ?? p.percent) }
}

const PATTERN_CHANNEL_SET = new Set<string>(PATTERN_CHANNELS)
const PIPELINE_CHANNEL_SET = new Set<string>(PIPELINE_CHANNELS)

/** A message whose only purpose is a producer self-test (`{"test": ...}`). */
function isTestMessage(o: Obj): boolean {
  if (!('test' in o)) return false
  return !('pattern' in o || 'data' in o || 'detection' in o || 'patterns' in o || 'payload' in o || 'health' in o)
}

export function normalize(channel: string, message: string | object, now: EpochMs): NormalizeResult {
  let parsed: unknown = message
  if (typeof message === 'string') {
    try {
      parsed = JSON.parse(message)
    } catch (e) {
      return rejected('invalid_json', (e as Error).message.slice(0, 120))
    }
  }
  if (!isObj(parsed)) return rejected('not_object', `message is ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`)
  const o = parsed
  if (isTestMessage(o)) return rejected('test_message', `test message ${show(o.test)}`)

  if (PATTERN_CHANNEL_SET.has(channel)) {
    // The detected channel also carries daily-batch envelopes; both go through the pattern path.
    return normalizePatterns(o, channel, now)
  }
  if (PIPELINE_CHANNEL_SET.has(channel)) return normalizePipeline(o, channel, now)
  switch (channel) {
    case CHANNELS.streamingIndicators:
      return normalizeIndicator(o, now)
    case CHANNELS.indicatorAlerts:
      return normalizeIndicatorAlert(o, now)
    case CHANNELS.criticalAlerts:
      return normalizeCriticalAlert(o, now)
    case CHANNELS.sessionStarted:
    case CHANNELS.sessionStopped:
      return normalizeSession(o, channel, now)
    case CHANNELS.streamingHealth:
      return normalizeStreamingHealth(o, now)
    case CHANNELS.systemHealth:
      return { kind: 'health', scope: 'system', status: str(o.status) ?? str(o.overall_status) ?? 'unknown', at: at(o.timestamp, now), components: o }
    case CHANNELS.monitoring:
      return normalizeMonitoring(o, now)
    case CHANNELS.errors:
      return normalizeError(o, now)
    case CHANNELS.backtestProgress:
    case CHANNELS.backtestResults:
      return normalizeBacktest(o, channel, now)
  }
  return rejected('unknown_channel', `channel ${channel.slice(0, 80)} is not a TickStockPL channel`)
}

/** Shape of one line given to `tickstock normalize` (trust boundary: a file). */
export const normalizeInputSchema = z.object({ channel: z.string().min(1), message: z.union([z.string(), z.record(z.string(), z.unknown())]) })
