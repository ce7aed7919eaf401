/**
 * Everything the health view shows: Redis state and gaps, producer heartbeat,
 * the streaming session (inferred from health messages when the consumer
 * started mid-session), smoothed streaming health, rejects by reason with the
 * last few samples, producer alerts. Bounded rings throughout.
 */
import type { EpochMs, Gap, HealthReport, ProducerAlert, RedisState, RejectSample, SessionState, StreamingHealthSmoothed } from '../../../shared/domain'
import { HEARTBEAT_STALE_MS } from '../ingest/channels'
import type { NormalizeResult, StreamingHealthMessage } from '../ingest/normalize'

const MAX_SAMPLES = 20
const MAX_ALERTS = 50
const MAX_GAPS = 50
const RAW_SAMPLE_CHARS = 300
/** A metric reported as 0 is believed only after this many zero reports in a row (the producer flaps). */
const ZERO_RUN_TO_BELIEVE = 3

type MetricName = 'activeSymbols' | 'ticksPerSecond' | 'patternsDetected' | 'indicatorsCalculated'
const METRICS: MetricName[] = ['activeSymbols', 'ticksPerSecond', 'patternsDetected', 'indicatorsCalculated']

export class HealthTracker {
  private redisState: RedisState
  private redisSince: EpochMs
  private reconnectAttempts = 0
  private heartbeatAt: EpochMs | null = null
  private session: SessionState | null = null
  private streaming: StreamingHealthSmoothed | null = null
  private readonly zeroRuns: Record<MetricName, number> = { activeSymbols: 0, ticksPerSecond: 0, patternsDetected: 0, indicatorsCalculated: 0 }
  private readonly rejectCounts = new Map<string, number>()
  private rejectTotal = 0
  private readonly samples: RejectSample[] = []
  private readonly alerts: ProducerAlert[] = []
  readonly gaps: Gap[] = []

  constructor(
    readonly mode: 'live' | 'demo',
    private readonly redisUrl: string | null,
    private readonly startedAt: EpochMs,
  ) {
    this.redisState = mode === 'demo' ? 'disabled' : 'connecting'
    this.redisSince = startedAt
  }

  setRedisState(state: RedisState, at: EpochMs): void {
    if (state === 'reconnecting') this.reconnectAttempts++
    if (state === this.redisState) return
    if (state === 'ready') this.reconnectAttempts = 0
    this.redisState = state
    this.redisSince = at
  }

  get redis(): RedisState {
    return this.redisState
  }

  openGap(from: EpochMs, reason: string): Gap {
    const gap: Gap = { from, to: null, reason }
    this.gaps.push(gap)
    if (this.gaps.length > MAX_GAPS) this.gaps.shift()
    return gap
  }

  closeGap(gap: Gap, to: EpochMs): void {
    gap.to = to
  }

  heartbeat(valueSeconds: number | null): void {
    if (valueSeconds === null || !Number.isFinite(valueSeconds)) return
    this.heartbeatAt = Math.round(valueSeconds * 1000) as EpochMs
  }

  reject(sample: Omit<RejectSample, 'raw'> & { raw: string | object }): void {
    this.rejectTotal++
    this.rejectCounts.set(sample.reason, (this.rejectCounts.get(sample.reason) ?? 0) + 1)
    const raw = typeof sample.raw === 'string' ? sample.raw : safeStringify(sample.raw)
    this.samples.push({ ...sample, raw: raw.length > RAW_SAMPLE_CHARS ? `${raw.slice(0, RAW_SAMPLE_CHARS)}…` : raw })
    if (this.samples.length > MAX_SAMPLES) this.samples.shift()
  }

  get rejectedByReason(): Record<string, number> {
    return Object.fromEntries(this.rejectCounts)
  }

  alert(a: ProducerAlert): void {
    this.alerts.push(a)
    if (this.alerts.length > MAX_ALERTS) this.alerts.shift()
  }

  /** Session lifecycle and health messages. */
  observe(msg: NormalizeResult): void {
    switch (msg.kind) {
      case 'session':
        this.session = {
          sessionId: msg.sessionId,
          state: msg.state === 'started' ? 'running' : 'stopped',
          startedAt: msg.startedAt ?? this.session?.startedAt ?? null,
          stoppedAt: msg.stoppedAt,
          symbolCount: msg.symbolCount ?? this.session?.symbolCount ?? null,
          universe: msg.universe ?? this.session?.universe ?? null,
          inferred: false,
        }
        return
      case 'health':
        if (msg.scope === 'streaming') this.streamingHealth(msg)
        return
      default:
        return
    }
  }

  private streamingHealth(msg: StreamingHealthMessage): void {
    // A consumer started mid-session never sees session_started: infer it.
    if (msg.sessionId && this.session?.sessionId !== msg.sessionId) {
      this.session = { sessionId: msg.sessionId, state: 'running', startedAt: null, stoppedAt: null, symbolCount: msg.activeSymbols, universe: null, inferred: true }
    }
    const prev = this.streaming
    const next: StreamingHealthSmoothed = {
      sessionId: msg.sessionId,
      status: msg.status,
      activeSymbols: null,
      ticksPerSecond: null,
      patternsDetected: null,
      indicatorsCalculated: null,
      at: msg.at,
    }
    for (const m of METRICS) {
      const v = msg[m]
      const old = prev?.[m] ?? null
      if (v === 0 && old !== null && old > 0) {
        this.zeroRuns[m]++
        next[m] = this.zeroRuns[m] >= ZERO_RUN_TO_BELIEVE ? 0 : old
      } else {
        this.zeroRuns[m] = 0
        next[m] = m === 'ticksPerSecond' && v !== null && old !== null && old > 0 ? old * 0.5 + v * 0.5 : v
      }
    }
    this.streaming = next
  }

  report(now: EpochMs, extra: { ingest: HealthReport['ingest']; queueDepth: number; storeBacklog: number; memory: HealthReport['memory'] }): HealthReport {
    const ageMs = this.heartbeatAt === null ? null : Math.max(0, now - this.heartbeatAt)
    return {
      mode: this.mode,
      now,
      startedAt: this.startedAt,
      redis: { state: this.redisState, url: this.redisUrl, since: this.redisSince, reconnectAttempts: this.reconnectAttempts },
      producer: { heartbeatAt: this.heartbeatAt, ageMs, online: ageMs !== null && ageMs < HEARTBEAT_STALE_MS },
      session: this.session,
      streamingHealth: this.streaming,
      gaps: this.gaps.map((g) => ({ ...g })),
      rejected: { total: this.rejectTotal, byReason: this.rejectedByReason, samples: [...this.samples] },
      ingest: extra.ingest,
      queueDepth: extra.queueDepth,
      storeBacklog: extra.storeBacklog,
      recentAlerts: [...this.alerts],
      memory: extra.memory,
    }
  }
}

function safeStringify(o: object): string {
  try {
    return JSON.stringify(o)
  } catch {
    return String(o)
  }
}
