/**
 * Runs deliveries (an email, a webhook call) with retries: exponential backoff
 * with jitter (2 s, 10 s, 1 min, 5 min), at most 5 attempts, a non-retryable
 * failure ends at once. A bounded number run at a time; the queue is capped and
 * drops its oldest job when full. Every attempt is reported, so the engine can
 * record the channel's status (pending -> sent / failed with the reason), and
 * a job that runs out of attempts is reported as a dead letter.
 *
 * `run` is called again for every attempt: it should read the current settings
 * (a password fixed between attempts is used by the next one).
 */
import { epochMs, type EpochMs } from '../../../../shared/domain'
import { DeliveryError, systemTimers, type DeliveryTimers } from './delivery-error'

export interface AttemptReport<T> {
  job: T
  /** 1 for the first attempt. */
  attempt: number
  outcome: 'sent' | 'failed'
  /** Why it failed; null when sent. */
  reason: string | null
  /** When the next attempt runs; null when this was the last (sent, not retryable, or out of attempts). */
  nextAttemptAt: EpochMs | null
  at: EpochMs
}

export interface DeadLetter<T> {
  job: T
  attempts: number
  /** The last attempt's failure. */
  reason: string
  at: EpochMs
}

export interface DroppedJob<T> {
  job: T
  /** Attempts made before it was dropped. */
  attempts: number
  reason: 'queue_full'
  at: EpochMs
}

export interface DeliveryQueueOptions<T> {
  /** Every attempt's outcome. */
  onAttempt?(report: AttemptReport<T>): void
  /** A job that will not be tried again after a failure (not retryable, or out of attempts). */
  onDeadLetter?(letter: DeadLetter<T>): void
  /** A job pushed out by a full queue (the oldest waiting job goes). */
  onDropped?(dropped: DroppedJob<T>): void
  now?: () => number
  timers?: DeliveryTimers
  /** In [0, 1). Default: Math.random. */
  random?: () => number
  /** Wait before attempt 2, 3, ...; the last repeats. Default 2 s, 10 s, 1 min, 5 min. */
  backoffMs?: readonly number[]
  /** Each wait is scaled by a random factor in [1 - jitter, 1 + jitter] (default 0.2) so retries to one service spread out. */
  jitter?: number
  /** Default 5. */
  maxAttempts?: number
  /** Jobs running at once (default 4). */
  maxInFlight?: number
  /** Jobs waiting to run or waiting for a retry (default 1000); beyond it the oldest is dropped. */
  maxQueued?: number
  /** A safety net: an attempt still running after this long is aborted and counted as a retryable failure (default 2 min). */
  attemptTimeoutMs?: number
  /** A server's Retry-After is honoured up to this long (default 15 min). */
  maxRetryAfterMs?: number
  /** A callback above threw (the queue carries on). Default: console.error. */
  onCallbackError?(error: unknown): void
}

export type DeliveryRun = (signal: AbortSignal) => Promise<void>

interface Entry<T> {
  seq: number
  job: T
  run: DeliveryRun
  attempts: number
  state: 'ready' | 'waiting' | 'running'
  /** The retry wait, or the running attempt's time limit. */
  timer: unknown
  abort: AbortController | null
}

export const DEFAULT_BACKOFF_MS = [2_000, 10_000, 60_000, 300_000] as const

/** What a failure says about itself: a DeliveryError knows; anything else is a bug or an unexpected library error, worth another try. */
interface Failure {
  reason: string
  retryable: boolean
  retryAfterMs: number | null
}

function classify(err: unknown): Failure {
  if (err instanceof DeliveryError) return { reason: err.message, retryable: err.retryable, retryAfterMs: err.retryAfterMs }
  // An unknown error's message may quote anything (a URL, a header): only its kind is shown.
  const name = err instanceof Error ? err.name : typeof err
  return { reason: `unexpected error (${name})`, retryable: true, retryAfterMs: null }
}

export class DeliveryQueue<T> {
  /** Insertion order is enqueue order: the first entry not running is the oldest. */
  private readonly entries = new Map<number, Entry<T>>()
  private readonly ready: Entry<T>[] = []
  private seq = 0
  private running = 0
  private disposed = false
  private idleWaiters: (() => void)[] = []
  private counters = { sent: 0, deadLetters: 0, dropped: 0 }

  private readonly now: () => number
  private readonly timers: DeliveryTimers
  private readonly random: () => number
  private readonly backoffMs: readonly number[]
  private readonly jitter: number
  private readonly maxAttempts: number
  private readonly maxInFlight: number
  private readonly maxQueued: number
  private readonly attemptTimeoutMs: number
  private readonly maxRetryAfterMs: number

  constructor(private readonly options: DeliveryQueueOptions<T> = {}) {
    this.now = options.now ?? Date.now
    this.timers = options.timers ?? systemTimers
    this.random = options.random ?? Math.random
    this.backoffMs = options.backoffMs && options.backoffMs.length > 0 ? options.backoffMs : DEFAULT_BACKOFF_MS
    this.jitter = Math.min(1, Math.max(0, options.jitter ?? 0.2))
    this.maxAttempts = Math.max(1, options.maxAttempts ?? 5)
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 4)
    this.maxQueued = Math.max(1, options.maxQueued ?? 1000)
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 120_000
    this.maxRetryAfterMs = options.maxRetryAfterMs ?? 15 * 60_000
  }

  /** Queues a delivery; false after dispose. When the queue is full the oldest waiting job is dropped (and reported) to make room. */
  enqueue(job: T, run: DeliveryRun): boolean {
    if (this.disposed) return false
    const entry: Entry<T> = { seq: ++this.seq, job, run, attempts: 0, state: 'ready', timer: null, abort: null }
    this.entries.set(entry.seq, entry)
    this.ready.push(entry)
    this.enforceCap()
    this.pump()
    return true
  }

  /** Jobs by state, and totals since the start. */
  stats(): { ready: number; waiting: number; running: number; sent: number; deadLetters: number; dropped: number } {
    return { ready: this.ready.length, waiting: this.entries.size - this.ready.length - this.running, running: this.running, ...this.counters }
  }

  /** Resolves once nothing is running or ready to run (jobs waiting for a retry don't count). */
  whenIdle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /**
   * Cancels retry timers, aborts running attempts and stops reporting.
   * Returns the jobs that were not delivered, for the caller to record.
   */
  dispose(): T[] {
    if (this.disposed) return []
    this.disposed = true
    const left: T[] = []
    for (const e of this.entries.values()) {
      if (e.timer !== null) this.timers.clearTimeout(e.timer)
      e.abort?.abort()
      left.push(e.job)
    }
    this.entries.clear()
    this.ready.length = 0
    this.running = 0
    this.settleIdle()
    return left
  }

  private report<A>(callback: ((arg: A) => void) | undefined, arg: A): void {
    if (!callback) return
    try {
      callback.call(this.options, arg)
    } catch (err) {
      ;(this.options.onCallbackError ?? ((e: unknown) => console.error('delivery queue callback failed', e)))(err)
    }
  }

  private isIdle(): boolean {
    return this.disposed || (this.ready.length === 0 && this.running === 0)
  }

  private settleIdle(): void {
    if (!this.isIdle()) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    for (const w of waiters) w()
  }

  private enforceCap(): void {
    while (this.entries.size - this.running > this.maxQueued) {
      let oldest: Entry<T> | undefined
      for (const e of this.entries.values()) {
        if (e.state !== 'running') {
          oldest = e
          break
        }
      }
      if (!oldest) return
      this.entries.delete(oldest.seq)
      if (oldest.state === 'ready') this.ready.splice(this.ready.indexOf(oldest), 1)
      if (oldest.timer !== null) this.timers.clearTimeout(oldest.timer)
      this.counters.dropped++
      this.report(this.options.onDropped, { job: oldest.job, attempts: oldest.attempts, reason: 'queue_full', at: epochMs(this.now()) })
    }
  }

  private pump(): void {
    while (!this.disposed && this.running < this.maxInFlight && this.ready.length > 0) {
      const entry = this.ready.shift()!
      void this.attempt(entry)
    }
    this.settleIdle()
  }

  private async attempt(entry: Entry<T>): Promise<void> {
    entry.state = 'running'
    entry.attempts++
    const abort = new AbortController()
    entry.abort = abort
    this.running++
    const failure = await new Promise<Failure | null>((settle) => {
      entry.timer = this.timers.setTimeout(() => {
        settle({ reason: `no result after ${Math.round(this.attemptTimeoutMs / 1000)} s (timeout)`, retryable: true, retryAfterMs: null })
        abort.abort()
      }, this.attemptTimeoutMs)
      // Disposed: settle so nothing waits on a run that may never end.
      abort.signal.addEventListener('abort', () => settle({ reason: 'cancelled', retryable: true, retryAfterMs: null }), { once: true })
      try {
        entry.run(abort.signal).then(
          () => settle(null),
          (err: unknown) => settle(classify(err)),
        )
      } catch (err) {
        settle(classify(err))
      }
    })
    if (entry.timer !== null) this.timers.clearTimeout(entry.timer)
    entry.timer = null
    // Disposed meanwhile: nobody is listening and the entry is gone.
    if (this.disposed || this.entries.get(entry.seq) !== entry) return
    this.running--
    entry.abort = null
    const at = epochMs(this.now())

    if (failure === null) {
      this.entries.delete(entry.seq)
      this.counters.sent++
      this.report(this.options.onAttempt, { job: entry.job, attempt: entry.attempts, outcome: 'sent', reason: null, nextAttemptAt: null, at })
    } else if (failure.retryable && entry.attempts < this.maxAttempts) {
      const delay = this.retryDelay(entry.attempts, failure.retryAfterMs)
      entry.state = 'waiting'
      entry.timer = this.timers.setTimeout(() => {
        entry.timer = null
        if (this.disposed || this.entries.get(entry.seq) !== entry) return
        entry.state = 'ready'
        this.ready.push(entry)
        this.pump()
      }, delay)
      this.report(this.options.onAttempt, { job: entry.job, attempt: entry.attempts, outcome: 'failed', reason: failure.reason, nextAttemptAt: epochMs(at + delay), at })
    } else {
      this.entries.delete(entry.seq)
      this.counters.deadLetters++
      this.report(this.options.onAttempt, { job: entry.job, attempt: entry.attempts, outcome: 'failed', reason: failure.reason, nextAttemptAt: null, at })
      this.report(this.options.onDeadLetter, { job: entry.job, attempts: entry.attempts, reason: failure.reason, at })
    }
    this.pump()
  }

  /** The wait after `attempts` failed attempts, jittered; at least what the server asked for (capped). */
  private retryDelay(attempts: number, retryAfterMs: number | null): number {
    const base = this.backoffMs[Math.min(attempts - 1, this.backoffMs.length - 1)]!
    const jittered = Math.round(base * (1 - this.jitter + 2 * this.jitter * this.random()))
    return retryAfterMs === null ? jittered : Math.max(jittered, Math.min(retryAfterMs, this.maxRetryAfterMs))
  }
}
