import { afterEach, describe, expect, it } from 'vitest'
import type { Result } from '../../../shared/contract'
import type { BarSeries, MarketState } from '../../../shared/domain'
import { engineConfigSchema } from '../config'
import { Engine } from '../engine'
import { ManualFeed } from '../test-support/manual-feed'
import { DemoFeed } from '../ingest/demo-feed'
import { DemoMarketSource, lastClosedSession } from './demo-market-source'
import { MARKET_UNIVERSE } from './market-state'

const ok = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`request failed: ${JSON.stringify(r.error)}`)
  return r.value as T
}

// Wednesday 2025-12-17; New York is UTC-5 in December.
const at = (hhmm: string, date = '2025-12-17'): number => Date.parse(`${date}T${hhmm}:00-05:00`)

describe('lastClosedSession', () => {
  it('is today once the session has closed, else the session before (weekends and holidays skipped)', () => {
    expect(lastClosedSession(at('15:59'))).toBe('2025-12-16')
    expect(lastClosedSession(at('16:00'))).toBe('2025-12-17')
    expect(lastClosedSession(at('10:00', '2025-12-20'))).toBe('2025-12-19') // Saturday
    expect(lastClosedSession(at('10:00', '2025-12-22'))).toBe('2025-12-19') // Monday morning
    expect(lastClosedSession(at('18:00', '2025-12-25'))).toBe('2025-12-24') // Christmas
  })
})

describe('DemoMarketSource', () => {
  const sources: DemoMarketSource[] = []
  afterEach(() => {
    for (const s of sources.splice(0)) s.close()
  })
  const make = (now: number): DemoMarketSource => {
    const s = new DemoMarketSource(now)
    sources.push(s)
    return s
  }

  it('holds six years of daily history for the universe, ending at the last closed session', () => {
    const s = make(at('10:00'))
    for (const sym of MARKET_UNIVERSE) {
      const last = s.store.recentDaily(sym, '9999-12-31', 1)[0]
      expect(last?.date, sym).toBe('2025-12-16')
      expect(s.store.countDaily(sym)).toBeGreaterThan(6 * 250)
    }
    expect(s.price('SPY')).toBe(s.store.recentDaily('SPY', '9999-12-31', 1)[0]!.close)
    expect(s.price('AAPL')).toBeNull()
  })

  it('stores each completed minute of the session once, from the previous close on, and closes the day into a daily bar', () => {
    const s = make(at('09:00'))
    const prevClose = s.price('SPY')!
    expect(s.poll(at('09:30'))).toEqual([])
    const first = s.poll(at('09:35'))
    expect(first.filter((b) => b.symbol === 'SPY').map((b) => b.row.t)).toEqual([0, 1, 2, 3, 4].map((i) => at('09:30') + i * 60_000))
    expect(Math.abs(first.find((b) => b.symbol === 'SPY')!.row.open / prevClose - 1)).toBeLessThan(0.02)
    expect(s.poll(at('09:35'))).toEqual([]) // nothing new
    expect(s.store.count1m('SPY')).toBe(5)
    expect(s.price('SPY')).toBe(first.filter((b) => b.symbol === 'SPY').at(-1)!.row.close)

    // The session ends: the day's daily bar is made from its 390 minutes.
    s.poll(at('16:01'))
    expect(s.store.count1m('SPY')).toBe(390)
    const minutes = s.store.recent1m('SPY', Infinity, 400)
    const day = s.store.recentDaily('SPY', '9999-12-31', 1)[0]!
    expect(day.date).toBe('2025-12-17')
    expect(day.open).toBe(minutes.at(-1)!.open)
    expect(day.close).toBe(minutes[0]!.close)
    expect(day.high).toBe(Math.max(...minutes.map((m) => m.high)))
    expect(day.low).toBe(Math.min(...minutes.map((m) => m.low)))
    // After the close nothing more comes for that day.
    expect(s.poll(at('18:00'))).toEqual([])
  })

  it('started after the close, it has that day as history and no minutes for it', () => {
    const s = make(at('17:00'))
    expect(s.store.recentDaily('SPY', '9999-12-31', 1)[0]!.date).toBe('2025-12-17')
    expect(s.poll(at('17:05'))).toEqual([])
    expect(s.store.count1m('SPY')).toBe(0)
  })
})

describe('Engine in demo mode without imported bars', () => {
  const engines: Engine[] = []
  afterEach(async () => {
    for (const e of engines.splice(0)) await e.dispose()
  })

  it('serves a generated market (said to be demo data), charts of its funds, and stamps patterns with it', () => {
    const clock = at('11:00')
    const feed = new ManualFeed()
    const engine = new Engine({ config: engineConfigSchema.parse({ dataDir: null }), source: feed, post: () => {}, now: () => clock })
    engines.push(engine)
    engine.start()
    const state = ok<MarketState>(engine.handle('market.state', {}))
    expect(state).toMatchObject({ available: true, demo: true, asOf: '2025-12-16' })
    expect(state.regime?.label).toBe('Bull')
    expect(ok<{ events: unknown[] }>(engine.handle('market.regimeEvents', { limit: 100 })).events.length).toBeGreaterThan(3)
    expect(ok<{ sectors: unknown[] }>(engine.handle('market.sectors', {})).sectors).toHaveLength(11)

    const daily = ok<BarSeries>(engine.handle('bars.get', { symbol: 'SPY', timeframe: '1D', limit: 300 }))
    expect(daily.source).toBe('store')
    expect(daily.bars).toHaveLength(300)
    // Today's minutes, up to the last completed one, once the engine's timer has polled.
    const minutes = ok<BarSeries>(engine.handle('bars.get', { symbol: 'QQQ', timeframe: '1m', limit: 500 }))
    expect(minutes.source).toBe('store')
    expect(minutes.bars).toHaveLength(90)
    expect(minutes.bars.at(-1)!.time).toBe(at('10:59'))
    const spy = ok<{ etfs: { symbol: string; intraday: number | null }[] }>(engine.handle('market.etfs', {})).etfs.find((e) => e.symbol === 'SPY')!
    expect(spy.intraday).not.toBeNull()

    const ts = Math.floor(clock / 1000)
    feed.send('tickstock.events.patterns', { type: 'streaming_pattern', detection: { pattern: 'Hammer', symbol: 'MSFT', confidence: 0.95, timestamp: ts, timeframe: '1min', bar_data: { close: 480 } } })
    const [e] = ok<{ patterns: { market: unknown }[] }>(engine.handle('patterns.symbol', { symbol: 'MSFT' })).patterns
    expect(e?.market).toMatchObject({ regime: 'Bull', sector: 'XLK', aligned: true })
  })
  it('the demo feed prices its fund patterns at the demo market, so pattern levels sit on the fund charts', async () => {
    const feed = new DemoFeed({ rate: 400, symbols: 20, seed: 3 })
    const engine = new Engine({ config: engineConfigSchema.parse({ dataDir: null }), source: feed, post: () => {} })
    engines.push(engine)
    engine.start()
    const close = ok<{ etfs: { symbol: string; close: number }[] }>(engine.handle('market.etfs', {})).etfs.find((e) => e.symbol === 'SPY')!.close
    let price: number | null = null
    for (let i = 0; i < 100 && price === null; i++) {
      await new Promise((r) => setTimeout(r, 50))
      price = ok<{ patterns: { price: number | null }[] }>(engine.handle('patterns.symbol', { symbol: 'SPY' })).patterns.find((p) => p.price !== null)?.price ?? null
    }
    expect(price, 'a SPY pattern from the demo feed').not.toBeNull()
    expect(Math.abs(price! / close - 1)).toBeLessThan(0.015)
  }, 15_000)
})
