/**
 * Keeps the engine process alive: starts it with its config, queues client
 * traffic until it reports ready, restarts it with exponential backoff when it
 * dies, gives up after repeated fast failures, and drains it on quit.
 * The process itself comes from `spawn` (Electron's utilityProcess in the app,
 * a fake in tests).
 */
import type { EngineInfo } from '../../shared/contract'
import type { EngineConfigInput } from '../engine/config'
import type { EngineToHost, HostToEngine } from '../engine/port'
import type { EngineBootMessage } from './engine-utility-host'

/** A running engine process, as the supervisor needs it. */
export interface EngineChild {
  post(msg: HostToEngine | EngineBootMessage): void
  onMessage(listener: (msg: unknown) => void): void
  onExit(listener: (code: number) => void): void
  kill(): void
}

export type EngineStatus = 'idle' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'failed'

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
  now(): number
}

export interface EngineSupervisorOptions {
  spawn(): EngineChild
  /** Read on every (re)start, so a restart picks up changed settings. */
  config(): EngineConfigInput
  /** Client-addressed and other engine messages not handled here (res, push, suberr). */
  onEngineMessage(msg: EngineToHost): void
  /** The engine reported ready (first start or after a restart). */
  onReady?(info: EngineInfo): void
  /** The engine exited without being asked to. */
  onDown?(reason: string): void
  log?(level: 'info' | 'warn' | 'error', msg: string): void
  timers?: Timers
  /** First restart delay; doubles per consecutive failure up to maxBackoffMs. */
  initialBackoffMs?: number
  maxBackoffMs?: number
  /** An engine that ran this long after ready resets the failure count. */
  stableAfterMs?: number
  /** Stop restarting after this many consecutive failures. */
  maxConsecutiveFailures?: number
  /** How long shutdown may take before the process is killed. */
  drainTimeoutMs?: number
  /** Messages held while the engine starts; older ones are dropped beyond this. */
  queueLimit?: number
}

export interface EngineSupervisor {
  start(): void
  send(msg: HostToEngine): void
  /** Ask the engine to drain and exit; kill it after the drain timeout. Idempotent. */
  stop(): Promise<void>
  readonly status: EngineStatus
  /** Restarts since the last stable run (for tests and diagnostics). */
  readonly consecutiveFailures: number
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
}

const isEngineMessage = (m: unknown): m is EngineToHost =>
  typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string'

export function createEngineSupervisor(opts: EngineSupervisorOptions): EngineSupervisor {
  const timers = opts.timers ?? realTimers
  const log = opts.log ?? (() => {})
  const initialBackoffMs = opts.initialBackoffMs ?? 500
  const maxBackoffMs = opts.maxBackoffMs ?? 30_000
  const stableAfterMs = opts.stableAfterMs ?? 60_000
  const maxFailures = opts.maxConsecutiveFailures ?? 8
  const drainTimeoutMs = opts.drainTimeoutMs ?? 5_000
  const queueLimit = opts.queueLimit ?? 1_000

  let status: EngineStatus = 'idle'
  let child: EngineChild | null = null
  let readyAt: number | null = null
  let failures = 0
  let queue: HostToEngine[] = []
  let restartTimer: unknown = null
  let killTimer: unknown = null
  let stopping: Promise<void> | null = null
  let resolveStopped: (() => void) | null = null

  const finishStop = (): void => {
    status = 'stopped'
    if (killTimer !== null) timers.clearTimeout(killTimer)
    killTimer = null
    resolveStopped?.()
    resolveStopped = null
  }

  const launch = (): void => {
    restartTimer = null
    status = 'starting'
    readyAt = null
    const c = opts.spawn()
    child = c
    c.onMessage((m) => {
      if (c === child) onChildMessage(m)
    })
    c.onExit((code) => {
      if (c === child) onChildExit(code)
    })
    c.post({ t: 'config', config: opts.config() })
  }

  const onChildMessage = (m: unknown): void => {
    if (!isEngineMessage(m)) {
      log('warn', 'engine sent a message without a type; ignored')
      return
    }
    switch (m.t) {
      case 'ready': {
        if (status !== 'starting') return
        status = 'running'
        readyAt = timers.now()
        const held = queue
        queue = []
        for (const q of held) child?.post(q)
        log('info', `engine ready (${m.info.mode}, v${m.info.version})`)
        opts.onReady?.(m.info)
        return
      }
      case 'log':
        log(m.level, `engine: ${m.msg}`)
        return
      case 'fatal':
        log('error', `engine fatal: ${m.msg}`)
        return
      case 'stopped':
        return // the exit follows
      default:
        opts.onEngineMessage(m)
    }
  }

  const onChildExit = (code: number): void => {
    child = null
    if (status === 'stopping') {
      finishStop()
      return
    }
    const ranStable = readyAt !== null && timers.now() - readyAt >= stableAfterMs
    failures = ranStable ? 1 : failures + 1
    queue = []
    const reason = `engine exited with code ${code}`
    opts.onDown?.(reason)
    if (failures > maxFailures) {
      status = 'failed'
      log('error', `${reason}; ${failures} failures in a row, not restarting`)
      return
    }
    const delay = Math.min(maxBackoffMs, initialBackoffMs * 2 ** (failures - 1))
    status = 'backoff'
    log('warn', `${reason}; restarting in ${delay} ms (attempt ${failures})`)
    restartTimer = timers.setTimeout(launch, delay)
  }

  return {
    get status() {
      return status
    },
    get consecutiveFailures() {
      return failures
    },
    start() {
      if (status !== 'idle') return
      launch()
    },
    send(msg) {
      if (status === 'running') {
        child?.post(msg)
      } else if (status === 'starting') {
        if (queue.length >= queueLimit) {
          queue.shift()
          log('warn', 'engine still starting: dropped the oldest queued client message')
        }
        queue.push(msg)
      }
      // backoff, failed, stopping, stopped: the windows were told the engine is gone.
    },
    stop() {
      if (stopping) return stopping
      stopping = new Promise<void>((resolve) => {
        if (restartTimer !== null) {
          timers.clearTimeout(restartTimer)
          restartTimer = null
        }
        const c = child
        if (!c) {
          status = 'stopped'
          resolve()
          return
        }
        status = 'stopping'
        resolveStopped = resolve
        queue = []
        c.post({ t: 'shutdown' })
        killTimer = timers.setTimeout(() => {
          killTimer = null
          log('warn', `engine did not stop within ${drainTimeoutMs} ms; killing it`)
          c.kill()
          // If no exit event follows, do not hold up quitting.
          killTimer = timers.setTimeout(() => {
            child = null
            finishStop()
          }, 1_000)
        }, drainTimeoutMs)
      })
      return stopping
    },
  }
}
