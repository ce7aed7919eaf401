import { Redis } from 'ioredis'
import { afterEach, describe, expect, inject, it } from 'vitest'
import { epochMs } from '../shared/domain'
import { ALL_CHANNELS, CHANNELS, HEARTBEAT_KEY } from '../main/engine/ingest/channels'
import { normalize } from '../main/engine/ingest/normalize'
import { redactUrl } from '../shared/redact'
import { main, parseDuration, parseRate, parseSimArgs, runSimulator, type SimTick } from './sim'

const redisUrl = inject('redisUrl')

function capture(): { out: string[]; err: string[]; io: { out: (l: string) => void; err: (l: string) => void; env: Record<string, string>; handleSignals: boolean } } {
  const out: string[] = []
  const err: string[] = []
  return { out, err, io: { out: (l) => void out.push(l), err: (l) => void err.push(l), env: {}, handleSignals: false } }
}

const clients: Redis[] = []
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.quit().catch(() => c.disconnect())))
})

async function subscriber(): Promise<{ received: { channel: string; message: string }[] }> {
  const sub = new Redis(redisUrl)
  clients.push(sub)
  const received: { channel: string; message: string }[] = []
  sub.on('message', (channel: string, message: string) => void received.push({ channel, message }))
  await sub.subscribe(...ALL_CHANNELS)
  return { received }
}

async function until(cond: () => boolean, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 20))
  }
}

describe('sim argument parsing', () => {
  it('parses rates', () => {
    expect(parseRate('50/s')).toBe(50)
    expect(parseRate('3000/min')).toBe(50)
    expect(parseRate('50')).toBe(50)
    expect(parseRate('7200/h')).toBe(2)
    expect(() => parseRate('0')).toThrow()
    expect(() => parseRate('fast')).toThrow(/fast/)
  })
  it('parses durations', () => {
    expect(parseDuration('60s')).toBe(60_000)
    expect(parseDuration('5m')).toBe(300_000)
    expect(parseDuration('1h')).toBe(3_600_000)
    expect(parseDuration('0')).toBe(0)
    expect(parseDuration('1.5s')).toBe(1500)
    expect(() => parseDuration('soon')).toThrow(/soon/)
  })
  it('has defaults and accepts --flag=value and a leading "sim"', () => {
    const a = parseSimArgs(['sim', '--rate=3000/min', '--quirks', 'aliases,junk', '--seed', '9'], { REDIS_URL: 'redis://h:1' })
    expect(a).toMatchObject({ redisUrl: 'redis://h:1', rate: 50, symbols: 500, durationMs: 0, seed: 9 })
    if (a === 'help') throw new Error('unexpected help')
    expect([...a.quirks]).toEqual(['aliases', 'junk'])
  })
  it('redacts passwords', () => {
    expect(redactUrl('redis://user:secret@host:6379')).toBe('redis://user:***@host:6379')
  })
})

describe('tickstock sim CLI', () => {
  it.each([
    [['--rate', 'fast'], '--rate'],
    [['--rate', '-5'], '--rate'],
    [['--symbols', 'many'], '--symbols'],
    [['--symbols', '0'], '--symbols'],
    [['--quirks', 'aliases,wobbly'], '--quirks'],
    [['--duration', 'forever'], '--duration'],
    [['--seed', 'abc'], '--seed'],
    [['--redis', 'http://x'], '--redis'],
    [['--redis'], '--redis'],
    [['--frobnicate', '1'], '--frobnicate'],
  ])('rejects %j with exit 2 and a one-line message naming %s', async (argv, flag) => {
    const c = capture()
    expect(await main(argv, c.io)).toBe(2)
    expect(c.err).toHaveLength(1)
    expect(c.err[0]).toContain(flag)
    expect(c.err[0]).not.toContain('\n')
    expect(c.out).toEqual([])
  })

  it('prints usage for --help', async () => {
    const c = capture()
    expect(await main(['--help'], c.io)).toBe(0)
    expect(c.out.join('\n')).toMatch(/usage: tickstock sim/)
  })

  it('exits 1 with a message when Redis is unreachable', async () => {
    const c = capture()
    expect(await main(['--redis', 'redis://127.0.0.1:1', '--duration', '1s'], c.io)).toBe(1)
    expect(c.err[0]).toMatch(/cannot connect to redis:\/\/127\.0\.0\.1:1/)
  })

  it('--duration 1s publishes a session, sets the heartbeat and exits 0', async () => {
    const { received } = await subscriber()
    const admin = new Redis(redisUrl)
    clients.push(admin)
    await admin.del(HEARTBEAT_KEY)
    const c = capture()
    const t0 = Date.now()
    const code = await main(['--redis', redisUrl, '--rate', '200/s', '--quirks', 'none', '--duration', '1s', '--seed', '3'], c.io)
    expect(code).toBe(0)
    expect(Date.now() - t0).toBeLessThan(5000)
    expect(c.err).toEqual([])
    expect(c.out).toHaveLength(2)
    expect(c.out[0]).toMatch(/^tickstock sim: publishing to redis:\/\/127\.0\.0\.1:\d+ at 200\/s, 500 symbols, quirks none, seed 3, for 1s$/)
    const stats = JSON.parse(c.out[1]!) as { published: number; detections: number; dropped: number; durationMs: number }
    expect(stats.durationMs).toBe(1000)
    expect(stats.dropped).toBe(0)
    expect(stats.detections).toBeGreaterThan(100)
    expect(stats.published).toBeGreaterThan(stats.detections)

    await until(() => received.some((m) => m.channel === CHANNELS.sessionStopped) && received.length >= stats.published)
    const started = received.find((m) => m.channel === CHANNELS.sessionStarted)
    expect(started).toBeDefined()
    const sessionId = (JSON.parse(started!.message) as { session: { session_id: string } }).session.session_id
    const ours = received.filter((m) => m.message.includes(sessionId))
    expect(ours.some((m) => m.channel === CHANNELS.streamingPatterns)).toBe(true)
    const now = epochMs(Date.now())
    let patterns = 0
    // Only our own messages (the session id is in every streaming detection): other suites may share this Redis.
    for (const m of ours.filter((x) => x.channel === CHANNELS.streamingPatterns || x.channel === CHANNELS.detectedPatterns)) {
      const r = normalize(m.channel, m.message, now)
      expect(r.kind, m.message).toBe('pattern')
      if (r.kind === 'pattern') patterns += r.events.length
    }
    expect(patterns).toBeGreaterThan(50)

    const hb = Number(await admin.get(HEARTBEAT_KEY))
    expect(hb * 1000).toBeGreaterThan(t0 - 1000)
    expect(hb * 1000).toBeLessThanOrEqual(Date.now() + 1000)
  })

  it('runSimulator stops on abort, reports ticks and refreshes the heartbeat', async () => {
    const { received } = await subscriber()
    const admin = new Redis(redisUrl)
    clients.push(admin)
    const ac = new AbortController()
    const ticks: SimTick[] = []
    let heartbeats = 0
    // Watch the heartbeat being refreshed mid-run (heartbeatMs shortened for the test).
    const done = runSimulator({
      redisUrl,
      rate: 500,
      symbols: 100,
      quirks: 'all',
      seed: 4,
      durationMs: 0,
      signal: ac.signal,
      heartbeatMs: 100,
      onTick: (t) => {
        ticks.push({ ...t })
        if (t.stats.detections > 200) ac.abort()
      },
    })
    const seen = new Set<string>()
    const poll = setInterval(() => {
      void admin.get(HEARTBEAT_KEY).then((v) => {
        if (v && !seen.has(v)) {
          seen.add(v)
          heartbeats++
        }
      })
    }, 30)
    const r = await done
    clearInterval(poll)
    expect(r.stats.detections).toBeGreaterThan(200)
    expect(r.durationMs).toBeGreaterThan(0)
    expect(r.durationMs).toBeLessThan(5000)
    expect(ticks.length).toBeGreaterThan(5)
    expect(ticks.reduce((s, t) => s + t.published, 0)).toBeLessThanOrEqual(r.published)
    expect(heartbeats).toBeGreaterThanOrEqual(2)
    await until(() => received.some((m) => m.channel === CHANNELS.sessionStopped))
    // quirks all: no session_started
    expect(received.some((m) => m.channel === CHANNELS.sessionStarted && m.message.includes('market_leaders:top_100'))).toBe(false)
  })
})
