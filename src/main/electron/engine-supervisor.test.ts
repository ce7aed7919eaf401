import { describe, expect, it } from 'vitest'
import type { EngineInfo } from '../../shared/contract'
import type { EngineToHost } from '../engine/port'
import { createEngineSupervisor, type EngineChild, type EngineSupervisorOptions, type Timers } from './engine-supervisor'

class FakeClock implements Timers {
  t = 0
  private seq = 0
  private pending = new Map<number, { at: number; fn: () => void }>()
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq
    this.pending.set(id, { at: this.t + ms, fn })
    return id
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number)
  }
  now(): number {
    return this.t
  }
  /** Advance time, firing due timers in order. */
  advance(ms: number): void {
    const end = this.t + ms
    for (;;) {
      const due = [...this.pending.entries()].filter(([, p]) => p.at <= end).sort((x, y) => x[1].at - y[1].at)[0]
      if (!due) break
      this.pending.delete(due[0])
      this.t = due[1].at
      due[1].fn()
    }
    this.t = end
  }
  get scheduled(): number[] {
    return [...this.pending.values()].map((p) => p.at - this.t)
  }
}

class FakeChild implements EngineChild {
  posted: unknown[] = []
  killed = false
  private onMsg: ((m: unknown) => void) | null = null
  private onEx: ((c: number) => void) | null = null
  post(msg: unknown): void {
    this.posted.push(msg)
  }
  onMessage(l: (m: unknown) => void): void {
    this.onMsg = l
  }
  onExit(l: (c: number) => void): void {
    this.onEx = l
  }
  kill(): void {
    this.killed = true
  }
  emit(msg: EngineToHost): void {
    this.onMsg?.(msg)
  }
  exit(code: number): void {
    this.onEx?.(code)
  }
}

const info: EngineInfo = {
  mode: 'demo',
  version: '0.1.0',
  thresholds: { daily: 0.6, intraday: 0.7, combo: 0.7 },
  confluenceWindowMs: 1,
  retentionDays: 90,
  dataDir: null,
}

function setup(over: Partial<EngineSupervisorOptions> = {}) {
  const clock = new FakeClock()
  const children: FakeChild[] = []
  const routed: EngineToHost[] = []
  const events: string[] = []
  const logs: string[] = []
  let configCalls = 0
  const sup = createEngineSupervisor({
    spawn: () => {
      const c = new FakeChild()
      children.push(c)
      return c
    },
    config: () => ({ dataDir: `/data/${++configCalls}` }),
    onEngineMessage: (m) => routed.push(m),
    onReady: () => events.push('ready'),
    onDown: () => events.push('down'),
    log: (level, msg) => logs.push(`${level}: ${msg}`),
    timers: clock,
    ...over,
  })
  const last = (): FakeChild => children[children.length - 1]!
  return { sup, clock, children, routed, events, logs, last }
}

describe('engine supervisor', () => {
  it('sends the config first, holds client traffic until ready, then forwards it in order', () => {
    const { sup, last, events } = setup()
    sup.start()
    expect(sup.status).toBe('starting')
    sup.send({ t: 'sub', cid: 1, sid: 1, topic: 'patterns', filter: {} })
    sup.send({ t: 'req', cid: 1, id: 1, method: 'engine.info', params: {} })
    expect(last().posted).toEqual([{ t: 'config', config: { dataDir: '/data/1' } }])
    last().emit({ t: 'ready', info })
    expect(sup.status).toBe('running')
    expect(events).toEqual(['ready'])
    expect(last().posted.slice(1)).toEqual([
      { t: 'sub', cid: 1, sid: 1, topic: 'patterns', filter: {} },
      { t: 'req', cid: 1, id: 1, method: 'engine.info', params: {} },
    ])
    sup.send({ t: 'unsub', cid: 1, sid: 1 })
    expect(last().posted.at(-1)).toEqual({ t: 'unsub', cid: 1, sid: 1 })
  })

  it('hands client messages to the router and keeps log/fatal/stopped for itself', () => {
    const { sup, last, routed, logs } = setup()
    sup.start()
    last().emit({ t: 'ready', info })
    last().emit({ t: 'res', cid: 3, id: 1, result: { ok: true, value: null } })
    last().emit({ t: 'log', level: 'warn', msg: 'slow request' })
    last().emit({ t: 'fatal', msg: 'boom' })
    expect(routed).toEqual([{ t: 'res', cid: 3, id: 1, result: { ok: true, value: null } }])
    expect(logs).toContain('warn: engine: slow request')
    expect(logs).toContain('error: engine fatal: boom')
  })

  it('restarts a crashed engine with exponential backoff, re-reading the config', () => {
    const { sup, clock, children, events, last } = setup({ initialBackoffMs: 500, maxBackoffMs: 4_000 })
    sup.start()
    last().emit({ t: 'ready', info })
    const delays: number[] = []
    for (let i = 0; i < 5; i++) {
      last().exit(1)
      expect(sup.status).toBe('backoff')
      delays.push(clock.scheduled[0]!)
      clock.advance(delays.at(-1)!)
      expect(sup.status).toBe('starting')
    }
    expect(delays).toEqual([500, 1_000, 2_000, 4_000, 4_000])
    expect(children).toHaveLength(6)
    expect(last().posted[0]).toEqual({ t: 'config', config: { dataDir: '/data/6' } })
    expect(events.filter((e) => e === 'down')).toHaveLength(5)
  })

  it('drops client traffic while waiting to restart, and ignores a dead child', () => {
    const { sup, children, clock, last } = setup()
    sup.start()
    const first = last()
    first.emit({ t: 'ready', info })
    first.exit(1)
    sup.send({ t: 'req', cid: 1, id: 9, method: 'engine.info', params: {} })
    clock.advance(500)
    last().emit({ t: 'ready', info })
    expect(children).toHaveLength(2)
    expect(last().posted).toEqual([{ t: 'config', config: { dataDir: '/data/2' } }])
    first.emit({ t: 'ready', info }) // a message from the old process changes nothing
    expect(sup.status).toBe('running')
  })

  it('resets the backoff after a stable run and gives up after too many fast failures', () => {
    const { sup, clock, last, logs } = setup({ initialBackoffMs: 100, stableAfterMs: 10_000, maxConsecutiveFailures: 3 })
    sup.start()
    last().emit({ t: 'ready', info })
    last().exit(1)
    clock.advance(100)
    last().exit(1) // never got ready: second failure
    expect(sup.consecutiveFailures).toBe(2)
    clock.advance(200)
    last().emit({ t: 'ready', info })
    clock.advance(10_000)
    last().exit(1) // after a stable run: counts as the first failure again
    expect(sup.consecutiveFailures).toBe(1)
    expect(clock.scheduled).toEqual([100])
    clock.advance(100)
    last().exit(1)
    clock.advance(200)
    last().exit(1)
    clock.advance(400)
    last().exit(1)
    expect(sup.status).toBe('failed')
    expect(clock.scheduled).toEqual([])
    expect(logs.at(-1)).toMatch(/not restarting/)
  })

  it('on quit asks the engine to shut down and resolves when it exits, without restarting it', async () => {
    const { sup, clock, children, last, events } = setup()
    sup.start()
    last().emit({ t: 'ready', info })
    const stopped = sup.stop()
    expect(sup.stop()).toBe(stopped)
    expect(last().posted.at(-1)).toEqual({ t: 'shutdown' })
    expect(sup.status).toBe('stopping')
    last().emit({ t: 'stopped' })
    last().exit(0)
    await stopped
    expect(sup.status).toBe('stopped')
    clock.advance(60_000)
    expect(children).toHaveLength(1)
    expect(events).toEqual(['ready'])
    expect(last().killed).toBe(false)
  })

  it('kills an engine that does not drain in time', async () => {
    const { sup, clock, last } = setup({ drainTimeoutMs: 2_000 })
    sup.start()
    last().emit({ t: 'ready', info })
    const stopped = sup.stop()
    clock.advance(1_999)
    expect(last().killed).toBe(false)
    clock.advance(1)
    expect(last().killed).toBe(true)
    last().exit(137)
    await stopped
    expect(sup.status).toBe('stopped')
  })

  it('still resolves if a killed engine never reports its exit', async () => {
    const { sup, clock, last } = setup({ drainTimeoutMs: 2_000 })
    sup.start()
    const stopped = sup.stop()
    clock.advance(3_000)
    await stopped
    expect(last().killed).toBe(true)
    expect(sup.status).toBe('stopped')
  })

  it('stopping during a backoff cancels the restart', async () => {
    const { sup, clock, children, last } = setup()
    sup.start()
    last().exit(1)
    await sup.stop()
    clock.advance(60_000)
    expect(children).toHaveLength(1)
    expect(sup.status).toBe('stopped')
  })
})
