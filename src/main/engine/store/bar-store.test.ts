import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { openDatabase } from './db'
import { BarStore, type MinuteBarRow } from './bar-store'
import { tempDirs } from './test-support'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const minute = (i: number, close = 10 + i): MinuteBarRow => ({ t: 1_700_000_040_000 + i * 60_000, open: close, high: close + 1, low: close - 1, close, volume: 100 + i })

describe('BarStore', () => {
  it('upserts idempotently on a real file: a re-write of the same rows changes nothing, a changed row is updated', () => {
    const file = path.join(dirs.make(), 'tickstock.db')
    const db = openDatabase(file)
    const store = new BarStore(db)
    const rows = Array.from({ length: 10 }, (_, i) => minute(i))
    expect(store.transaction(() => store.upsert1m('XLF', rows))).toBe(10)
    expect(store.transaction(() => store.upsert1m('XLF', rows))).toBe(0)
    expect(store.upsert1m('XLF', [{ ...rows[3]!, close: 99, high: 100 }])).toBe(1)
    expect(store.count1m('XLF')).toBe(10)
    const daily = [{ date: '2020-01-02', open: 1, high: 2, low: 0.5, close: 1.5, adjClose: 1.4, volume: 10 }]
    expect(store.upsertDaily('SPY', daily)).toBe(1)
    expect(store.upsertDaily('SPY', daily)).toBe(0)
    db.close()

    const again = new BarStore(openDatabase(file))
    try {
      expect(again.count1m('XLF')).toBe(10)
      expect(again.recent1m('XLF', Infinity, 3).map((r) => r.t)).toEqual([rows[9]!.t, rows[8]!.t, rows[7]!.t])
      expect(again.recent1m('XLF', rows[4]!.t, 100).map((r) => r.close)).toEqual([99, 12, 11, 10])
      expect(again.recentDaily('SPY', '2020-01-01', 5)).toEqual([])
      expect(again.recentDaily('SPY', '2020-01-02', 5)).toEqual(daily)
      expect(again.hasDaily('SPY')).toBe(true)
      expect(again.has1m('SPY')).toBe(false)
      expect(again.has1m('XLF')).toBe(true)
    } finally {
      again.db.close()
    }
  })

  it('a failing transaction leaves nothing', () => {
    const db = openDatabase(':memory:')
    const store = new BarStore(db)
    expect(() =>
      store.transaction(() => {
        store.upsert1m('XLF', [minute(0), minute(1)])
        throw new Error('disk on fire')
      }),
    ).toThrow('disk on fire')
    expect(store.count1m('XLF')).toBe(0)
    db.close()
  })
})
