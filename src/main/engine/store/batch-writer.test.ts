import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { BatchWriter, type BatchTimers } from './batch-writer'
import { openDatabase } from './db'
import { PatternStore } from './pattern-store'
import { makePattern, tempDirs } from './test-support'

/** Timers driven by the test: `advance(ms)` runs what falls due. */
function manualTimers(): BatchTimers & { advance(ms: number): void; pending(): number } {
  let now = 0
  let nextId = 1
  const due = new Map<number, { at: number; fn: () => void }>()
  return {
    setTimeout(fn, ms) {
      const id = nextId++
      due.set(id, { at: now + ms, fn })
      return id
    },
    clearTimeout(handle) {
      due.delete(handle as number)
    },
    advance(ms) {
      const until = now + ms
      for (;;) {
        const next = [...due.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0]
        if (!next) break
        due.delete(next[0])
        now = next[1].at
        next[1].fn()
      }
      now = until
    },
    pending: () => due.size,
  }
}

function recorder(): { flushes: number[][]; flush: (items: number[]) => void } {
  const flushes: number[][] = []
  return { flushes, flush: (items) => void flushes.push(items) }
}

describe('BatchWriter', () => {
  it('flushes as soon as maxBatch items are pending, in batches of at most maxBatch', () => {
    const timers = manualTimers()
    const r = recorder()
    const w = new BatchWriter(r.flush, { maxBatch: 3, maxDelayMs: 100, timers })
    w.push([1, 2])
    expect(r.flushes).toEqual([])
    expect(w.backlog).toBe(2)
    w.push([3])
    expect(r.flushes).toEqual([[1, 2, 3]])
    expect(w.backlog).toBe(0)
    expect(timers.pending()).toBe(0)
    w.push([4, 5, 6, 7, 8, 9, 10])
    expect(r.flushes).toEqual([[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]])
  })

  it('flushes maxDelayMs after the first pending item', () => {
    const timers = manualTimers()
    const r = recorder()
    const w = new BatchWriter(r.flush, { maxBatch: 100, maxDelayMs: 50, timers })
    w.push([1])
    timers.advance(30)
    w.push([2]) // does not restart the clock
    timers.advance(19)
    expect(r.flushes).toEqual([])
    timers.advance(1)
    expect(r.flushes).toEqual([[1, 2]])
    expect(timers.pending()).toBe(0)
    w.push([3])
    timers.advance(50)
    expect(r.flushes).toEqual([[1, 2], [3]])
  })

  it('flushNow writes immediately; dispose writes what is pending and refuses more', () => {
    const timers = manualTimers()
    const r = recorder()
    const w = new BatchWriter(r.flush, { maxBatch: 100, maxDelayMs: 50, timers })
    w.push([1])
    expect(w.flushNow()).toBe(true)
    expect(r.flushes).toEqual([[1]])
    expect(timers.pending()).toBe(0)
    w.push([2, 3])
    w.dispose()
    expect(r.flushes).toEqual([[1], [2, 3]])
    expect(timers.pending()).toBe(0)
    expect(() => w.push([4])).toThrow(/disposed/)
    w.dispose()
    expect(r.flushes).toHaveLength(2)
  })

  it('keeps items when flush throws, reports the error and retries later', () => {
    const timers = manualTimers()
    const written: number[][] = []
    const errors: [unknown, readonly number[]][] = []
    let broken = true
    const w = new BatchWriter<number>(
      (items) => {
        if (broken) throw new Error('SQLITE_BUSY')
        written.push(items)
      },
      { maxBatch: 2, maxDelayMs: 100, timers, onError: (error, batch) => errors.push([error, batch]) },
    )
    w.push([1, 2]) // size flush fails
    expect(errors).toHaveLength(1)
    expect((errors[0]![0] as Error).message).toBe('SQLITE_BUSY')
    expect(errors[0]![1]).toEqual([1, 2])
    expect(w.backlog).toBe(2)

    w.push([3, 4]) // while failing, pushes do not hammer the database
    expect(errors).toHaveLength(1)
    expect(w.backlog).toBe(4)

    timers.advance(100) // retry by timer, still failing
    expect(errors).toHaveLength(2)
    expect(w.backlog).toBe(4)

    broken = false
    timers.advance(100)
    expect(written).toEqual([
      [1, 2],
      [3, 4],
    ])
    expect(w.backlog).toBe(0)
    expect(timers.pending()).toBe(0)
  })

  it('keeps items when the final flush on dispose fails', () => {
    const timers = manualTimers()
    const errors: unknown[] = []
    const w = new BatchWriter<number>(
      () => {
        throw new Error('disk full')
      },
      { maxBatch: 10, maxDelayMs: 100, timers, onError: (e) => errors.push(e) },
    )
    w.push([1, 2])
    w.dispose()
    expect(errors).toHaveLength(1)
    expect(w.backlog).toBe(2)
    expect(w.flushNow()).toBe(false)
    expect(timers.pending()).toBe(0)
  })

  it('accepts pushes made from inside flush', () => {
    const timers = manualTimers()
    const flushes: number[][] = []
    const w: BatchWriter<number> = new BatchWriter<number>(
      (items) => {
        flushes.push(items)
        if (items.includes(1)) w.push([99])
      },
      { maxBatch: 1, maxDelayMs: 10, timers },
    )
    w.push([1])
    expect(flushes).toEqual([[1], [99]])
    expect(w.backlog).toBe(0)
  })
})

describe('BatchWriter backlog bound', () => {
  it('keeps at most maxBacklog items while flushes fail, dropping the oldest and counting them', () => {
    const timers = manualTimers()
    let failing = true
    const written: number[] = []
    const w = new BatchWriter<number>(
      (items) => {
        if (failing) throw new Error('disk full')
        written.push(...items)
      },
      { maxBatch: 10, maxDelayMs: 5, timers, maxBacklog: 25, onError: () => {} },
    )
    w.push(Array.from({ length: 40 }, (_, i) => i))
    expect(w.backlog).toBe(25)
    expect(w.dropped).toBe(15)
    failing = false
    timers.advance(5)
    expect(written).toEqual(Array.from({ length: 25 }, (_, i) => i + 15))
    expect(w.backlog).toBe(0)
  })
})

describe('BatchWriter over PatternStore', () => {
  const dirs = tempDirs()
  afterEach(() => dirs.cleanup())

  it('writes batches in transactions and counts what was stored', () => {
    const store = new PatternStore(openDatabase(path.join(dirs.make(), 'tickstock.db')))
    const timers = manualTimers()
    let stored = 0
    const w = new BatchWriter((items: ReturnType<typeof makePattern>[]) => (stored += store.insertPatterns(items)), { maxBatch: 50, maxDelayMs: 20, timers })
    const events = Array.from({ length: 120 }, (_, i) => makePattern(i + 1))
    w.push(events)
    expect(stored).toBe(120)
    w.push([makePattern(121)])
    timers.advance(20)
    expect(stored).toBe(121)
    w.dispose()
    expect(store.countPatterns()).toBe(121)
    store.close()
  })
})
