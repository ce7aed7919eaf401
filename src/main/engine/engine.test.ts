/**
 * The engine as its hosts see it, on real SQLite files: requests validated at
 * the edge, read-your-writes, dedupe across a restart, retention, refusal of a
 * newer database. The feed is driven directly (no Redis: that path has its
 * own integration test).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path, { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, describe, expect, it } from 'vitest'
import type { PatternQueryResult, Result } from '../../shared/contract'
import type { HealthReport } from '../../shared/domain'
import { engineConfigSchema } from './config'
import { Engine } from './engine'
import type { EngineToHost, EnginePort, HostToEngine } from './port'
import { runEngine } from './run'
import { LATEST_VERSION } from './store/migrations'
import { REAL_DATA_DIR } from './market/testing/real-data'
import { main as importBars } from '../../cli/import'
import { ManualFeed } from './test-support/manual-feed'

const dirs: string[] = []
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'tickstock-engine-'))
  dirs.push(d)
  return d
}
const engines: Engine[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose()
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})


function makeEngine(dataDir: string | null, now: () => number = Date.now, extra: Record<string, unknown> = {}): { engine: Engine; feed: ManualFeed; posted: EngineToHost[] } {
  const feed = new ManualFeed()
  const posted: EngineToHost[] = []
  const engine = new Engine({ config: engineConfigSchema.parse({ dataDir, ...extra }), source: feed, post: (m) => posted.push(m), now })
  engine.start()
  engines.push(engine)
  return { engine, feed, posted }
}

const streaming = (symbol: string, pattern: string, confidence: number, tsSeconds: number): object => ({
  type: 'streaming_pattern',
  detection: { pattern, symbol, confidence, timestamp: tsSeconds, timeframe: '1min', bar_data: { close: 101.5 } },
})

describe('Engine requests', () => {
  it('names the bad field of an invalid request and refuses unknown methods', () => {
    const { engine } = makeEngine(null)
    const bad = engine.handle('patterns.query', { tier: 'weekly', limit: 5000 })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad_request')
      expect(Object.keys(bad.error.fields ?? {})).toEqual(expect.arrayContaining(['tier', 'limit']))
    }
    const unknown = engine.handle('patterns.drop', {})
    expect(unknown.ok).toBe(false)
    if (!unknown.ok) expect(unknown.error.code).toBe('unknown_method')
  })

  it('serves an event the moment it was pushed (read-your-writes through the batch writer)', () => {
    const { engine, feed } = makeEngine(tempDir())
    const now = Date.now() / 1000
    feed.send('tickstock:patterns:streaming', streaming('NVDA', 'Hammer', 0.82, now))
    const r = engine.handle('patterns.query', { tier: 'intraday' }) as Result<PatternQueryResult>
    expect(r.ok && r.value.patterns.map((p) => [p.symbol, p.pattern, p.tier, p.priority])).toEqual([['NVDA', 'Hammer', 'intraday', 'HIGH']])
  })

  it('a host message whose handling throws is answered with an error and the engine keeps serving', () => {
    const { engine, posted } = makeEngine(null)
    // Simulates a bug in the hub (e.g. a topic it was not built for): only the one subscription fails.
    const hub = (engine as unknown as { hub: { subscribe: () => never } }).hub
    const original = hub.subscribe
    hub.subscribe = () => {
      throw new Error('boom')
    }
    engine.onHostMessage({ t: 'sub', cid: 1, sid: 5, topic: 'alerts', filter: {} })
    hub.subscribe = original
    expect(posted.find((m) => m.t === 'suberr')).toMatchObject({ t: 'suberr', cid: 1, sid: 5, error: { code: 'internal', message: expect.stringContaining('boom') } })
    expect(posted.some((m) => m.t === 'log' && m.level === 'error' && m.msg.includes('boom'))).toBe(true)
    engine.onHostMessage({ t: 'req', cid: 1, id: 9, method: 'engine.info', params: {} })
    expect(posted.at(-1)).toMatchObject({ t: 'res', cid: 1, id: 9, result: { ok: true } })
  })

  it('counts junk by reason in health and keeps going', () => {
    const { engine, feed } = makeEngine(null)
    feed.send('tickstock.events.patterns', { test: 'permission_check' })
    feed.sink!.messages(['tickstock.events.patterns'], ['{not json'])
    feed.send('tickstock:patterns:streaming', streaming('AMD', 'Doji', 0.75, Date.now() / 1000))
    const h = (engine.handle('health.get', {}) as { ok: true; value: HealthReport }).value
    expect(h.rejected.byReason).toEqual({ test_message: 1, invalid_json: 1 })
    expect(h.rejected.samples.map((s) => s.raw)).toContain('{not json')
    expect(h.ingest.received).toBe(3)
    expect(h.ingest.patterns).toBe(1)
  })
})

describe('Engine storage', () => {
  it('recognises a detection re-published after a restart, and continues ids', async () => {
    const dir = tempDir()
    const ts = Date.now() / 1000 - 60
    const first = makeEngine(dir)
    first.feed.send('tickstock:patterns:streaming', streaming('TSLA', 'VolumeSpike', 0.9, ts))
    const before = (first.engine.handle('patterns.query', { tier: 'intraday' }) as { ok: true; value: PatternQueryResult }).value.patterns
    expect(before).toHaveLength(1)
    await first.engine.dispose()
    engines.splice(engines.indexOf(first.engine), 1)

    const second = makeEngine(dir)
    // Same detection, another channel and time format: a duplicate.
    second.feed.send('tickstock:patterns:detected', streaming('TSLA', 'VolumeSpikePattern', 0.9, Math.round(ts * 1000)))
    second.feed.send('tickstock:patterns:streaming', streaming('TSLA', 'Hammer', 0.9, ts))
    const after = (second.engine.handle('patterns.query', { tier: 'intraday' }) as { ok: true; value: PatternQueryResult }).value.patterns
    expect(after.map((p) => p.pattern)).toEqual(['Hammer', 'VolumeSpike'])
    expect(after[0]!.id).toBeGreaterThan(before[0]!.id)
    expect(second.engine.healthReport().ingest.duplicates).toBe(1)
  })

  it("finds confluence between yesterday evening's daily setup and this morning's intraday trigger across a restart", async () => {
    const dir = tempDir()
    const now = Date.now()
    const first = makeEngine(dir)
    first.feed.send('tickstock.events.patterns', { event_type: 'pattern_detected', timestamp: (now - 16 * 3600_000) / 1000, data: { symbol: 'NVDA', pattern: 'BullFlag', confidence: 0.88, timestamp: (now - 16 * 3600_000) / 1000, source: 'daily' } })
    await first.engine.dispose()
    engines.splice(engines.indexOf(first.engine), 1)

    const second = makeEngine(dir)
    second.feed.send('tickstock:patterns:streaming', streaming('NVDA', 'Day1Breakout', 0.91, now / 1000))
    const e = (second.engine.handle('patterns.query', { tier: 'intraday' }) as { ok: true; value: PatternQueryResult }).value.patterns[0]!
    expect(e.confluence).toEqual(['daily'])
    expect(second.engine.performance().confluence.total).toBe(1)
  })

  it('keeps a daily detection re-published hours later from being stored twice', () => {
    let t = Date.now()
    const { engine, feed } = makeEngine(tempDir(), () => t)
    const daily = { event: 'pattern_detected', timestamp: new Date(t - 3600_000).toISOString(), source: 'pattern_detection_engine', version: '1.0', payload: { symbol: 'AAPL', pattern: 'MorningStar', timeframe: '1day', confidence: 0.8 } }
    feed.send('tickstock:patterns:detected', daily)
    t += 5 * 3600_000
    feed.send('tickstock:patterns:detected', daily)
    const rows = (engine.handle('patterns.query', { tier: 'daily' }) as { ok: true; value: PatternQueryResult }).value.patterns
    expect(rows).toHaveLength(1)
    expect(engine.healthReport().ingest.duplicates).toBe(1)
  })

  it('shows the time the terminal was not running as a gap, and not a quick restart', async () => {
    const dir = tempDir()
    let t = Date.now()
    const first = makeEngine(dir, () => t)
    await first.engine.dispose()
    engines.splice(engines.indexOf(first.engine), 1)
    const closedAt = t
    t += 10 * 60_000
    const second = makeEngine(dir, () => t)
    expect(second.engine.healthReport().gaps).toEqual([{ from: closedAt, to: t, reason: 'terminal not running' }])
    await second.engine.dispose()
    engines.splice(engines.indexOf(second.engine), 1)
    t += 5000
    const third = makeEngine(dir, () => t)
    expect(third.engine.healthReport().gaps).toHaveLength(1)
  })

  it('removes events older than the retention period at start-up, and nothing newer', async () => {
    const dir = tempDir()
    const day = 24 * 3600_000
    const t = Date.now()
    const first = makeEngine(dir)
    first.feed.send('tickstock:patterns:streaming', streaming('OLD', 'Doji', 0.8, (t - 40 * day) / 1000))
    first.feed.send('tickstock:patterns:streaming', streaming('NEW', 'Doji', 0.8, (t - 1 * day) / 1000))
    await first.engine.dispose()
    engines.splice(engines.indexOf(first.engine), 1)

    const second = makeEngine(dir, Date.now, { retentionDays: 30 })
    const left = (second.engine.handle('patterns.query', { tier: 'intraday' }) as { ok: true; value: PatternQueryResult }).value.patterns
    expect(left.map((p) => p.symbol)).toEqual(['NEW'])
  })

  it('refuses a database from a newer app with a fatal message, leaving the file as it was', async () => {
    const dir = tempDir()
    const file = join(dir, 'tickstock.db')
    const db = new BetterSqlite3(file)
    db.pragma(`user_version = ${LATEST_VERSION + 1}`)
    db.close()
    const posted: EngineToHost[] = []
    const listeners: ((m: HostToEngine) => void)[] = []
    const port: EnginePort = { post: (m) => posted.push(m), onMessage: (l) => (listeners.push(l), () => {}) }
    await expect(runEngine(port, { dataDir: dir })).rejects.toThrow(/newer/i)
    const fatal = posted.find((m) => m.t === 'fatal')
    expect(fatal && fatal.t === 'fatal' && fatal.msg).toMatch(new RegExp(`${LATEST_VERSION + 1}`))
    const again = new BetterSqlite3(file, { readonly: true })
    expect(again.pragma('user_version', { simple: true })).toBe(LATEST_VERSION + 1)
    again.close()
  })
})

describe('Engine layouts, preferences, bars (real SQLite files)', () => {
  const ok = <T>(r: Result<unknown>): T => {
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
    return r.value as T
  }

  it('saves, lists, renames and deletes layouts, and keeps them across a restart with the current one', async () => {
    const dir = tempDir()
    const first = makeEngine(dir)
    const e = first.engine
    ok(e.handle('layouts.save', { name: 'Morning', version: 1, config: { root: { type: 'row' } } }))
    ok(e.handle('layouts.save', { name: 'Close', version: 1, config: { root: { type: 'stack' } } }))
    ok(e.handle('prefs.set', { currentLayout: 'Morning', theme: 'light' }))
    expect(ok<{ layouts: { name: string }[] }>(e.handle('layouts.list', {})).layouts.map((l) => l.name)).toEqual(['Close', 'Morning'])
    ok(e.handle('layouts.rename', { from: 'Morning', to: 'Open' }))
    expect(ok<{ currentLayout: string }>(e.handle('prefs.get', {})).currentLayout).toBe('Open')
    await first.engine.dispose()
    engines.splice(engines.indexOf(first.engine), 1)

    const second = makeEngine(dir).engine
    expect(ok(second.handle('prefs.get', {}))).toEqual({ theme: 'light', currentLayout: 'Open' })
    expect(ok<{ config: unknown }>(second.handle('layouts.get', { name: 'Open' })).config).toEqual({ root: { type: 'row' } })
    expect(ok<{ deleted: boolean }>(second.handle('layouts.delete', { name: 'Open' })).deleted).toBe(true)
    expect(ok<{ currentLayout: string | null }>(second.handle('prefs.get', {})).currentLayout).toBeNull()
  })

  it('refuses bad layout requests with a message naming the field, and changes nothing', () => {
    const { engine } = makeEngine(tempDir())
    ok(engine.handle('layouts.save', { name: 'A', version: 1, config: {} }))
    ok(engine.handle('layouts.save', { name: 'B', version: 1, config: {} }))
    const clash = engine.handle('layouts.rename', { from: 'A', to: 'B' })
    expect(clash).toMatchObject({ ok: false, error: { code: 'bad_request', fields: { to: expect.any(String) } } })
    const missing = engine.handle('layouts.get', { name: 'Nope' })
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found' } })
    const empty = engine.handle('layouts.save', { name: '  ', version: 1, config: {} })
    expect(empty).toMatchObject({ ok: false, error: { code: 'bad_request', fields: { name: expect.any(String) } } })
    const huge = engine.handle('layouts.save', { name: 'Huge', version: 1, config: { blob: 'x'.repeat(600_000) } })
    expect(huge).toMatchObject({ ok: false, error: { code: 'bad_request', fields: { config: expect.any(String) } } })
    const noSuch = engine.handle('prefs.set', { currentLayout: 'Nope' })
    expect(noSuch).toMatchObject({ ok: false, error: { code: 'not_found' } })
    expect(ok<{ layouts: { name: string }[] }>(engine.handle('layouts.list', {})).layouts.map((l) => l.name)).toEqual(['A', 'B'])
  })

  it('serves demo bars near the symbol price the feed reported, and none on live Redis', () => {
    const { engine, feed } = makeEngine(null)
    feed.send('tickstock:patterns:streaming', streaming('AMD', 'Hammer', 0.8, Date.now() / 1000))
    const series = ok<{ bars: { close: number }[]; source: string; timezone: string }>(engine.handle('bars.get', { symbol: 'amd', timeframe: '5m', limit: 30 }))
    expect(series.source).toBe('demo')
    expect(series.timezone).toBe('America/New_York')
    expect(series.bars).toHaveLength(30)
    expect(Math.abs(series.bars.at(-1)!.close - 101.5)).toBeLessThan(1)

    const live = makeEngine(null, Date.now, { redis: { url: 'redis://127.0.0.1:1', options: {} } }).engine
    expect(ok<{ bars: unknown[]; source: string }>(live.handle('bars.get', { symbol: 'AMD', timeframe: '1m' }))).toMatchObject({ bars: [], source: 'none' })
  })

  it('serves stored bars (source "store") for an imported symbol and timeframe, demo or none otherwise', async () => {
    const shared = path.dirname(REAL_DATA_DIR)
    const dir = tempDir()
    const quiet = { out: () => {}, err: () => {}, progress: undefined }
    expect(await importBars(['bars', path.join(shared, 'etf-daily', 'SPY.csv'), path.join(shared, 'intraday', 'XLF-1min.csv'), '--data', dir], quiet)).toBe(0)

    const { engine } = makeEngine(dir)
    const daily = ok<{ bars: { time: number; close: number }[]; source: string }>(engine.handle('bars.get', { symbol: 'spy', timeframe: '1D', limit: 3 }))
    expect(daily.source).toBe('store')
    expect(daily.bars.map((b) => b.time)).toEqual(['2025-12-22', '2025-12-23', '2025-12-24'].map((d) => Date.parse(`${d}T05:00:00Z`)))
    const paged = ok<{ bars: { time: number; close: number }[] }>(engine.handle('bars.get', { symbol: 'SPY', timeframe: '1D', limit: 1, before: Date.parse('2020-03-24T04:00:00Z') }))
    expect(paged.bars).toEqual([expect.objectContaining({ time: Date.parse('2020-03-23T04:00:00Z'), close: 222.95 })])
    const fiveMin = ok<{ bars: { time: number }[]; source: string }>(engine.handle('bars.get', { symbol: 'XLF', timeframe: '5m', limit: 2 }))
    expect(fiveMin.source).toBe('store')
    expect(fiveMin.bars.map((b) => b.time)).toEqual([Date.parse('2019-12-24T10:50:00-05:00'), Date.parse('2019-12-24T10:55:00-05:00')])
    // No 1-minute bars for SPY, nothing at all for AMD: the demo generator in demo mode.
    expect(ok<{ source: string }>(engine.handle('bars.get', { symbol: 'SPY', timeframe: '5m', limit: 2 })).source).toBe('demo')
    expect(ok<{ source: string }>(engine.handle('bars.get', { symbol: 'AMD', timeframe: '1D', limit: 2 })).source).toBe('demo')
    await engine.dispose()

    const live = makeEngine(dir, Date.now, { redis: { url: 'redis://127.0.0.1:1', options: {} } }).engine
    expect(ok<{ source: string }>(live.handle('bars.get', { symbol: 'SPY', timeframe: '1D', limit: 2 })).source).toBe('store')
    expect(ok<{ bars: unknown[]; source: string }>(live.handle('bars.get', { symbol: 'AMD', timeframe: '1D' }))).toMatchObject({ bars: [], source: 'none' })
  })

  it("lists a symbol's events across tiers, newest first", () => {
    const { engine, feed } = makeEngine(tempDir())
    const t = Date.now() / 1000
    feed.send('tickstock:patterns:streaming', streaming('META', 'Hammer', 0.8, t - 20))
    feed.send('tickstock.events.patterns', { data: { symbol: 'META', pattern: 'BullFlag', confidence: 0.9, timestamp: t - 10, source: 'daily' } })
    feed.send('tickstock:patterns:streaming', streaming('AAPL', 'Doji', 0.8, t))
    const rows = ok<{ patterns: { pattern: string; tier: string }[] }>(engine.handle('patterns.symbol', { symbol: 'META' })).patterns
    expect(rows.map((r) => [r.pattern, r.tier])).toEqual([
      ['BullFlag', 'daily'],
      ['Hammer', 'intraday'],
    ])
  })
})
