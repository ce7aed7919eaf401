import fs from 'node:fs'
import path from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import { DatabaseTooNewError, migrate, openDatabase } from './db'
import { LATEST_VERSION, MIGRATIONS, type Migration } from './migrations'
import { PatternStore } from './pattern-store'
import { LayoutStore } from './layout-store'
import { BarStore } from './bar-store'
import type { EpochMs } from '../../../shared/domain'
import { makePattern, tempDirs } from './test-support'

const dirs = tempDirs()
afterEach(() => dirs.cleanup())

const pragma = (db: BetterSqlite3.Database, name: string): unknown => db.pragma(name, { simple: true })

/** A pattern row as a version 1-3 database holds it (no market columns): what an older build wrote. */
function insertOldPatternRow(db: BetterSqlite3.Database, id: number): void {
  db.prepare(
    `INSERT INTO pattern_events (id, tier, symbol, pattern, pattern_key, confidence, priority, detected_at, received_at, expires_at, channel)
     VALUES (?, 'daily', 'AAPL', 'Doji', 'doji', 0.75, 'MEDIUM', ?, ?, ?, 'tickstock:patterns')`,
  ).run(id, 1_760_000_000_000 + id, 1_760_000_000_000 + id, 1_760_000_000_000 + id + 3_600_000)
}

describe('openDatabase', () => {
  it('migrates an empty file to the latest version with the expected pragmas', () => {
    const file = path.join(dirs.make(), 'nested', 'deeper', 'tickstock.db')
    const db = openDatabase(file)
    try {
      expect(fs.existsSync(file)).toBe(true)
      expect(pragma(db, 'user_version')).toBe(LATEST_VERSION)
      expect(LATEST_VERSION).toBe(MIGRATIONS.length)
      expect(pragma(db, 'journal_mode')).toBe('wal')
      expect(pragma(db, 'synchronous')).toBe(1) // NORMAL
      expect(pragma(db, 'foreign_keys')).toBe(1)
      expect(pragma(db, 'busy_timeout')).toBeGreaterThan(0)
      const tables = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all()
      expect(tables).toEqual(['alert_dead_letters', 'alert_rules', 'alerts', 'bars_1m', 'bars_daily', 'confluence_events', 'gaps', 'layouts', 'meta', 'pattern_events', 'regime_events', 'sector_edits'])
      const indexes = db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'index' AND sql IS NOT NULL ORDER BY name").pluck().all()
      expect(indexes).toEqual(['alerts_fired', 'alerts_rule', 'alerts_rule_event', 'alerts_symbol', 'alerts_unread', 'confluence_events_at', 'pattern_events_feed', 'pattern_events_pattern', 'pattern_events_symbol'])
    } finally {
      db.close()
    }
  })

  it('migration 2 adds saved layouts to a version-1 database and keeps its events', () => {
    const file = path.join(dirs.make(), 'tickstock.db')
    const v1 = new BetterSqlite3(file)
    migrate(v1, file, MIGRATIONS.slice(0, 1))
    expect(pragma(v1, 'user_version')).toBe(1)
    insertOldPatternRow(v1, 1)
    v1.close()

    const db = openDatabase(file)
    try {
      expect(pragma(db, 'user_version')).toBe(LATEST_VERSION)
      expect(new PatternStore(db).countPatterns()).toBe(1)
      const layouts = new LayoutStore(db)
      layouts.save('Morning', 1, '{"panels":[]}', 1 as EpochMs)
      expect(layouts.list().map((l) => l.name)).toEqual(['Morning'])
    } finally {
      db.close()
    }
  })

  it('migration 3 adds the bar store to a version-2 database and keeps its events and layouts', () => {
    const file = path.join(dirs.make(), 'tickstock.db')
    const v2 = new BetterSqlite3(file)
    migrate(v2, file, MIGRATIONS.slice(0, 2))
    expect(pragma(v2, 'user_version')).toBe(2)
    insertOldPatternRow(v2, 1)
    new LayoutStore(v2).save('Morning', 1, '{"panels":[]}', 1 as EpochMs)
    v2.close()

    const db = openDatabase(file)
    try {
      expect(pragma(db, 'user_version')).toBe(LATEST_VERSION)
      expect(new PatternStore(db).countPatterns()).toBe(1)
      expect(new LayoutStore(db).list().map((l) => l.name)).toEqual(['Morning'])
      const bars = new BarStore(db)
      expect(bars.upsert1m('SPY', [{ t: 60_000, open: 1, high: 2, low: 0.5, close: 1.5, volume: 10 }])).toBe(1)
      expect(bars.upsertDaily('SPY', [{ date: '2020-01-02', open: 1, high: 2, low: 0.5, close: 1.5, adjClose: 1.4, volume: 10 }])).toBe(1)
      // Both tables are keyed by (symbol, time) without a rowid.
      for (const t of ['bars_1m', 'bars_daily']) {
        expect(db.prepare<[string], string>("SELECT sql FROM sqlite_schema WHERE name = ?").pluck().get(t)).toMatch(/PRIMARY KEY \(symbol, (t|date)\)\s*\) WITHOUT ROWID/)
      }
    } finally {
      db.close()
    }
  })

  it('migration 4 keeps events stored before market stamps (market: null) and stores stamps from then on', () => {
    const file = path.join(dirs.make(), 'tickstock.db')
    const v3 = new BetterSqlite3(file)
    migrate(v3, file, MIGRATIONS.slice(0, 3))
    insertOldPatternRow(v3, 1)
    v3.close()

    const db = openDatabase(file)
    try {
      expect(pragma(db, 'user_version')).toBe(LATEST_VERSION)
      const store = new PatternStore(db)
      const stamp = { regime: 'Bull' as const, risk: 0.42, sector: 'XLK', quadrant: 'Leading' as const, aligned: true }
      store.insertPatterns([makePattern(2, { market: stamp }), makePattern(3, { market: { ...stamp, regime: 'Bear', aligned: false, quadrant: null, sector: null } })])
      const rows = store.queryPatterns({ tier: 'daily', limit: 10 })
      expect(rows.map((r) => [r.id, r.market])).toEqual([
        [3, { regime: 'Bear', risk: 0.42, sector: null, quadrant: null, aligned: false }],
        [2, stamp],
        [1, null],
      ])
      // The boards' market filters: aligned, and the sector's quadrant / fund at arrival.
      expect(store.queryPatterns({ tier: 'daily', limit: 10, aligned: true }).map((r) => r.id)).toEqual([2])
      expect(store.queryPatterns({ tier: 'daily', limit: 10, aligned: false }).map((r) => r.id)).toEqual([3])
      expect(store.queryPatterns({ tier: 'daily', limit: 10, quadrants: ['Leading', 'Improving'] }).map((r) => r.id)).toEqual([2])
      expect(store.queryPatterns({ tier: 'daily', limit: 10, sectors: ['XLK'] }).map((r) => r.id)).toEqual([2])
    } finally {
      db.close()
    }
  })

  it('keeps data across reopen and does not migrate twice', () => {
    const file = path.join(dirs.make(), 'tickstock.db')
    const first = new PatternStore(openDatabase(file))
    const events = [makePattern(1), makePattern(2, { symbol: 'MSFT' })]
    expect(first.insertPatterns(events)).toBe(2)
    first.setMeta('lastCleanShutdown', '1')
    first.close()

    const db = openDatabase(file)
    const second = new PatternStore(db)
    try {
      expect(pragma(db, 'user_version')).toBe(LATEST_VERSION)
      expect(second.queryPatterns({ tier: 'daily', limit: 10 })).toEqual([...events].reverse())
      expect(second.getMeta('lastCleanShutdown')).toBe('1')
      expect(second.maxPatternId()).toBe(2)
    } finally {
      second.close()
    }
  })

  it('works in memory (journal mode "memory")', () => {
    const db = openDatabase(':memory:')
    try {
      expect(pragma(db, 'user_version')).toBe(LATEST_VERSION)
      expect(pragma(db, 'journal_mode')).toBe('memory')
    } finally {
      db.close()
    }
  })

  it.each([
    ['a rollback-journal file', false],
    ['a WAL file', true],
  ])('refuses %s from a newer app and leaves it byte-identical', (_label, wal) => {
    const dir = dirs.make()
    const file = path.join(dir, 'tickstock.db')
    const raw = new BetterSqlite3(file)
    if (wal) raw.pragma('journal_mode = WAL')
    raw.exec("CREATE TABLE future (x TEXT); INSERT INTO future VALUES ('from a later app')")
    raw.pragma(`user_version = ${LATEST_VERSION + 1}`)
    raw.close()
    const before = fs.readFileSync(file)
    const filesBefore = fs.readdirSync(dir).sort()

    let error: unknown
    try {
      openDatabase(file).close()
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(DatabaseTooNewError)
    const tooNew = error as DatabaseTooNewError
    expect(tooNew.name).toBe('DatabaseTooNewError')
    expect(tooNew.version).toBe(LATEST_VERSION + 1)
    expect(tooNew.supportedVersion).toBe(LATEST_VERSION)
    expect(tooNew.message).toContain(file)
    expect(tooNew.message).toContain(`version ${LATEST_VERSION + 1}`)
    expect(tooNew.message).toContain(`version ${LATEST_VERSION}`)
    expect(tooNew.message).toContain('nothing was changed')

    expect(fs.readFileSync(file).equals(before)).toBe(true)
    expect(fs.readdirSync(dir).sort()).toEqual(filesBefore)
  })
})

describe('migrate', () => {
  const table = (name: string): Migration['up'] => (db) => db.exec(`CREATE TABLE ${name} (x INTEGER)`)
  const tableNames = (db: BetterSqlite3.Database): string[] =>
    db.prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()

  it('applies only the missing migrations, in order', () => {
    const db = new BetterSqlite3(':memory:')
    try {
      migrate(db, ':memory:', [{ version: 1, name: 'a', up: table('a') }])
      expect(pragma(db, 'user_version')).toBe(1)
      migrate(db, ':memory:', [
        { version: 1, name: 'a', up: table('a') }, // already applied: would throw "table a already exists" if rerun
        { version: 2, name: 'b', up: table('b') },
      ])
      expect(pragma(db, 'user_version')).toBe(2)
      expect(tableNames(db)).toEqual(['a', 'b'])
    } finally {
      db.close()
    }
  })

  it('rolls back every step when one migration fails', () => {
    const db = new BetterSqlite3(':memory:')
    try {
      const failing: Migration[] = [
        { version: 1, name: 'a', up: table('a') },
        {
          version: 2,
          name: 'broken',
          up: () => {
            throw new Error('boom')
          },
        },
      ]
      expect(() => migrate(db, ':memory:', failing)).toThrow('boom')
      expect(pragma(db, 'user_version')).toBe(0)
      expect(tableNames(db)).toEqual([])
    } finally {
      db.close()
    }
  })

  it('rejects a migration list with a hole', () => {
    const db = new BetterSqlite3(':memory:')
    try {
      expect(() => migrate(db, ':memory:', [{ version: 2, name: 'b', up: table('b') }])).toThrow(/out of order/)
    } finally {
      db.close()
    }
  })
})
