/**
 * The host side of the engine worker: starts it, waits for it to be ready,
 * and routes responses and pushes to the client (cid) they belong to. If the
 * thread ends without being asked to, every request is answered `unavailable`
 * from then on and the owner is told (`onExit`).
 */
import type { Worker } from 'node:worker_threads'
import type { EngineInfo, ServerMessage } from '../../shared/contract'
import type { EngineConfigInput } from '../engine/config'
import type { EngineToHost, HostToEngine } from '../engine/port'
import { startWorker } from '../engine/workers'

export type ClientSink = (msg: ServerMessage) => void

export interface EngineHostOptions {
  config: EngineConfigInput
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void
  /** The engine thread ended after it was ready without `stop()` being called (crash, fatal error). Called once. */
  onExit?: (code: number) => void
  /** How long `requestJson` waits for the engine before answering `unavailable`, ms (default 10 s). */
  requestTimeoutMs?: number
}

export interface JsonAnswer {
  ok: boolean
  json: string
}
const unavailable = (message: string): JsonAnswer => ({ ok: false, json: JSON.stringify({ error: { code: 'unavailable', message } }) })
const NOT_RUNNING = unavailable('engine is not running')
const DEFAULT_REQUEST_TIMEOUT_MS = 10_000

/** cid 0 is the host's own client (REST handlers). */
const INTERNAL_CID = 0

export class EngineHost {
  private worker: Worker | null = null
  private readonly clients = new Map<number, ClientSink>()
  private readonly internal = new Map<number, (r: JsonAnswer) => void>()
  private nextCid = 1
  private nextInternalId = 1
  private stopped: Promise<void> | null = null
  /** Set by stop(): the exit that follows is expected. */
  private stopRequested = false
  /** What requests get once the thread is gone. */
  private gone: JsonAnswer = NOT_RUNNING
  info: EngineInfo | null = null

  constructor(private readonly opts: EngineHostOptions) {}

  private log(level: 'info' | 'warn' | 'error', msg: string): void {
    ;(this.opts.log ?? defaultLog)(level, msg)
  }

  /** Start the engine thread; resolves when it is ready, rejects with its fatal error. */
  start(): Promise<EngineInfo> {
    const w = startWorker('engine-worker', { config: this.opts.config }, { name: 'tickstock-engine' })
    this.worker = w
    return new Promise((resolve, reject) => {
      let settled = false
      w.on('message', (m: EngineToHost) => {
        switch (m.t) {
          case 'ready':
            this.info = m.info
            settled = true
            resolve(m.info)
            return
          case 'fatal':
            this.log('error', `engine: ${m.msg}`)
            if (!settled) {
              settled = true
              reject(new Error(m.msg))
            }
            return
          case 'log':
            this.log(m.level, `engine: ${m.msg}`)
            return
          case 'stopped':
            return
          case 'res':
            this.clients.get(m.cid)?.({ t: 'res', id: m.id, result: m.result })
            return
          case 'res-json': {
            const cb = this.internal.get(m.id)
            this.internal.delete(m.id)
            cb?.({ ok: m.ok, json: m.json })
            return
          }
          case 'push':
            this.clients.get(m.cid)?.({ t: 'push', topic: m.topic, parts: m.parts })
            return
          case 'suberr':
            this.clients.get(m.cid)?.({ t: 'suberr', sid: m.sid, error: m.error })
            return
        }
      })
      w.on('error', (e) => {
        this.log('error', `engine thread crashed: ${e.stack ?? e.message}`)
        if (!settled) {
          settled = true
          reject(e)
        }
      })
      w.on('exit', (code) => {
        if (this.worker === w) this.worker = null
        const unexpected = settled && !this.stopRequested
        if (unexpected) this.gone = unavailable(`engine stopped unexpectedly (exit ${code})`)
        if (!settled) {
          settled = true
          reject(new Error(`engine thread exited with code ${code} before it was ready`))
        }
        const pending = [...this.internal.values()]
        this.internal.clear()
        for (const cb of pending) cb(this.gone)
        if (unexpected) {
          if (this.opts.onExit) this.opts.onExit(code)
          else this.log('error', `engine stopped unexpectedly (exit ${code}); requests are answered unavailable`)
        }
      })
    })
  }

  private post(m: HostToEngine): void {
    this.worker?.postMessage(m)
  }

  /** Whether the engine thread is up (false before start, after stop, and after it died). */
  get running(): boolean {
    return this.worker !== null
  }

  /**
   * A request from the host itself (REST), answered already serialized: `json` is the value, or `{error}`.
   * Always settles: `unavailable` when the engine is gone, dies meanwhile, or does not answer within the timeout.
   */
  requestJson(method: string, params: unknown, timeoutMs = this.opts.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS): Promise<JsonAnswer> {
    if (!this.worker) return Promise.resolve(this.gone)
    const id = this.nextInternalId++
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        if (!this.internal.delete(id)) return
        this.log('warn', `engine did not answer ${method} within ${timeoutMs} ms`)
        resolve(unavailable(`engine did not answer within ${timeoutMs / 1000} s`))
      }, timeoutMs)
      this.internal.set(id, (r) => {
        clearTimeout(timer)
        resolve(r)
      })
      this.post({ t: 'req', cid: INTERNAL_CID, id, method, params, json: true })
    })
  }

  /** Register a client connection; returns its cid. */
  connect(sink: ClientSink): number {
    const cid = this.nextCid++
    this.clients.set(cid, sink)
    return cid
  }

  fromClient(cid: number, m: { t: 'req'; id: number; method: string; params: unknown } | { t: 'sub'; sid: number; topic: string; filter: unknown } | { t: 'unsub'; sid: number }): void {
    if (!this.clients.has(cid)) return
    this.post({ ...m, cid } as HostToEngine)
  }

  disconnect(cid: number): void {
    if (this.clients.delete(cid)) this.post({ t: 'client-gone', cid })
  }

  /** Drain and stop the engine thread. */
  stop(timeoutMs = 10_000): Promise<void> {
    const w = this.worker
    if (!w) return Promise.resolve()
    this.stopRequested = true
    this.stopped ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.log('warn', 'engine did not stop in time; terminating its thread')
        void w.terminate().then(() => resolve())
      }, timeoutMs)
      w.once('exit', () => {
        clearTimeout(timer)
        this.worker = null
        resolve()
      })
      this.post({ t: 'shutdown' })
    })
    return this.stopped
  }

  /** Test-only: end the engine thread abruptly, as a crash would (no drain). */
  async terminateForTest(): Promise<void> {
    await this.worker?.terminate()
  }
}

function defaultLog(level: 'info' | 'warn' | 'error', msg: string): void {
  const line = `[${new Date().toISOString()}] ${level.toUpperCase()} ${msg}`
  if (level === 'info') console.log(line)
  else console.error(line)
}
