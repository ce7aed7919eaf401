import { describe, expect, it } from 'vitest'
import type { EngineConfigInput } from '../engine/config'
import type { EnginePort, HostToEngine } from '../engine/port'
import { serveEngineOverParentPort, type ParentPortLike } from './engine-utility-host'

class FakeParentPort implements ParentPortLike {
  posted: unknown[] = []
  private listener: ((e: { data: unknown }) => void) | null = null
  on(_event: 'message', listener: (e: { data: unknown }) => void): this {
    this.listener = listener
    return this
  }
  postMessage(message: unknown): void {
    this.posted.push(message)
  }
  deliver(data: unknown): void {
    this.listener?.({ data })
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0))

function setup(runEngine?: (port: EnginePort, config: EngineConfigInput) => Promise<{ dispose(): Promise<void> }>) {
  const parentPort = new FakeParentPort()
  const exits: number[] = []
  const seen: HostToEngine[] = []
  const configs: EngineConfigInput[] = []
  let disposed = 0
  const { started } = serveEngineOverParentPort({
    parentPort,
    exit: (c) => exits.push(c),
    runEngine:
      runEngine ??
      (async (port, config) => {
        configs.push(config)
        await tick()
        port.onMessage((m) => seen.push(m))
        return {
          dispose: async () => {
            disposed++
          },
        }
      }),
  })
  return { parentPort, exits, seen, configs, started, disposed: () => disposed }
}

describe('engine utility process entry (over a fake parentPort)', () => {
  it('starts the engine with the config from the first message and delivers later messages, early ones included', async () => {
    const s = setup()
    s.parentPort.deliver({ t: 'config', config: { dataDir: '/d', redis: null } })
    s.parentPort.deliver({ t: 'req', cid: 1, id: 1, method: 'engine.info', params: {} }) // before runEngine subscribed
    await s.started
    await tick()
    s.parentPort.deliver({ t: 'unsub', cid: 1, sid: 2 })
    expect(s.configs).toEqual([{ dataDir: '/d', redis: null }])
    expect(s.seen).toEqual([
      { t: 'req', cid: 1, id: 1, method: 'engine.info', params: {} },
      { t: 'unsub', cid: 1, sid: 2 },
    ])
  })

  it('ignores messages before the config', async () => {
    const s = setup()
    s.parentPort.deliver({ t: 'req', cid: 1, id: 1, method: 'engine.info', params: {} })
    expect(s.configs).toEqual([])
    expect(s.parentPort.posted).toEqual([{ t: 'log', level: 'warn', msg: 'engine process: message before config ignored' }])
  })

  it('on shutdown disposes the engine, reports stopped and exits 0 (even while still starting)', async () => {
    const s = setup()
    s.parentPort.deliver({ t: 'config', config: {} })
    s.parentPort.deliver({ t: 'shutdown' })
    s.parentPort.deliver({ t: 'shutdown' })
    await s.started
    await tick()
    await tick()
    expect(s.disposed()).toBe(1)
    expect(s.parentPort.posted).toEqual([{ t: 'stopped' }])
    expect(s.exits).toEqual([0])
    expect(s.seen).toEqual([]) // shutdown is handled here, not passed to the engine
  })

  it('reports a failed start as fatal and exits 1', async () => {
    const s = setup(async () => {
      throw new Error('database is newer than this app')
    })
    s.parentPort.deliver({ t: 'config', config: {} })
    await s.started
    expect(s.parentPort.posted).toEqual([{ t: 'fatal', msg: expect.stringContaining('database is newer than this app') }])
    expect(s.exits).toEqual([1])
  })
})
