/**
 * The headless host under misbehaving clients and a dying engine (demo feed,
 * no Redis): subscription and message-rate limits per WebSocket connection,
 * pushes dropped for a client too far behind, half-open sockets found by
 * ping, and an engine thread that exits while clients are connected.
 */
import { request } from 'node:http'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import type { ServerMessage } from '../../src/shared/contract'
import { startHeadless, type HeadlessHost } from '../../src/main/headless/server'

function get(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }))
    })
      .on('error', reject)
      .end()
  })
}

/** A WebSocket client that records what it receives. */
class Client {
  readonly received: ServerMessage[] = []
  readonly ws: WebSocket
  readonly opened: Promise<void>
  readonly closed: Promise<{ code: number; reason: string }>

  constructor(port: number, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(`ws://127.0.0.1:${port}/ws`, options)
    this.ws.on('message', (data) => this.received.push(JSON.parse(String(data)) as ServerMessage))
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', () => resolve())
      this.ws.once('error', reject)
    })
    this.opened.catch(() => {})
    this.ws.on('error', () => {})
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })))
  }

  send(m: unknown): void {
    this.ws.send(JSON.stringify(m))
  }

  answer(id: number): ServerMessage | undefined {
    return this.received.find((m) => m.t === 'res' && m.id === id)
  }

  /**
   * Wait until everything sent so far has been handled: the engine answers in
   * order, so once a request sent now is answered, so is all before it. Sent
   * again while it is ignored (rate limit).
   */
  async barrier(): Promise<void> {
    const id = 1_000_000 + this.received.length
    await vi.waitFor(
      () => {
        if (!this.answer(id)) {
          this.send({ t: 'req', id, method: 'engine.info', params: {} })
          throw new Error('not answered yet')
        }
      },
      { timeout: 10_000, interval: 100 },
    )
  }

  close(): void {
    this.ws.terminate()
  }
}

describe('WebSocket limits per connection', () => {
  let host: HeadlessHost
  const logs: string[] = []

  beforeAll(async () => {
    host = await startHeadless({
      config: { dataDir: null, demo: { rate: 400 } },
      port: 0,
      rendererDir: null,
      // A small backlog limit, so a stalled client is "too far behind" within seconds.
      wsLimits: { maxBufferedBytes: 64 * 1024 },
      log: (_level, msg) => logs.push(msg),
    })
  })
  afterAll(async () => {
    await host?.close()
  })

  it('refuses the 65th subscription, naming the limit; refused and ended subscriptions do not count', async () => {
    const c = new Client(host.port)
    await c.opened
    try {
      for (let sid = 1; sid <= 65; sid++) c.send({ t: 'sub', sid, topic: 'confluence', filter: {} })
      // Rejected by the engine (bad topic, bad filter): no slot taken.
      c.send({ t: 'sub', sid: 100, topic: 'nope', filter: {} })
      c.send({ t: 'sub', sid: 101, topic: 'patterns', filter: { confidenceMin: 7 } })
      await c.barrier()
      const suberrs = c.received.filter((m) => m.t === 'suberr')
      expect(suberrs.map((m) => m.t === 'suberr' && m.sid)).toEqual([65, 100, 101])
      expect(suberrs[0]).toMatchObject({ error: { code: 'bad_request', message: expect.stringMatching(/\b64\b/) } })
      // Re-subscribing a held sid replaces it and takes no new slot.
      c.send({ t: 'sub', sid: 1, topic: 'confluence', filter: { symbols: ['AAPL'] } })
      c.send({ t: 'unsub', sid: 2 })
      c.send({ t: 'sub', sid: 66, topic: 'confluence', filter: {} })
      c.send({ t: 'sub', sid: 67, topic: 'confluence', filter: {} })
      await c.barrier()
      expect(c.received.filter((m) => m.t === 'suberr').map((m) => m.t === 'suberr' && m.sid)).toEqual([65, 100, 101, 67])
      expect(host.connections().find((s) => s.subscriptions > 0)).toMatchObject({ subscriptions: 64 })
    } finally {
      c.close()
    }
  })

  it('ignores and counts messages beyond 200 a second, and still answers after', async () => {
    const c = new Client(host.port)
    await c.opened
    try {
      for (let id = 1; id <= 300; id++) c.send({ t: 'req', id, method: 'engine.info', params: {} })
      await c.barrier()
      const answered = c.received.filter((m) => m.t === 'res' && m.id <= 300).length
      expect(answered).toBeGreaterThanOrEqual(200)
      expect(answered).toBeLessThan(260)
      const stats = host.connections()
      expect(Math.max(...stats.map((s) => s.ignoredMessages))).toBeGreaterThanOrEqual(300 - answered)
      expect(logs.filter((l) => /messages a second/.test(l))).toHaveLength(1)
    } finally {
      c.close()
    }
  })

  it('drops and counts pushes to a client too far behind, logging it once, and keeps answering', async () => {
    const c = new Client(host.port)
    await c.opened
    try {
      for (let sid = 1; sid <= 32; sid++) c.send({ t: 'sub', sid, topic: 'patterns', filter: {} })
      await c.barrier()
      // Stop reading: the host's send buffer for this client grows until it drops pushes.
      const socket = (c.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket
      socket.pause()
      await vi.waitFor(() => expect(Math.max(...host.connections().map((s) => s.droppedPushes))).toBeGreaterThan(20), { timeout: 20_000, interval: 100 })
      expect(logs.filter((l) => /behind/.test(l))).toHaveLength(1)
      // Answers were never dropped: reading again, the client gets this one.
      socket.resume()
      await c.barrier()
    } finally {
      c.close()
    }
  })
})

describe('WebSocket heartbeat', () => {
  let host: HeadlessHost

  beforeAll(async () => {
    host = await startHeadless({ config: { dataDir: null }, port: 0, rendererDir: null, wsLimits: { pingIntervalMs: 150 }, log: () => {} })
  })
  afterAll(async () => {
    await host?.close()
  })

  it('terminates a client that stopped answering pings (half-open) and keeps one that answers', async () => {
    const live = new Client(host.port)
    const halfOpen = new Client(host.port, { autoPong: false })
    await Promise.all([live.opened, halfOpen.opened])
    let pings = 0
    live.ws.on('ping', () => pings++)
    expect((await halfOpen.closed).code).toBe(1006)
    // Pinged past the sweep that dropped the other: still open.
    const seen = pings
    await vi.waitFor(() => expect(pings).toBeGreaterThan(seen + 1), { timeout: 5_000, interval: 50 })
    expect(live.ws.readyState).toBe(WebSocket.OPEN)
    live.close()
  })
})

describe('engine thread dying under the headless host', () => {
  let host: HeadlessHost
  const exits: number[] = []

  beforeAll(async () => {
    host = await startHeadless({
      config: { dataDir: null },
      port: 0,
      rendererDir: null,
      onEngineExit: (code) => exits.push(code),
      log: () => {},
    })
  })
  afterAll(async () => {
    await host?.close()
  })

  it('answers a request the engine never answers with unavailable after the timeout', async () => {
    const engine = host.engine as unknown as { post(m: { t: string }): void }
    const post = engine.post.bind(engine)
    const swallow = vi.spyOn(engine, 'post').mockImplementation((m) => {
      if (m.t !== 'req') post(m)
    })
    try {
      const r = await host.engine.requestJson('health.get', {}, 200)
      expect(r.ok).toBe(false)
      expect(JSON.parse(r.json)).toMatchObject({ error: { code: 'unavailable', message: expect.stringMatching(/did not answer/) } })
    } finally {
      swallow.mockRestore()
    }
    expect((await host.engine.requestJson('health.get', {})).ok).toBe(true)
  })

  it('closes every WebSocket with 1011, answers REST with 503, and tells the owner once', async () => {
    const c = new Client(host.port)
    await c.opened
    c.send({ t: 'sub', sid: 1, topic: 'health', filter: {} })
    await c.barrier()

    // A request in flight when the engine dies is answered, not left hanging.
    const engine = host.engine as unknown as { post(m: { t: string }): void }
    const post = engine.post.bind(engine)
    const swallow = vi.spyOn(engine, 'post').mockImplementation((m) => {
      if (m.t !== 'req') post(m)
    })
    const inFlight = host.engine.requestJson('health.get', {})
    swallow.mockRestore()

    await host.engine.terminateForTest()
    expect(await c.closed).toEqual({ code: 1011, reason: expect.stringMatching(/engine/) })
    expect(JSON.parse((await inFlight).json)).toMatchObject({ error: { code: 'unavailable' } })
    expect(exits).toEqual([1])

    const rest = await get(host.port, '/api/patterns/daily')
    expect(rest.status).toBe(503)
    expect(JSON.parse(rest.body)).toMatchObject({ error: { code: 'unavailable' } })

    // A client arriving later is told the same way.
    const late = new Client(host.port)
    expect((await late.closed).code).toBe(1011)
  })
})
