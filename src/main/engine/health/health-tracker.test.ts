import { describe, expect, it } from 'vitest'
import { epochMs, type EpochMs } from '../../../shared/domain'
import type { NormalizeResult, StreamingHealthMessage } from '../ingest/normalize'
import { HealthTracker } from './health-tracker'

const T0 = epochMs(Date.parse('2025-09-16T14:00:00Z'))
const extra = { ingest: { received: 0, patterns: 0, duplicates: 0, belowThreshold: 0, stored: 0, eventsPerSecond: 0, storeDropped: 0, pushDropped: 0 }, queueDepth: 0, storeBacklog: 0, memory: { heapUsedBytes: 1, rssBytes: 2 } }
const live = (): HealthTracker => new HealthTracker('live', 'redis://redis.example:6379', T0)

function health(over: Partial<StreamingHealthMessage> = {}): StreamingHealthMessage {
  return {
    kind: 'health',
    scope: 'streaming',
    sessionId: 's-1',
    status: 'healthy',
    activeSymbols: 70,
    ticksPerSecond: 100,
    patternsDetected: 500,
    indicatorsCalculated: 2000,
    at: T0,
    ...over,
  }
}

function session(state: 'started' | 'stopped', over: Partial<Extract<NormalizeResult, { kind: 'session' }>> = {}): NormalizeResult {
  return { kind: 'session', state, sessionId: 's-1', startedAt: null, stoppedAt: null, symbolCount: null, universe: null, totals: null, ...over }
}

describe('HealthTracker producer liveness', () => {
  it('is online while the heartbeat is under 60 s old, offline from 60 s', () => {
    const h = live()
    h.heartbeat((T0 - 59_999) / 1000)
    expect(h.report(T0, extra).producer).toMatchObject({ online: true, ageMs: 59_999, heartbeatAt: T0 - 59_999 })
    h.heartbeat((T0 - 60_000) / 1000)
    expect(h.report(T0, extra).producer).toMatchObject({ online: false, ageMs: 60_000 })
  })

  it('goes offline as a heartbeat ages, without a new value', () => {
    const h = live()
    h.heartbeat(T0 / 1000 + 0.25) // epoch-seconds float
    expect(h.report(epochMs(T0 + 30_000), extra).producer.online).toBe(true)
    expect(h.report(epochMs(T0 + 61_000), extra).producer.online).toBe(false)
  })

  it('is offline (unknown age) before any heartbeat, and an unreadable value changes nothing', () => {
    const h = live()
    expect(h.report(T0, extra).producer).toEqual({ heartbeatAt: null, ageMs: null, online: false })
    h.heartbeat(null)
    h.heartbeat(Number.NaN)
    expect(h.report(T0, extra).producer.online).toBe(false)
  })

  it('a heartbeat slightly ahead of our clock counts as fresh', () => {
    const h = live()
    h.heartbeat((T0 + 2_000) / 1000)
    expect(h.report(T0, extra).producer).toMatchObject({ online: true, ageMs: 0 })
  })
})

describe('HealthTracker streaming health smoothing', () => {
  const seq = (h: HealthTracker, values: (number | null)[], metric: 'activeSymbols' | 'patternsDetected' = 'activeSymbols'): (number | null)[] =>
    values.map((v, k) => {
      h.observe(health({ [metric]: v, at: epochMs(T0 + k * 10_000) }))
      return h.report(epochMs(T0 + k * 10_000), extra).streamingHealth![metric]
    })

  it('a flap to 0 for one or two reports keeps the last value', () => {
    expect(seq(live(), [70, 0, 70, 0, 0, 71])).toEqual([70, 70, 70, 70, 70, 71])
  })

  it('three zeros in a row are believed, and stay zero', () => {
    expect(seq(live(), [70, 0, 0, 0, 0])).toEqual([70, 70, 70, 0, 0])
  })

  it('each metric is smoothed on its own', () => {
    const h = live()
    h.observe(health({ activeSymbols: 70, patternsDetected: 500 }))
    h.observe(health({ activeSymbols: 0, patternsDetected: 510 }))
    h.observe(health({ activeSymbols: 0, patternsDetected: 0 }))
    const s = h.report(T0, extra).streamingHealth!
    expect(s.activeSymbols).toBe(70)
    expect(s.patternsDetected).toBe(510)
  })

  it('a zero as the very first report is shown as zero (nothing to hold on to)', () => {
    expect(seq(live(), [0, 5])).toEqual([0, 5])
  })

  it('ticks per second flapping to 0 holds, then follows real values', () => {
    const h = live()
    const tps: (number | null)[] = []
    for (const v of [100, 0, 0, 100]) {
      h.observe(health({ ticksPerSecond: v }))
      tps.push(h.report(T0, extra).streamingHealth!.ticksPerSecond)
    }
    expect(tps.slice(0, 3)).toEqual([100, 100, 100])
    expect(tps[3]).toBeGreaterThan(0)
  })

  it('status and session come through unsmoothed', () => {
    const h = live()
    h.observe(health({ status: 'healthy' }))
    h.observe(health({ status: 'critical', at: epochMs(T0 + 10_000) }))
    expect(h.report(T0, extra).streamingHealth).toMatchObject({ status: 'critical', sessionId: 's-1', at: T0 + 10_000 })
  })
})

describe('HealthTracker session', () => {
  it('infers a running session from health when no session_started was seen', () => {
    const h = live()
    expect(h.report(T0, extra).session).toBeNull()
    h.observe(health({ sessionId: 'mid-1', activeSymbols: 68 }))
    expect(h.report(T0, extra).session).toMatchObject({ sessionId: 'mid-1', state: 'running', inferred: true, startedAt: null, symbolCount: 68 })
  })

  it('explicit start and stop: running, then stopped keeping what the start told', () => {
    const h = live()
    const startedAt = epochMs(Date.parse('2025-09-16T13:30:00Z'))
    h.observe(session('started', { startedAt, symbolCount: 70, universe: 'market_leaders:top_500' }))
    expect(h.report(T0, extra).session).toMatchObject({ state: 'running', inferred: false, startedAt, symbolCount: 70 })
    // health for the same session does not turn it into an inferred one
    h.observe(health({ sessionId: 's-1' }))
    expect(h.report(T0, extra).session?.inferred).toBe(false)
    const stoppedAt = epochMs(Date.parse('2025-09-16T20:00:00Z'))
    h.observe(session('stopped', { stoppedAt }))
    expect(h.report(T0, extra).session).toEqual({
      sessionId: 's-1',
      state: 'stopped',
      startedAt,
      stoppedAt,
      symbolCount: 70,
      universe: 'market_leaders:top_500',
      inferred: false,
    })
  })

  it('an explicit stop turns an inferred session into a known, stopped one', () => {
    const h = live()
    h.observe(health({ sessionId: 's-1' }))
    h.observe(session('stopped', { stoppedAt: T0 }))
    expect(h.report(T0, extra).session).toMatchObject({ state: 'stopped', inferred: false, stoppedAt: T0 })
  })

  it('health from a new session after a stop infers the new session', () => {
    const h = live()
    h.observe(session('started'))
    h.observe(session('stopped', { stoppedAt: T0 }))
    h.observe(health({ sessionId: 's-2' }))
    expect(h.report(T0, extra).session).toMatchObject({ sessionId: 's-2', state: 'running', inferred: true })
  })

  it('system health and other messages leave the session alone', () => {
    const h = live()
    h.observe({ kind: 'health', scope: 'system', status: 'healthy', at: T0, components: {} })
    expect(h.report(T0, extra).session).toBeNull()
    expect(h.report(T0, extra).streamingHealth).toBeNull()
  })
})

describe('HealthTracker rejects', () => {
  it('counts by reason, keeps at most 20 newest samples, truncates raw', () => {
    const h = live()
    for (let k = 0; k < 30; k++) {
      h.reject({ at: epochMs(T0 + k), channel: 'tickstock.events.patterns', reason: k % 3 === 0 ? 'no_symbol' : 'bad_json', detail: `#${k}`, raw: 'x'.repeat(5000) })
    }
    h.reject({ at: T0, channel: 'c', reason: 'junk', detail: 'obj', raw: { test: 'permission_check' } })
    const r = h.report(T0, extra).rejected
    expect(r.total).toBe(31)
    expect(r.byReason).toEqual({ no_symbol: 10, bad_json: 20, junk: 1 })
    expect(r.samples).toHaveLength(20)
    expect(r.samples.at(-1)).toMatchObject({ reason: 'junk', raw: '{"test":"permission_check"}' })
    expect(r.samples[0]!.detail).toBe('#11')
    for (const s of r.samples) expect(s.raw.length).toBeLessThan(400)
  })

  it('a report is a snapshot: later rejects do not change it', () => {
    const h = live()
    h.reject({ at: T0, channel: 'c', reason: 'a', detail: '', raw: '{}' })
    const before = h.report(T0, extra).rejected
    h.reject({ at: T0, channel: 'c', reason: 'a', detail: '', raw: '{}' })
    expect(before.samples).toHaveLength(1)
    expect(before.total).toBe(1)
  })
})

describe('HealthTracker redis state and gaps', () => {
  it('demo mode starts with Redis disabled; live starts connecting', () => {
    expect(new HealthTracker('demo', null, T0).redis).toBe('disabled')
    expect(live().redis).toBe('connecting')
  })

  it('counts reconnect attempts until ready again', () => {
    const h = live()
    const at = (s: number): EpochMs => epochMs(T0 + s * 1000)
    h.setRedisState('ready', at(1))
    h.setRedisState('reconnecting', at(2))
    h.setRedisState('connecting', at(3))
    h.setRedisState('reconnecting', at(4))
    expect(h.report(at(5), extra).redis).toMatchObject({ state: 'reconnecting', reconnectAttempts: 2, since: at(4) })
    h.setRedisState('ready', at(6))
    expect(h.report(at(7), extra).redis).toMatchObject({ state: 'ready', reconnectAttempts: 0, since: at(6) })
  })

  it('a gap is open (to: null) until closed, and reported with its bounds', () => {
    const h = live()
    const g = h.openGap(epochMs(T0 + 1000), 'connection lost')
    expect(h.report(T0, extra).gaps).toEqual([{ from: T0 + 1000, to: null, reason: 'connection lost' }])
    h.closeGap(g, epochMs(T0 + 9000))
    expect(h.report(T0, extra).gaps).toEqual([{ from: T0 + 1000, to: T0 + 9000, reason: 'connection lost' }])
  })

  it('keeps a bounded list of the most recent gaps', () => {
    const h = live()
    for (let k = 0; k < 200; k++) h.closeGap(h.openGap(epochMs(T0 + k * 1000), `g${k}`), epochMs(T0 + k * 1000 + 500))
    const gaps = h.report(T0, extra).gaps
    expect(gaps.length).toBeLessThan(200)
    expect(gaps.at(-1)?.reason).toBe('g199')
  })
})

