/**
 * Simulator -> real redis-server -> engine (worker thread) -> WebSocket client
 * of the headless host, including a Redis restart in the middle.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ServerMessage } from '../../src/shared/contract'
import type { HealthReport, PatternEvent, Tier } from '../../src/shared/domain'
import { TickStockSimulator, parseQuirks } from '../../src/main/engine/sim/simulator'
import { HEARTBEAT_KEY } from '../../src/main/engine/ingest/channels'
import { startHeadless, type HeadlessHost } from '../../src/main/headless/server'
import { startRedis, type RedisHandle } from '../redis-server'

/** Publishes the simulator's messages into Redis on a 20 ms tick while running. */
class Publisher {
  private timer: ReturnType<typeof setInterval> | null = null
  private readonly sim: TickStockSimulator
  private readonly redis: Redis
  published = 0

  constructor(url: string, seed: number) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 100, lazyConnect: false })
    this.redis.on('error', () => {})
    this.sim = new TickStockSimulator({ rate: 200, symbols: 60, quirks: parseQuirks('all'), seed }, Date.now())
  }

  start(): void {
    void this.send(this.sim.start(Date.now()))
    this.timer = setInterval(() => void this.send(this.sim.advance(Date.now())), 20)
  }

  private async send(msgs: { channel: string; message: string }[]): Promise<void> {
    if (this.redis.status !== 'ready') return
    const p = this.redis.pipeline()
    for (const m of msgs) p.publish(m.channel, m.message)
    p.set(HEARTBEAT_KEY, this.sim.heartbeat(Date.now()))
    try {
      await p.exec()
      this.published += msgs.length
    } catch {
      /* redis down: the messages are lost, as in production */
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.redis.disconnect()
  }
}

class WsClient {
  readonly patterns: PatternEvent[] = []
  health: HealthReport | null = null
  pushes = 0
  private readonly waiters: (() => void)[] = []
  private nextId = 1
  private readonly pending = new Map<number, (v: unknown) => void>()

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString()) as ServerMessage
      if (m.t === 'push' && m.topic === 'patterns') {
        this.pushes++
        for (const part of m.parts) this.patterns.push(...(part.payload as PatternEvent[]))
      } else if (m.t === 'push' && m.topic === 'health') this.health = m.parts.at(-1)!.payload as HealthReport
      else if (m.t === 'res') this.pending.get(m.id)?.(m.result)
      for (const w of this.waiters.splice(0)) w()
    })
  }

  static async open(url: string): Promise<WsClient> {
    const ws = new WebSocket(url)
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res())
      ws.once('error', rej)
    })
    return new WsClient(ws)
  }

  send(m: unknown): void {
    this.ws.send(JSON.stringify(m))
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.nextId++
    return new Promise((resolve) => {
      this.pending.set(id, resolve)
      this.send({ t: 'req', id, method, params })
    })
  }

  /** Resolve when `cond` holds after some incoming message; fail after `ms`. */
  async until(cond: () => boolean, what: string, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise<void>((res) => {
        const t = setTimeout(res, 250)
        this.waiters.push(() => {
          clearTimeout(t)
          res()
        })
      })
    }
  }
}

describe('simulator -> Redis -> engine -> WebSocket (real redis-server)', () => {
  let redis: RedisHandle
  let host: HeadlessHost
  let dataDir: string
  let pub: Publisher

  beforeAll(async () => {
    redis = await startRedis()
    dataDir = mkdtempSync(join(tmpdir(), 'tickstock-it-'))
    host = await startHeadless({ config: { dataDir, redis: { url: redis.url, options: {} } }, port: 0, rendererDir: null, log: () => {} })
    pub = new Publisher(redis.url, 11)
  })

  afterAll(async () => {
    await pub?.stop()
    await host?.close()
    await redis?.stop()
    if (dataDir) rmSync(dataDir, { recursive: true, force: true })
  })

  it('delivers tiered events, reports a gap across a Redis restart, keeps what was stored, and resumes', async () => {
    const client = await WsClient.open(`ws://127.0.0.1:${host.port}/ws`)
    client.send({ t: 'sub', sid: 1, topic: 'patterns', filter: {} })
    client.send({ t: 'sub', sid: 2, topic: 'health', filter: {} })
    await client.until(() => client.health?.redis.state === 'ready', 'redis ready')
    pub.start()

    const tiers = (): Set<Tier> => new Set(client.patterns.map((p) => p.tier))
    await client.until(() => tiers().size === 3 && client.patterns.length >= 100, 'events in all three tiers')
    // Coalesced: many events per push, not one message per event.
    expect(client.patterns.length / client.pushes).toBeGreaterThan(1)
    // The producer's copies (streaming + detected channels) were removed: every
    // detection arrives once, and the engine counted the copies it dropped.
    const identity = (p: PatternEvent): string => `${p.tier}|${p.symbol}|${p.patternKey}|${p.timeframe}|${Math.floor(p.detectedAt / 1000)}`
    expect(new Set(client.patterns.map(identity)).size).toBe(client.patterns.length)
    await client.until(() => (client.health?.ingest.duplicates ?? 0) > 0, 'duplicates counted')
    // Rejected junk is counted by reason.
    await client.until(() => (client.health?.rejected.byReason.test_message ?? 0) > 0, 'junk counted as test_message')

    const beforeRestart = (await client.request('patterns.query', { tier: 'intraday', limit: 500 })) as { ok: true; value: { patterns: PatternEvent[] } }
    expect(beforeRestart.ok).toBe(true)
    const storedIds = new Set(beforeRestart.value.patterns.map((p) => p.id))
    expect(storedIds.size).toBeGreaterThan(0)

    const downAt = Date.now()
    await redis.stop()
    await client.until(() => client.health !== null && client.health.redis.state !== 'ready' && client.health.gaps.some((g) => g.to === null), 'an open gap while Redis is down')
    expect(client.health!.redis.state).not.toBe('ready')

    await redis.start()
    await client.until(() => client.health?.redis.state === 'ready', 'redis ready again', 30_000)
    const gap = client.health!.gaps.at(-1)!
    expect(gap.to).not.toBeNull()
    expect(gap.from).toBeGreaterThanOrEqual(downAt - 1000)
    expect(gap.to!).toBeGreaterThan(gap.from)

    const countAfterReconnect = client.patterns.length
    await client.until(() => client.patterns.length > countAfterReconnect + 20, 'delivery resumes after the restart', 30_000)

    // Nothing stored before the restart was lost: the same window of the store still holds every row.
    const newest = beforeRestart.value.patterns[0]!
    const after = (await client.request('patterns.query', { tier: 'intraday', limit: 1000, before: { detectedAt: newest.detectedAt, id: newest.id + 1 } })) as {
      ok: true
      value: { patterns: PatternEvent[] }
    }
    const afterIds = new Set(after.value.patterns.map((p) => p.id))
    const missing = [...storedIds].filter((id) => !afterIds.has(id))
    expect(missing).toEqual([])

    // REST sees the same store.
    const rest = (await (await fetch(`${host.url}api/patterns/intraday?limit=5`)).json()) as { patterns: PatternEvent[]; metadata: { count: number; response_time_ms: number } }
    expect(rest.metadata.count).toBe(5)
    expect(rest.patterns.every((p) => p.tier === 'intraday')).toBe(true)
    const health = (await (await fetch(`${host.url}api/health`)).json()) as HealthReport
    expect(health.gaps.length).toBeGreaterThan(0)
    client.ws.close()
  }, 120_000)

  it('sends each client only what its filter asked for', async () => {
    const a = await WsClient.open(`ws://127.0.0.1:${host.port}/ws`)
    a.send({ t: 'sub', sid: 1, topic: 'patterns', filter: { tiers: ['daily'], confidenceMin: 0.8 } })
    await a.until(() => a.patterns.length >= 5, 'filtered daily events', 30_000)
    expect(a.patterns.every((p) => p.tier === 'daily' && p.confidence >= 0.8)).toBe(true)
    a.ws.close()
  }, 60_000)

  it('records per-minute aggregates from Redis into the bar store, and charts read them', async () => {
    const client = await WsClient.open(`ws://127.0.0.1:${host.port}/ws`)
    client.send({ t: 'sub', sid: 1, topic: 'health', filter: {} })
    // Pub/sub is lossy: publish only once the engine is subscribed.
    await client.until(() => client.health?.redis.state === 'ready', 'redis ready')
    const pubRedis = new Redis(redis.url)
    const start = Math.floor(Date.now() / 60_000) * 60_000 - 5 * 60_000
    const am = (k: number) => ({ ev: 'AM', sym: 'ZZAM', s: start + k * 60_000, e: start + (k + 1) * 60_000, o: 10 + k, h: 11 + k, l: 9 + k, c: 10.5 + k, v: 1000 + k, vw: 10.2 + k })
    await pubRedis.publish('tickstock:bars:minute', JSON.stringify([am(0), am(1), am(2)]))
    await pubRedis.publish('tickstock:bars:minute', JSON.stringify({ ev: 'AM', sym: 'ZZAM', s: 'soon' }))
    type Series = { ok: true; value: { source: string; bars: { time: number; open: number; close: number; volume: number }[] } }
    let series: Series | null = null
    const deadline = Date.now() + 10_000
    while (Date.now() < deadline) {
      series = (await client.request('bars.get', { symbol: 'ZZAM', timeframe: '1m', limit: 10 })) as Series
      if (series.value.source === 'store' && series.value.bars.length === 3) break
      await new Promise((r) => setTimeout(r, 100))
    }
    expect(series!.value.source).toBe('store')
    expect(series!.value.bars.map((b) => [b.time, b.open, b.close, b.volume])).toEqual([0, 1, 2].map((k) => [start + k * 60_000, 10 + k, 10.5 + k, 1000 + k]))
    const health = (await (await fetch(`${host.url}api/health`)).json()) as HealthReport
    expect(health.rejected.byReason.bad_bar).toBeGreaterThanOrEqual(1)
    pubRedis.disconnect()
    client.ws.close()
  })

  it('refuses a WebSocket from another origin', async () => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`, { headers: { Origin: 'https://evil.example' } })
    const outcome = await new Promise<string>((res) => {
      ws.once('open', () => res('open'))
      ws.once('error', () => res('refused'))
      ws.once('unexpected-response', () => res('refused'))
    })
    expect(outcome).toBe('refused')
  })
})
