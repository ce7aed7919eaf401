/**
 * Collects items and hands them to a synchronous `flush` in batches: one
 * SQLite transaction per batch instead of one per event.
 */

/** The timer functions the writer uses; injected in tests. */
export interface BatchTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export interface BatchWriterOptions<T> {
  /** Flush once this many items are pending. Also the most items handed to one `flush` call. */
  maxBatch: number
  /** Flush at the latest this long after the first pending item arrived; also the retry delay after a failed flush. */
  maxDelayMs: number
  /** Default: the global `setTimeout` / `clearTimeout`. */
  timers?: BatchTimers
  /**
   * Called when `flush` throws. The failed batch and everything after it stay
   * pending and are retried `maxDelayMs` later (or on `flushNow`). Default: console.error.
   */
  onError?: (error: unknown, batch: readonly T[]) => void
  /**
   * At most this many items wait (a disk that stays full must not exhaust
   * memory): beyond it the oldest are dropped and counted in `dropped`.
   * Default: unbounded.
   */
  maxBacklog?: number
}

const defaultTimers: BatchTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

export class BatchWriter<T> {
  private pending: T[] = []
  private timer: { handle: unknown } | null = null
  private flushing = false
  /** After a failed flush, only the timer (or flushNow) retries, not every push. */
  private failing = false
  private disposed = false
  private readonly maxBatch: number
  private readonly maxDelayMs: number
  private readonly timers: BatchTimers
  private readonly onError: (error: unknown, batch: readonly T[]) => void
  private readonly maxBacklog: number
  /** Items dropped because the backlog was full. */
  dropped = 0

  constructor(
    private readonly flush: (items: T[]) => void,
    opts: BatchWriterOptions<T>,
  ) {
    if (!Number.isInteger(opts.maxBatch) || opts.maxBatch < 1) throw new Error('maxBatch must be a positive integer')
    if (!(opts.maxDelayMs >= 0)) throw new Error('maxDelayMs must be >= 0')
    this.maxBatch = opts.maxBatch
    this.maxDelayMs = opts.maxDelayMs
    this.timers = opts.timers ?? defaultTimers
    this.onError = opts.onError ?? ((error) => console.error('BatchWriter: flush failed; items kept for retry', error))
    this.maxBacklog = opts.maxBacklog ?? Number.POSITIVE_INFINITY
  }

  /** Items waiting to be written (including any from a failed flush). */
  get backlog(): number {
    return this.pending.length
  }

  push(items: readonly T[]): void {
    if (this.disposed) throw new Error('BatchWriter is disposed')
    if (items.length === 0) return
    // A loop, not push(...items): spreading a very large array overflows the call stack.
    for (const item of items) this.pending.push(item)
    const excess = this.pending.length - this.maxBacklog
    if (excess > 0) {
      this.pending.splice(0, excess)
      this.dropped += excess
    }
    if (this.pending.length >= this.maxBatch && !this.failing) this.drain()
    else this.arm()
  }

  /** Write everything pending now. Returns false if a flush failed (the items are kept). */
  flushNow(): boolean {
    return this.drain()
  }

  /** Stop the timer and write what is pending (one last attempt; failures go to onError). */
  dispose(): void {
    if (this.disposed) return
    this.disposed = true
    this.disarm()
    this.drain()
  }

  private drain(): boolean {
    // A flush that pushes (or flushes) re-enters here; its items go out in this loop.
    if (this.flushing) return false
    this.disarm()
    this.flushing = true
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.slice(0, this.maxBatch)
        try {
          this.flush(batch)
        } catch (error) {
          this.failing = true
          this.onError(error, batch)
          return false
        }
        this.pending.splice(0, batch.length)
        this.failing = false
      }
      return true
    } finally {
      this.flushing = false
      if (this.pending.length > 0) this.arm()
    }
  }

  private arm(): void {
    if (this.timer !== null || this.disposed) return
    const timer = {
      handle: this.timers.setTimeout(() => {
        if (this.timer === timer) this.timer = null
        this.drain()
      }, this.maxDelayMs),
    }
    this.timer = timer
  }

  private disarm(): void {
    if (this.timer === null) return
    this.timers.clearTimeout(this.timer.handle)
    this.timer = null
  }
}
