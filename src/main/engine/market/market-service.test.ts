/**
 * The market-state service over a bar store filled with the real ETF history
 * (read from <repo>/../shared/data/etf-daily, never copied), and the engine's
 * market.* requests on a data folder imported with the importer.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { Result } from '../../../shared/contract'
import { patternDirection } from '../../../shared/pattern-catalogue'
import type { MarketState, PatternEvent } from '../../../shared/domain'
import { main as importBars } from '../../../cli/import'
import { engineConfigSchema } from '../config'
import { Engine } from '../engine'
import { BarStore } from '../store/bar-store'
import { openDatabase, type Database } from '../store/db'
import { loadDailyDir } from './load-dir'
import { MARKET_CHECK_MS, MarketService, NO_SPY_REASON } from './market-service'
import { MARKET_UNIVERSE } from './market-state'
import { resolveSector, sectorOf, SYMBOL_SECTOR } from './sectors'
import { assertRealData } from './testing/real-data'
import { ManualFeed } from '../test-support/manual-feed'

describe('sectors table', () => {
  it('resolves funds and names, maps S&P 100 names', () => {
    expect(resolveSector('xlk')).toBe('XLK')
    expect(resolveSector('Technology')).toBe('XLK')
    expect(resolveSector('consumer staples')).toBe('XLP')
    expect(resolveSector('Gold')).toBeNull()
    expect(sectorOf('aapl')).toBe('XLK')
    expect(sectorOf('JPM')).toBe('XLF')
    expect(sectorOf('XOM')).toBe('XLE')
    expect(sectorOf('ZZZZ')).toBeNull()
    expect(SYMBOL_SECTOR.size).toBeGreaterThanOrEqual(100 + 11)
  })
})

describe('MarketService on the real ETF history', () => {
  let db: Database
  let store: BarStore
  let clock = Date.parse('2025-12-27T15:00:00Z')
  let svc: MarketService

  beforeAll(async () => {
    db = openDatabase(':memory:')
    store = new BarStore(db)
    const { bars } = await loadDailyDir(assertRealData(), MARKET_UNIVERSE)
    store.transaction(() => {
      for (const [sym, b] of bars) store.upsertDaily(sym, b)
    })
    svc = new MarketService(store, db, { now: () => clock })
  }, 60_000)
  afterAll(() => db.close())

  it('state: available as of 2025-12-24 with a regime, risk components, breadth and key levels', () => {
    const s = svc.state()
    expect(s.available).toBe(true)
    expect(s.reason).toBeNull()
    expect(s.asOf).toBe('2025-12-24')
    expect(['Bull', 'Bear', 'Consolidation']).toContain(s.regime?.label)
    expect(s.regime!.confidence).toBeGreaterThanOrEqual(0)
    expect(s.regime!.confidence).toBeLessThanOrEqual(1)
    expect(s.regime!.since <= '2025-12-24').toBe(true)
    expect(s.risk!.components.map((c) => c.name)).toEqual(expect.arrayContaining(['IWM/SPY', 'QQQ/SPY', 'SPY/GLD', 'XLF/SPY', 'XLE/SPY', 'XLY/XLP', 'SPY/TLT']))
    expect(Math.abs(s.risk!.score)).toBeLessThanOrEqual(1)
    expect(s.breadth!.above50).not.toBeNull()
    expect(s.keyLevels.map((k) => k.symbol)).toEqual(['SPY', 'QQQ', 'IWM'])
    for (const k of s.keyLevels) expect(k.high52!).toBeGreaterThan(k.low52!)
    expect(s.regimeChanges.length).toBeGreaterThan(0)
    expect(s.regimeChanges.length).toBeLessThanOrEqual(20)
    expect(s.regimeChanges.at(-1)!.to).toBe(s.regime!.label)
  })

  it('etfs: every fund of the universe with returns by period; intraday null without 1-minute bars', () => {
    const etfs = svc.etfs()
    expect(etfs.map((e) => e.symbol)).toEqual(expect.arrayContaining(['SPY', 'QQQ', 'IWM', 'GLD', 'TLT', 'XLK', 'XLC']))
    expect(etfs.map((e) => e.symbol)).not.toContain('VIX')
    const spy = etfs.find((e) => e.symbol === 'SPY')!
    expect(spy.asOf).toBe('2025-12-24')
    expect(spy.relativeStrength).toBeCloseTo(1, 10)
    expect(spy.returns['1Y']).not.toBeNull()
    expect(spy.drawdown!).toBeLessThanOrEqual(0)
    expect(spy.intraday).toBeNull()
    expect(etfs.find((e) => e.symbol === 'XLK')!.sector).toBe('Technology')
  })

  it('sectors: quadrants and tails of the requested length', () => {
    const sectors = svc.sectors(6)
    expect(sectors).toHaveLength(11)
    for (const s of sectors) {
      expect(['Leading', 'Weakening', 'Lagging', 'Improving']).toContain(s.quadrant)
      expect(s.tail.length).toBeLessThanOrEqual(6)
      expect(s.tail.length).toBeGreaterThan(0)
    }
    expect(sectors.find((s) => s.symbol === 'XLRE')!.sector).toBe('Real Estate')
  })

  it('regime periods cover the history in order, agree with the stored changes, and are clipped to the asked dates', () => {
    const periods = svc.regimes()
    expect(periods.length).toBeGreaterThan(10)
    for (let i = 1; i < periods.length; i++) {
      expect(periods[i]!.from > periods[i - 1]!.to).toBe(true)
      expect(periods[i]!.regime).not.toBe(periods[i - 1]!.regime)
    }
    expect(periods.at(-1)!.to).toBe('2025-12-24')
    // The stored changes are the periods' starts (the first one is the history's first regime).
    const stored = svc.regimeChanges(1000)
    expect(stored.map((e) => e.date).reverse()).toEqual(periods.map((p) => p.from))
    expect(stored.map((e) => e.to).reverse()).toEqual(periods.map((p) => p.regime))
    const crash = svc.regimes('2008-10-01', '2009-02-28')
    expect(crash[0]!.from >= '2008-10-01').toBe(true)
    expect(crash.at(-1)!.to <= '2009-02-28').toBe(true)
    expect(crash.some((p) => p.regime === 'Bear')).toBe(true)
  })

  it('stamps a pattern with the regime, risk, its sector and the sector quadrant; aligned only when it points the regime way', () => {
    const state = svc.state()
    const quadrants = new Map(svc.sectors(1).map((x) => [x.symbol, x.quadrant]))
    const bull = svc.stamp('AAPL', 'bullish')
    expect(bull).toEqual({ regime: state.regime!.label, risk: state.risk!.score, sector: 'XLK', quadrant: quadrants.get('XLK'), aligned: state.regime!.label === 'Bull' })
    expect(svc.stamp('AAPL', 'bearish').aligned).toBe(state.regime!.label === 'Bear')
    expect(svc.stamp('AAPL', 'neutral').aligned).toBe(false)
    expect(svc.stamp('ZZZZ', 'bullish')).toMatchObject({ sector: null, quadrant: null })
  })

  it('1-minute bars move the intraday figures and the pulse version without touching the store', () => {
    clock = Date.parse('2025-12-26T15:30:00Z')
    const svc = new MarketService(store, db, { now: () => clock })
    svc.refresh()
    const v = svc.pulse().version
    const prevClose = store.recentDaily('QQQ', '2025-12-24', 1)[0]!.close
    svc.onMinuteBars([{ symbol: 'QQQ', row: { t: Date.parse('2025-12-26T15:29:00Z'), close: prevClose * 0.98 } }])
    expect(svc.pulse()).toMatchObject({ version: v + 1, causes: ['daily', 'intraday'] })
    svc.pushed()
    svc.onMinuteBars([{ symbol: 'QQQ', row: { t: Date.parse('2025-12-26T15:29:30Z'), close: prevClose * 0.98 } }])
    expect(svc.pulse()).toMatchObject({ version: v + 2, causes: ['intraday'] })
    expect(svc.etfs().find((e) => e.symbol === 'QQQ')!.intraday).toBeCloseTo(-0.02, 10)
    // An older bar arriving late does not move it back; a symbol outside the universe is ignored.
    svc.onMinuteBars([{ symbol: 'QQQ', row: { t: Date.parse('2025-12-26T15:20:00Z'), close: prevClose } }, { symbol: 'AAPL', row: { t: Date.parse('2025-12-26T15:29:00Z'), close: 1 } }])
    expect(svc.pulse().version).toBe(v + 2)
    expect(svc.etfs().find((e) => e.symbol === 'QQQ')!.intraday).toBeCloseTo(-0.02, 10)
    clock = Date.parse('2025-12-27T15:00:00Z')
  })

  it.each([20, 60] as const)('correlation %i: symmetric with 1s on the diagonal', (window) => {
    const c = svc.correlation(window)
    expect(c.window).toBe(window)
    expect(c.symbols).toContain('SPY')
    const n = c.symbols.length
    expect(c.matrix).toHaveLength(n)
    for (let i = 0; i < n; i++) {
      expect(c.matrix[i]![i]).toBe(1)
      for (let j = 0; j < n; j++) {
        expect(c.matrix[i]![j]).not.toBeNull()
        expect(c.matrix[i]![j]).toBeCloseTo(c.matrix[j]![i]!, 12)
      }
    }
  })

  it('intraday from 1-minute bars since today 09:30 New York', () => {
    // 2025-12-26 10:00 New York; the last daily close is 2025-12-24's.
    clock = Date.parse('2025-12-26T15:00:00Z')
    const prevClose = store.recentDaily('SPY', '2025-12-24', 1)[0]!.close
    store.upsert1m('SPY', [{ t: Date.parse('2025-12-26T14:59:00Z'), open: prevClose, high: prevClose * 1.02, low: prevClose, close: prevClose * 1.01, volume: 100 }])
    const spy = svc.etfs().find((e) => e.symbol === 'SPY')!
    expect(spy.intraday).toBeCloseTo(0.01, 10)
    expect(svc.etfs().find((e) => e.symbol === 'QQQ')!.intraday).toBeNull()
    clock = Date.parse('2025-12-27T15:00:00Z') // the next day: those bars are yesterday's
    expect(svc.etfs().find((e) => e.symbol === 'SPY')!.intraday).toBeNull()
  })

  it('recomputes on new daily bars, checking at most once a minute', () => {
    const before = svc.state()
    store.upsertDaily('SPY', [{ date: '2025-12-26', open: 690, high: 692, low: 688, close: 691, adjClose: 691, volume: 1 }])
    svc.refresh()
    expect(svc.state()).toEqual(before) // cached: checked less than a minute ago
    clock += MARKET_CHECK_MS
    expect(svc.state()).toEqual(before) // requests never check: the engine's timer does
    svc.refresh()
    expect(svc.state().asOf).toBe('2025-12-26')
    db.prepare("DELETE FROM bars_daily WHERE symbol = 'SPY' AND date = '2025-12-26'").run()
    clock += MARKET_CHECK_MS
    svc.refresh()
    expect(svc.state().asOf).toBe('2025-12-24')
  })
})

describe('stored regime changes', () => {
  it('survive a reopen, keep when they were first seen, and follow a re-import that changes the bars under them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickstock-regimes-'))
    try {
      const file = join(dir, 'tickstock.db')
      const { bars } = await loadDailyDir(assertRealData(), ['SPY', 'QQQ', 'IWM'])
      const fill = (db: Database, upTo: string): void => {
        const store = new BarStore(db)
        store.transaction(() => {
          for (const [sym, b] of bars) store.upsertDaily(sym, b.filter((x) => x.date <= upTo))
        })
      }
      let clock = 1_000
      const seen: string[] = []
      let db = openDatabase(file)
      fill(db, '2019-12-31')
      let svc = new MarketService(new BarStore(db), db, { now: () => clock, onRegimeChange: (c) => seen.push(...c.map((x) => x.date)) })
      const first = svc.regimeChanges(1000)
      expect(first.length).toBeGreaterThan(5)
      expect(seen).toEqual(first.map((e) => e.date).reverse())
      expect(first.every((e) => e.recordedAt === 1_000)).toBe(true)
      db.close()

      // Reopened later with 2020 added: old changes keep their first-seen time, the crash's are new.
      clock = 2_000
      seen.length = 0
      db = openDatabase(file)
      fill(db, '2020-12-31')
      svc = new MarketService(new BarStore(db), db, { now: () => clock, onRegimeChange: (c) => seen.push(...c.map((x) => x.date)) })
      const second = svc.regimeChanges(1000)
      expect(second.filter((e) => e.date <= '2019-12-31')).toEqual(first)
      const added = second.filter((e) => e.date > '2019-12-31')
      expect(added.length).toBeGreaterThan(0)
      expect(added.every((e) => e.recordedAt === 2_000)).toBe(true)
      expect(seen.sort()).toEqual(added.map((e) => e.date).sort())
      expect(added.some((e) => e.to === 'Bear' || e.to === 'Consolidation')).toBe(true)
      db.close()
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 60_000)
})

describe('MarketService on an empty store', () => {
  it('is unavailable, saying how to import bars', () => {
    const db = openDatabase(':memory:')
    const svc = new MarketService(new BarStore(db))
    const s: MarketState = svc.state()
    expect(s).toMatchObject({ available: false, reason: NO_SPY_REASON, asOf: null, regime: null, risk: null, keyLevels: [] })
    expect(svc.etfs()).toEqual([])
    expect(svc.sectors(8)).toEqual([])
    expect(svc.correlation(60)).toEqual({ asOf: null, window: 60, symbols: [], matrix: [] })
    expect(svc.regimeAt()).toBeNull()
    db.close()
  })
})

// ---------------------------------------------------------------- the engine's market.* requests


const ok = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`request failed: ${JSON.stringify(r.error)}`)
  return r.value as T
}

describe('Engine market requests', () => {
  const dirs: string[] = []
  const engines: Engine[] = []
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.dispose()
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })
  const makeEngine = (dataDir: string | null, live = false): { engine: Engine; feed: ManualFeed } => {
    const feed = new ManualFeed()
    // `live`: configured for Redis (the manual feed stands in for it), so there is no demo market.
    const engine = new Engine({ config: engineConfigSchema.parse({ dataDir, ...(live ? { redis: { url: 'redis://127.0.0.1:1' } } : {}) }), source: feed, post: () => {} })
    engine.start()
    engines.push(engine)
    return { engine, feed }
  }

  it('live without imported bars: answers unavailable, and refuses an unknown sector naming it', () => {
    const { engine } = makeEngine(null, true)
    expect(ok<MarketState>(engine.handle('market.state', {}))).toMatchObject({ available: false, reason: NO_SPY_REASON })
    expect(ok<{ regime: null; patterns: PatternEvent[] }>(engine.handle('market.patterns', { alignedOnly: true }))).toEqual({ regime: null, patterns: [] })
    const bad = engine.handle('market.patterns', { sector: 'Gold' })
    expect(bad.ok).toBe(false)
    if (!bad.ok) expect(bad.error.fields).toHaveProperty('sector')
    const badWindow = engine.handle('market.correlation', { window: 30 })
    expect(badWindow.ok).toBe(false)
  })

  it('serves the market from imported bars; alignedOnly in Bull keeps only bullish patterns; sector filters', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tickstock-market-'))
    dirs.push(dir)
    const quiet = { out: () => {}, err: () => {}, progress: undefined }
    const data = assertRealData()
    expect(await importBars(['bars', ...['SPY', 'QQQ', 'IWM', 'GLD', 'XLK', 'XLF'].map((s) => join(data, `${s}.csv`)), '--data', dir], quiet)).toBe(0)
    const { engine, feed } = makeEngine(dir)

    const state = ok<MarketState>(engine.handle('market.state', {}))
    expect(state).toMatchObject({ available: true, asOf: '2025-12-24' })
    expect(state.regime?.label).toBe('Bull')
    expect(ok<{ etfs: { symbol: string }[] }>(engine.handle('market.etfs', {})).etfs.map((e) => e.symbol)).toEqual(['SPY', 'QQQ', 'IWM', 'GLD', 'XLK', 'XLF'])
    expect(ok<{ sectors: { symbol: string; tail: unknown[] }[] }>(engine.handle('market.sectors', { tailWeeks: 4 })).sectors.map((s) => [s.symbol, s.tail.length])).toEqual([
      ['XLK', 4],
      ['XLF', 4],
    ])
    expect(ok<{ window: number; symbols: string[] }>(engine.handle('market.correlation', {}))).toMatchObject({
      window: 60,
      symbols: ['SPY', 'QQQ', 'IWM', 'GLD', 'XLK', 'XLF'],
      asOf: '2025-12-23', // IWM's file ends a day before the others
    })

    const ts = Math.floor(Date.now() / 1000)
    const sent: [string, string][] = [
      ['AAPL', 'Hammer'],
      ['JPM', 'ShootingStar'],
      ['NVDA', 'Doji'],
      ['MSFT', 'BullishEngulfing'],
      ['XOM', 'Hammer'],
    ]
    sent.forEach(([symbol, pattern], i) =>
      feed.send('tickstock.events.patterns', {
        type: 'streaming_pattern',
        detection: { pattern, symbol, confidence: 0.95, timestamp: ts - 10 + i, timeframe: '1min', bar_data: { close: 100 } },
      }),
    )
    const all = ok<{ patterns: PatternEvent[] }>(engine.handle('market.patterns', {})).patterns
    expect(all.map((p) => p.symbol)).toEqual(['XOM', 'MSFT', 'NVDA', 'JPM', 'AAPL'])
    const aligned = ok<{ regime: string; patterns: PatternEvent[] }>(engine.handle('market.patterns', { alignedOnly: true }))
    expect(aligned.regime).toBe('Bull')
    expect(aligned.patterns.map((p) => p.symbol)).toEqual(['XOM', 'MSFT', 'AAPL'])
    for (const p of aligned.patterns) expect(patternDirection(p.pattern, p.patternKey)).toBe('bullish')
    expect(ok<{ patterns: PatternEvent[] }>(engine.handle('market.patterns', { alignedOnly: true, sector: 'Technology' })).patterns.map((p) => p.symbol)).toEqual(['MSFT', 'AAPL'])
    expect(ok<{ patterns: PatternEvent[] }>(engine.handle('market.patterns', { sector: 'xlk', limit: 2 })).patterns.map((p) => p.symbol)).toEqual(['MSFT', 'NVDA'])
    expect(ok<{ patterns: PatternEvent[] }>(engine.handle('market.patterns', { tier: 'daily' })).patterns).toEqual([])

    // Every event is stamped at arrival; the boards page by those stamps.
    const stamped = ok<{ patterns: PatternEvent[] }>(engine.handle('patterns.query', { tier: 'intraday', limit: 10 })).patterns
    expect(stamped.find((p) => p.symbol === 'AAPL')!.market).toMatchObject({ regime: 'Bull', sector: 'XLK', aligned: true })
    expect(stamped.find((p) => p.symbol === 'JPM')!.market).toMatchObject({ regime: 'Bull', sector: 'XLF', aligned: false })
    expect(stamped.find((p) => p.symbol === 'NVDA')!.market!.quadrant).toMatch(/Leading|Weakening|Lagging|Improving/)
    expect(ok<{ patterns: PatternEvent[] }>(engine.handle('patterns.query', { tier: 'intraday', aligned: true })).patterns.map((p) => p.symbol)).toEqual(['XOM', 'MSFT', 'AAPL'])
    const xlkQuadrant = stamped.find((p) => p.symbol === 'MSFT')!.market!.quadrant!
    expect(ok<{ patterns: PatternEvent[] }>(engine.handle('patterns.query', { tier: 'intraday', quadrants: [xlkQuadrant] })).patterns.map((p) => p.symbol)).toEqual(
      expect.arrayContaining(['MSFT', 'NVDA', 'AAPL']),
    )

    // The trader moves NVDA to another sector: the table says so, later events carry it, the edit survives a restart.
    const edited = ok<{ entries: { symbol: string; fund: string; source: string }[] }>(engine.handle('sectors.set', { entries: [{ symbol: 'nvda', fund: 'XLC' }] }))
    expect(edited.entries).toEqual([{ symbol: 'NVDA', fund: 'XLC', source: 'user' }])
    const badFund = engine.handle('sectors.set', { entries: [{ symbol: 'NVDA', fund: 'GOLD' }] })
    expect(badFund.ok).toBe(false)
    if (!badFund.ok) expect(Object.keys(badFund.error.fields ?? {})[0]).toMatch(/^entries\.0\.fund$/)
    feed.send('tickstock.events.patterns', { type: 'streaming_pattern', detection: { pattern: 'Hammer', symbol: 'NVDA', confidence: 0.95, timestamp: ts + 5, timeframe: '1min', bar_data: { close: 100 } } })
    expect(ok<{ patterns: PatternEvent[] }>(engine.handle('patterns.symbol', { symbol: 'NVDA' })).patterns[0]!.market!.sector).toBe('XLC')
    await engines.pop()!.dispose()
    const again = makeEngine(dir).engine
    const table = ok<{ entries: { symbol: string; fund: string; source: string }[] }>(again.handle('sectors.table', {}))
    expect(table.entries.find((e) => e.symbol === 'NVDA')).toEqual({ symbol: 'NVDA', fund: 'XLC', source: 'user' })
    expect(table.entries.find((e) => e.symbol === 'AAPL')).toEqual({ symbol: 'AAPL', fund: 'XLK', source: 'bundled' })
    ok(again.handle('sectors.reset', {}))
    expect(ok<{ entries: { symbol: string; fund: string }[] }>(again.handle('sectors.table', {})).entries.find((e) => e.symbol === 'NVDA')!.fund).toBe('XLK')
    // Regime changes are stored and served newest first.
    const events = ok<{ events: { date: string; to: string }[] }>(again.handle('market.regimeEvents', { limit: 3 })).events
    expect(events).toHaveLength(3)
    expect(events[0]!.date > events[1]!.date).toBe(true)
    expect(ok<{ periods: { to: string; regime: string }[] }>(again.handle('market.regimes', { from: '2025-01-01' })).periods.at(-1)).toMatchObject({ to: '2025-12-24', regime: 'Bull' })
  }, 60_000)

  it('pushes a market pulse to subscribers when the state is first computed and when the sector table changes', async () => {
    const posted: { t: string; topic?: string; parts?: { payload: { version: number; causes: string[] } }[] }[] = []
    const feed = new ManualFeed()
    const engine = new Engine({ config: engineConfigSchema.parse({ dataDir: null }), source: feed, post: (m) => posted.push(m as never) })
    engines.push(engine)
    engine.start()
    engine.onHostMessage({ t: 'sub', cid: 1, sid: 7, topic: 'market', filter: {} })
    await new Promise((r) => setTimeout(r, 40))
    const pulses = (): { version: number; causes: string[] }[] => posted.filter((m) => m.topic === 'market').flatMap((m) => m.parts!.map((p) => p.payload))
    expect(pulses()).toHaveLength(1)
    const v = pulses()[0]!.version
    ok(engine.handle('sectors.set', { entries: [{ symbol: 'NVDA', fund: 'XLC' }] }))
    await new Promise((r) => setTimeout(r, 1100))
    expect(pulses().at(-1)).toMatchObject({ version: v + 1, causes: ['sectors'] })
  }, 10_000)
})
