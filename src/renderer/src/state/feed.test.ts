import { afterEach, describe, expect, it, vi } from 'vitest'
import { createContractClient } from '../../../shared/client'
import type { Scheduler } from '../api/ws-transport'
import { createWebSocketTransport } from '../api/ws-transport'
import { FakeEngineServer } from '../test-support/fake-engine-server'
import { makeEngineInfo, makeEvent, makeHealth } from '../test-support/fixtures'
import { startFeed, INITIAL_QUERY_LIMIT } from './feed'
import { createTerminalStore } from './terminal-store'

const ids = (events: { id: number }[]) => events.map((e) => e.id)

function setup() {
  const server = new FakeEngineServer()
  const retries: (() => void)[] = []
  const schedule: Scheduler = (fn) => {
    retries.push(fn)
    return () => {}
  }
  const transport = createWebSocketTransport({ url: 'ws://x/ws', connect: server.connect, schedule })
  const api = createContractClient(transport, { host: 'browser' })
  const store = createTerminalStore()
  const stop = startFeed(api, store)
  const dispose = () => {
    stop()
    api.dispose()
    transport.dispose()
  }
  cleanups.push(dispose)
  return { server, store, retries, api, stop }
}

const cleanups: (() => void)[] = []
afterEach(() => {
  for (const c of cleanups.splice(0)) c()
})

describe('feed', () => {
  it('loads engine info, health and each tier, then applies pushes', async () => {
    const { server, store } = setup()
    server.info = makeEngineInfo('live')
    server.events = [
      ...Array.from({ length: 150 }, (_, i) => makeEvent(i + 1, 'daily')),
      makeEvent(200, 'intraday'),
      makeEvent(201, 'combo'),
    ]
    await vi.waitFor(() => expect(store.getState().events.combo).toHaveLength(1))
    const s = store.getState()
    expect(s.connection).toBe('open')
    expect(s.engine?.mode).toBe('live')
    expect(s.health?.redis.state).toBe('ready')
    expect(s.events.daily).toHaveLength(INITIAL_QUERY_LIMIT)
    expect(s.events.daily[0]!.id).toBe(150)
    expect(ids(s.events.intraday)).toEqual([200])

    const queries = server.received.filter((m) => m.t === 'req' && m.method === 'patterns.query')
    expect(queries.map((m) => m.t === 'req' && m.params)).toEqual([
      { tier: 'daily', limit: 100 },
      { tier: 'intraday', limit: 100 },
      { tier: 'combo', limit: 100 },
    ])
    expect(server.subscriptions('patterns')).toBe(1)
    expect(server.subscriptions('health')).toBe(1)

    let updates = 0
    store.subscribe(() => updates++)
    server.publish([makeEvent(300, 'daily'), makeEvent(301, 'intraday'), makeEvent(150, 'daily')])
    expect(updates).toBe(1)
    expect(ids(store.getState().events.daily).slice(0, 3)).toEqual([300, 150, 149])
    expect(ids(store.getState().events.intraday)).toEqual([301, 200])

    server.pushHealth(makeHealth({ rejected: { total: 3, byReason: { schema: 3 }, samples: [] } }))
    expect(store.getState().health?.rejected.total).toBe(3)
  })

  it('after a reconnect, resubscribes, backfills what was missed and keeps applying pushes', async () => {
    const { server, store, retries } = setup()
    server.events = [makeEvent(1, 'daily')]
    await vi.waitFor(() => expect(ids(store.getState().events.daily)).toEqual([1]))

    server.dropAll()
    expect(store.getState().connection).toBe('closed')
    expect(server.subscriptions('patterns')).toBe(0)
    // Published while this client was away: a push nobody receives.
    server.publish([makeEvent(2, 'daily'), makeEvent(3, 'combo')])
    expect(ids(store.getState().events.daily)).toEqual([1])

    expect(retries).toHaveLength(1)
    retries[0]!()
    await vi.waitFor(() => expect(store.getState().connection).toBe('open'))
    await vi.waitFor(() => expect(server.subscriptions('patterns')).toBe(1))
    expect(server.subscriptions('health')).toBe(1)
    await vi.waitFor(() => expect(ids(store.getState().events.daily)).toEqual([2, 1]))
    expect(ids(store.getState().events.combo)).toEqual([3])

    server.publish([makeEvent(4, 'daily')])
    expect(ids(store.getState().events.daily)).toEqual([4, 2, 1])
  })

  it('loads at once from a bridge that is connected from the start and never reports open (Electron)', async () => {
    const server = new FakeEngineServer()
    server.events = [makeEvent(1, 'combo')]
    const transport = createWebSocketTransport({ url: 'ws://x/ws', connect: server.connect })
    await vi.waitFor(() => expect(transport.isOpen).toBe(true))
    const api = createContractClient(transport, { host: 'electron' })
    const store = createTerminalStore()
    const stop = startFeed(api, store)
    cleanups.push(() => {
      stop()
      api.dispose()
      transport.dispose()
    })
    expect(store.getState().connection).toBe('open')
    await vi.waitFor(() => expect(ids(store.getState().events.combo)).toEqual([1]))
    expect(server.subscriptions('patterns')).toBe(1)
  })

  it('stops applying pushes once disposed', async () => {
    const { server, store, stop } = setup()
    await vi.waitFor(() => expect(server.subscriptions('patterns')).toBe(1))
    stop()
    await vi.waitFor(() => expect(server.subscriptions('patterns')).toBe(0))
    server.publish([makeEvent(9, 'daily')])
    expect(store.getState().events.daily).toEqual([])
  })
})
