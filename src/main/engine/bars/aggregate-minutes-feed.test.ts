import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from '../store/db'
import { BarStore } from '../store/bar-store'
import { tempDirs } from '../store/test-support'
import { AggregateMinuteRecorder, parseAggregate, parseAggregateMessage } from './aggregate-minutes-feed'
import { StoreBars } from './store-bars'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const S = Date.parse('2020-01-06T14:30:00Z')
const am = (min: number, over: Record<string, unknown> = {}) => ({ ev: 'AM', sym: 'XLF', s: S + min * 60_000, e: S + (min + 1) * 60_000, o: 30, h: 30.2, l: 29.9, c: 30.1, v: 1000, vw: 30.05, ...over })

describe('per-minute aggregates (AM) into the bar store', () => {
  it('parses an aggregate and rejects malformed ones with a reason', () => {
    expect(parseAggregate(am(0))).toEqual({ symbol: 'XLF', row: { t: S, open: 30, high: 30.2, low: 29.9, close: 30.1, volume: 1000 } })
    expect(parseAggregate(am(0, { ev: 'A' }))).toMatch(/ev "A"/)
    expect(parseAggregate(am(0, { sym: '' }))).toMatch(/sym/)
    expect(parseAggregate(am(0, { h: 29 }))).toMatch(/inconsistent/)
    expect(parseAggregate(am(0, { c: -1 }))).toMatch(/c -1 is not a positive price/)
    expect(parseAggregate(am(0, { e: S - 1 }))).toMatch(/does not end the minute/)
    expect(parseAggregateMessage('{nope').rejected[0]).toMatch(/not JSON/)
    const both = parseAggregateMessage(JSON.stringify([am(0), am(1, { v: -3 })]))
    expect(both.ok).toHaveLength(1)
    expect(both.rejected).toEqual([expect.stringMatching(/^v -3/)])
  })

  it('records batches into bars_1m on a real file; a re-published minute replaces the stored one', () => {
    const db = openDatabase(path.join(dirs.make(), 'tickstock.db'))
    try {
      const store = new BarStore(db)
      const rec = new AggregateMinuteRecorder(store, { maxBatch: 1000, maxDelayMs: 10_000 })
      for (let i = 0; i < 5; i++) expect(rec.push(JSON.stringify(am(i, { c: 30 + i / 100, h: 30.5 })))).toEqual([])
      expect(rec.push(JSON.stringify(am(5, { sym: '??' })))).toHaveLength(1)
      expect(store.count1m('XLF')).toBe(0) // batched
      rec.flushNow()
      expect(store.count1m('XLF')).toBe(5)
      rec.push(JSON.stringify(am(4, { c: 30.4, h: 30.6, v: 5 })))
      rec.dispose()
      expect(store.count1m('XLF')).toBe(5)
      expect(rec.recorded).toBe(6)
      expect(rec.rejected).toBe(1)
      const bar = new StoreBars(store).bars('XLF', '5m', 1, S + 10 * 60_000)
      expect(bar).toEqual([{ time: S, open: 30, high: 30.6, low: 29.9, close: 30.4, volume: 4005 }])
    } finally {
      db.close()
    }
  })
})
