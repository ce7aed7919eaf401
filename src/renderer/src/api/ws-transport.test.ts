import { describe, expect, it } from 'vitest'
import { backoffDelay, createWebSocketTransport, DEFAULT_BACKOFF, type Scheduler } from './ws-transport'
import { FakeEngineServer } from '../test-support/fake-engine-server'
import { engineSocketUrl } from './terminal-api'

/** A scheduler the test advances by hand, recording each requested delay. */
function manualScheduler() {
  const queue: { fn: () => void; ms: number; cancelled: boolean }[] = []
  const schedule: Scheduler = (fn, ms) => {
    const entry = { fn, ms, cancelled: false }
    queue.push(entry)
    return () => {
      entry.cancelled = true
    }
  }
  return {
    schedule,
    delays: () => queue.map((q) => q.ms),
    pending: () => queue.filter((q) => !q.cancelled).length,
    runNext() {
      const next = queue.find((q) => !q.cancelled)
      if (!next) throw new Error('nothing scheduled')
      next.cancelled = true
      next.fn()
    },
  }
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0))

describe('backoffDelay', () => {
  it('grows exponentially up to the cap, jitter only shortening it', () => {
    const b = { initialMs: 100, maxMs: 1000, factor: 2, jitter: 0.5 }
    expect([0, 1, 2, 3, 4, 5].map((a) => backoffDelay(a, b, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000])
    expect(backoffDelay(10, b, () => 1)).toBe(500)
    expect(backoffDelay(0, DEFAULT_BACKOFF, () => 0)).toBe(DEFAULT_BACKOFF.initialMs)
  })
})

describe('engineSocketUrl', () => {
  it('follows the page origin', () => {
    expect(engineSocketUrl({ protocol: 'http:', host: '127.0.0.1:8787' })).toBe('ws://127.0.0.1:8787/ws')
    expect(engineSocketUrl({ protocol: 'https:', host: 'desk.example' })).toBe('wss://desk.example/ws')
  })
})

describe('WebSocket transport', () => {
  it('reports open/closed transitions and retries with capped backoff, resetting after a success', async () => {
    const server = new FakeEngineServer()
    const clock = manualScheduler()
    const t = createWebSocketTransport({
      url: 'ws://x/ws',
      connect: server.connect,
      schedule: clock.schedule,
      random: () => 0,
      backoff: { initialMs: 100, maxMs: 400 },
    })
    const states: string[] = []
    t.onState((s) => states.push(s))
    await tick()
    expect(t.isOpen).toBe(true)
    expect(states).toEqual(['open'])

    server.accepting = false
    server.dropAll()
    expect(t.isOpen).toBe(false)
    for (let i = 0; i < 4; i++) {
      clock.runNext()
      await tick()
    }
    expect(clock.delays()).toEqual([100, 200, 400, 400, 400])
    expect(states).toEqual(['open', 'closed'])

    server.accepting = true
    clock.runNext()
    await tick()
    expect(states).toEqual(['open', 'closed', 'open'])
    server.dropAll()
    expect(clock.delays().at(-1)).toBe(100)
    t.dispose()
  })

  it('sends JSON frames only while open and parses incoming frames', async () => {
    const server = new FakeEngineServer()
    const t = createWebSocketTransport({ url: 'ws://x/ws', connect: server.connect })
    const got: unknown[] = []
    t.onMessage((m) => got.push(m))
    t.send({ t: 'req', id: 1, method: 'engine.info', params: {} })
    expect(server.received).toEqual([])
    await tick()
    t.send({ t: 'req', id: 2, method: 'engine.info', params: {} })
    await tick()
    expect(server.received).toEqual([{ t: 'req', id: 2, method: 'engine.info', params: {} }])
    expect(got).toMatchObject([{ t: 'res', id: 2, result: { ok: true } }])
    t.dispose()
  })

  it('dispose closes the socket, reports closed, and stops reconnecting', async () => {
    const server = new FakeEngineServer()
    const clock = manualScheduler()
    const t = createWebSocketTransport({ url: 'ws://x/ws', connect: server.connect, schedule: clock.schedule })
    const states: string[] = []
    t.onState((s) => states.push(s))
    await tick()
    t.dispose()
    expect(states).toEqual(['open', 'closed'])
    expect(server.openConnections).toBe(0)
    expect(clock.pending()).toBe(0)
    expect(server.connectAttempts).toBe(1)
  })

  it('dispose during a pending retry cancels it', async () => {
    const server = new FakeEngineServer()
    server.accepting = false
    const clock = manualScheduler()
    const t = createWebSocketTransport({ url: 'ws://x/ws', connect: server.connect, schedule: clock.schedule })
    await tick()
    expect(clock.pending()).toBe(1)
    t.dispose()
    expect(clock.pending()).toBe(0)
  })
})
