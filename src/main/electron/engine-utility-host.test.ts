import { afterEach, describe, expect, it, vi } from 'vitest'
import type { EngineConfigInput } from '../engine/config'
import { Engine } from '../engine/engine'
import type { EnginePort, HostToEngine } from '../engine/port'
import { runEngine as realRunEngine, type RunEngineOptions } from '../engine/run'
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

afterEach(() => {
  vi.restoreAllMocks()
})

type RunEngine = (port: EnginePort, config: EngineConfigInput, options: RunEngineOptions) => Promise<unknown>

function setup(runEngine?: RunEngine) {
  const parentPort = new FakeParentPort()
  const exits: number[] = []
  const seen: HostToEngine[] = []
  const configs: EngineConfigInput[] = []
  const options: RunEngineOptions[] = []
  const { started } = serveEngineOverParentPort({
    parentPort,
    exit: (c) => exits.push(c),
    runEngine:
      runEngine ??
      (async (port, config, opts) => {
        configs.push(config)
        options.push(opts)
        await tick()
        port.onMessage((m) => seen.push(m))
        return {}
      }),
  })
  return { parentPort, exits, seen, configs, options, started }
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

  it('passes shutdown to runEngine (which owns it, even while still starting) and exits with the code onStopped gets', async () => {
    const s = setup()
    s.parentPort.deliver({ t: 'config', config: {} })
    s.parentPort.deliver({ t: 'shutdown' })
    await s.started
    await tick()
    expect(s.seen).toEqual([{ t: 'shutdown' }])
    expect(s.parentPort.posted).toEqual([]) // 'stopped' is runEngine's to post
    expect(s.exits).toEqual([])
    s.options[0]!.onStopped!(0)
    expect(s.exits).toEqual([0])
  })

  it('answers a shutdown before any config (no engine to stop) with stopped and exit 0', () => {
    const s = setup()
    s.parentPort.deliver({ t: 'shutdown' })
    expect(s.configs).toEqual([])
    expect(s.parentPort.posted).toEqual([{ t: 'stopped' }])
    expect(s.exits).toEqual([0])
  })

  it('with the real runEngine: a shutdown (sent twice, while starting) disposes exactly once and posts stopped before onStopped exits', async () => {
    const dispose = vi.spyOn(Engine.prototype, 'dispose')
    const atExit: { disposals: number; posted: unknown[] }[] = []
    const s = setup(async (port, config, options) => {
      const posted: unknown[] = []
      const recording: EnginePort = { post: (m) => (posted.push(m), port.post(m)), onMessage: (l) => port.onMessage(l) }
      return realRunEngine(recording, config, {
        onStopped: (code) => {
          atExit.push({ disposals: dispose.mock.calls.length, posted: [...posted] })
          options.onStopped?.(code)
        },
      })
    })
    s.parentPort.deliver({ t: 'config', config: { dataDir: null, redis: null } })
    s.parentPort.deliver({ t: 'shutdown' })
    s.parentPort.deliver({ t: 'shutdown' })
    await s.started
    await vi.waitFor(() => expect(s.exits).toEqual([0]))
    s.parentPort.deliver({ t: 'shutdown' })
    await tick()
    expect(dispose).toHaveBeenCalledTimes(1)
    expect(atExit).toHaveLength(1)
    expect(atExit[0]!.disposals).toBe(1)
    const kinds = atExit[0]!.posted.map((m) => (m as { t: string }).t)
    expect(kinds).toContain('ready')
    expect(kinds.at(-1)).toBe('stopped')
    expect(kinds.filter((t) => t === 'stopped')).toHaveLength(1)
    expect(s.parentPort.posted.filter((m) => (m as { t: string }).t === 'stopped')).toHaveLength(1)
    expect(s.exits).toEqual([0])
  })

  it('with the real runEngine: a failed dispose is logged, then stopped is posted, then onStopped gets 1', async () => {
    const original = Engine.prototype.dispose
    vi.spyOn(Engine.prototype, 'dispose').mockImplementation(async function (this: Engine) {
      await original.call(this) // still release the demo feed and the database
      throw new Error('disk gone')
    })
    const s = setup(realRunEngine)
    s.parentPort.deliver({ t: 'config', config: { dataDir: null, redis: null } })
    await s.started
    s.parentPort.deliver({ t: 'shutdown' })
    await vi.waitFor(() => expect(s.exits).toEqual([1]))
    const tail = s.parentPort.posted.slice(-2)
    expect(tail).toEqual([{ t: 'log', level: 'error', msg: expect.stringContaining('disk gone') }, { t: 'stopped' }])
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
