import { describe, expect, it } from 'vitest'
import { DeliveryError } from './delivery-error'
import { fakeClock } from './fake-clock'
import { DeliveryQueue, type AttemptReport, type DeadLetter, type DeliveryQueueOptions, type DroppedJob } from './retry'

const T0 = 1_772_551_865_000

/** Lets resolved promises run (the queue reacts to a run's promise). */
const settle = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await Promise.resolve()
}

function setup(over: Partial<DeliveryQueueOptions<string>> = {}) {
  const clock = fakeClock(T0)
  const attempts: AttemptReport<string>[] = []
  const dead: DeadLetter<string>[] = []
  const dropped: DroppedJob<string>[] = []
  const queue = new DeliveryQueue<string>({
    now: clock.now,
    timers: clock,
    random: () => 0.5,
    onAttempt: (r) => attempts.push(r),
    onDeadLetter: (d) => dead.push(d),
    onDropped: (d) => dropped.push(d),
    ...over,
  })
  return { clock, queue, attempts, dead, dropped }
}

const retryable = (msg = 'example.com answered 503 Service Unavailable'): DeliveryError => new DeliveryError(msg, { retryable: true, status: 503 })

/** A run whose attempts are settled by the test. */
function controlled() {
  const calls: { resolve(): void; reject(e: unknown): void; signal: AbortSignal }[] = []
  const run = (signal: AbortSignal): Promise<void> => new Promise((resolve, reject) => calls.push({ resolve, reject, signal }))
  return { calls, run }
}

describe('DeliveryQueue', () => {
  it('retries with backoff 2 s, 10 s, 1 min, 5 min and gives up after 5 attempts as a dead letter', async () => {
    const { clock, queue, attempts, dead } = setup()
    let runs = 0
    queue.enqueue('alert-1:webhook', async () => {
      runs++
      throw retryable()
    })
    await settle()
    const waits: number[] = []
    for (let i = 0; i < 4; i++) {
      waits.push(clock.pending()[0]!)
      clock.advance(clock.pending()[0]!)
      await settle()
    }
    expect(waits).toEqual([2_000, 10_000, 60_000, 300_000])
    expect(runs).toBe(5)
    expect(attempts.map((a) => [a.attempt, a.outcome, a.nextAttemptAt === null ? null : a.nextAttemptAt - a.at])).toEqual([
      [1, 'failed', 2_000],
      [2, 'failed', 10_000],
      [3, 'failed', 60_000],
      [4, 'failed', 300_000],
      [5, 'failed', null],
    ])
    expect(dead).toEqual([{ job: 'alert-1:webhook', attempts: 5, reason: 'example.com answered 503 Service Unavailable', at: T0 + 372_000 }])
    expect(clock.pending()).toEqual([])
    expect(queue.stats()).toMatchObject({ ready: 0, waiting: 0, running: 0, deadLetters: 1, sent: 0 })
  })

  it('spreads the waits by up to ±20 %', async () => {
    for (const [random, wait] of [
      [0, 1_600],
      [0.999999, 2_400],
    ] as const) {
      const { clock, queue } = setup({ random: () => random })
      queue.enqueue('j', async () => {
        throw retryable()
      })
      await settle()
      expect(clock.pending()).toEqual([wait])
    }
  })

  it('reports a failure, then the retry that is sent', async () => {
    const { clock, queue, attempts, dead } = setup()
    let n = 0
    queue.enqueue('j', async () => {
      if (++n === 1) throw retryable()
    })
    await settle()
    clock.advance(2_000)
    await settle()
    expect(attempts.map((a) => ({ attempt: a.attempt, outcome: a.outcome, reason: a.reason }))).toEqual([
      { attempt: 1, outcome: 'failed', reason: 'example.com answered 503 Service Unavailable' },
      { attempt: 2, outcome: 'sent', reason: null },
    ])
    expect(dead).toEqual([])
    expect(queue.stats().sent).toBe(1)
  })

  it('stops at once on a failure that is not retryable', async () => {
    const { clock, queue, attempts, dead } = setup()
    queue.enqueue('j', async () => {
      throw new DeliveryError('authentication failed for me at smtp.example.com:587', { retryable: false })
    })
    await settle()
    expect(attempts).toHaveLength(1)
    expect(attempts[0]!.nextAttemptAt).toBeNull()
    expect(dead).toEqual([{ job: 'j', attempts: 1, reason: 'authentication failed for me at smtp.example.com:587', at: T0 }])
    expect(clock.pending()).toEqual([])
  })

  it('waits at least what Retry-After asks, capped at 15 min', async () => {
    const { clock, queue } = setup()
    queue.enqueue('a', async () => {
      throw new DeliveryError('429', { retryable: true, status: 429, retryAfterMs: 30_000 })
    })
    queue.enqueue('b', async () => {
      throw new DeliveryError('429', { retryable: true, status: 429, retryAfterMs: 86_400_000 })
    })
    await settle()
    expect(clock.pending()).toEqual([30_000, 900_000])
  })

  it('runs at most maxInFlight at once and starts the next as one finishes', async () => {
    const { queue } = setup({ maxInFlight: 4 })
    const { calls, run } = controlled()
    for (let i = 0; i < 10; i++) queue.enqueue(`j${i}`, run)
    expect(calls).toHaveLength(4)
    expect(queue.stats()).toMatchObject({ ready: 6, running: 4 })
    calls[0]!.resolve()
    await settle()
    expect(calls).toHaveLength(5)
  })

  it('drops the oldest waiting job when the queue is full, and reports it', async () => {
    const { queue, dropped } = setup({ maxInFlight: 1, maxQueued: 2 })
    const { calls, run } = controlled()
    for (const j of ['a', 'b', 'c', 'd', 'e']) queue.enqueue(j, run)
    // 'a' is running; 'b' and 'c' were pushed out by 'd' and 'e'.
    expect(dropped.map((d) => [d.job, d.reason, d.attempts])).toEqual([
      ['b', 'queue_full', 0],
      ['c', 'queue_full', 0],
    ])
    expect(queue.stats()).toMatchObject({ ready: 2, running: 1, dropped: 2 })
    calls[0]!.resolve()
    await settle()
    expect(calls).toHaveLength(2)
  })

  it('counts jobs waiting for a retry against the cap', async () => {
    const { queue, dropped } = setup({ maxQueued: 2, maxInFlight: 3 })
    queue.enqueue('a', async () => {
      throw retryable()
    })
    await settle()
    const { run } = controlled()
    queue.enqueue('b', run)
    queue.enqueue('c', run)
    queue.enqueue('d', run)
    expect(queue.stats()).toMatchObject({ waiting: 1, running: 3 })
    const { run: hold } = controlled()
    queue.enqueue('e', hold)
    queue.enqueue('f', hold)
    expect(dropped.map((d) => [d.job, d.attempts])).toEqual([['a', 1]])
  })

  it('abandons an attempt that never settles, as a retryable timeout', async () => {
    const { clock, queue, attempts } = setup({ attemptTimeoutMs: 60_000 })
    const { calls, run } = controlled()
    queue.enqueue('j', run)
    clock.advance(60_000)
    await settle()
    expect(calls[0]!.signal.aborted).toBe(true)
    expect(attempts[0]).toMatchObject({ outcome: 'failed', reason: 'no result after 60 s (timeout)' })
    expect(queue.stats().running).toBe(0)
  })

  it('shows only the kind of an unexpected error, never its message', async () => {
    const { queue, attempts } = setup()
    queue.enqueue('j', async () => {
      throw new TypeError('fetch https://hooks.slack.com/services/T0/B0/SECRETTOKEN failed')
    })
    await settle()
    expect(attempts[0]!.reason).toBe('unexpected error (TypeError)')
  })

  it('keeps going when a callback throws', async () => {
    const errors: unknown[] = []
    const { queue } = setup({
      onAttempt: () => {
        throw new Error('database is closed')
      },
      onCallbackError: (e) => errors.push(e),
    })
    queue.enqueue('a', async () => undefined)
    queue.enqueue('b', async () => undefined)
    await settle()
    expect(errors).toHaveLength(2)
    expect(queue.stats().sent).toBe(2)
  })

  it('whenIdle resolves once nothing is running or ready', async () => {
    const { queue } = setup()
    const { calls, run } = controlled()
    queue.enqueue('a', run)
    let idle = false
    void queue.whenIdle().then(() => (idle = true))
    await settle()
    expect(idle).toBe(false)
    calls[0]!.resolve()
    await settle()
    expect(idle).toBe(true)
  })

  it('dispose cancels timers, aborts running attempts, returns what was not delivered and reports nothing more', async () => {
    const { clock, queue, attempts } = setup()
    queue.enqueue('waiting', async () => {
      throw retryable()
    })
    await settle()
    const { calls, run } = controlled()
    queue.enqueue('running', run)
    expect(queue.dispose().sort()).toEqual(['running', 'waiting'])
    expect(calls[0]!.signal.aborted).toBe(true)
    expect(clock.pending()).toEqual([])
    calls[0]!.resolve()
    await settle()
    expect(attempts).toHaveLength(1)
    expect(queue.enqueue('late', run)).toBe(false)
  })
})
