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
    expect(svc.state()).toEqual(before) // cached: checked less than a minute ago
    clock += MARKET_CHECK_MS
    expect(svc.state().asOf).toBe('2025-12-26')
    db.prepare("DELETE FROM bars_daily WHERE symbol = 'SPY' AND date = '2025-12-26'").run()
    clock += MARKET_CHECK_MS
    expect(svc.state().asOf).toBe('2025-12-24')
  })
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
  const makeEngine = (dataDir: string | null): { engine: Engine; feed: ManualFeed } => {
    const feed = new ManualFeed()
    const engine = new Engine({ config: engineConfigSchema.parse({ dataDir }), source: feed, post: () => {} })
    engine.start()
    engines.push(engine)
    return { engine, feed }
  }

  it('answers unavailable without bars, and refuses an unknown sector naming it', () => {
    const { engine } = makeEngine(null)
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
  }, 60_000)
})
