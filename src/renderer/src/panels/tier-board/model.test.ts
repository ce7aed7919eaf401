import { describe, expect, it } from 'vitest'
import type { PatternEvent, PatternMarketStamp } from '../../../../shared/domain'
import { makeEvent } from '../../test-support/fixtures'
import { tierBoardPanel } from './index'
import {
  addPage,
  comparator,
  countQueued,
  deriveRows,
  emptyPaged,
  engineFilter,
  makePredicate,
  MAX_PAGED,
  pageCursor,
  nextLinkedSector,
  pagingKey,
  parseSymbols,
  reanchor,
} from './model'
import { marketTitle } from './BoardRow'
import { DEFAULT_FILTERS, parseTierBoardState, type TierBoardFilters } from './state'

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => makeEvent(to - i, 'daily'))

describe('parseState', () => {
  it('falls back to defaults for anything unusable, field by field', () => {
    const d = tierBoardPanel.defaultState
    expect(d).toEqual({ tier: 'intraday', sort: { key: 'time', dir: 'desc' }, filters: DEFAULT_FILTERS, followLinkedSector: true })
    for (const raw of [undefined, null, 42, 'daily', [], { tier: 'weekly' }]) expect(tierBoardPanel.parseState(raw)).toEqual(d)
    expect(
      parseTierBoardState({
        tier: 'combo',
        sort: { key: 'rvol', dir: 'sideways' },
        filters: { symbol: 'NVDA', pattern: 7, minConfidence: 3, priority: 'URGENT' },
        extra: true,
      }),
    ).toEqual({ tier: 'combo', sort: { key: 'rvol', dir: 'desc' }, filters: { ...DEFAULT_FILTERS, symbol: 'NVDA', minConfidence: 1 }, followLinkedSector: true })
    expect(parseTierBoardState({ sort: { key: 'nope', dir: 'asc' }, filters: { minConfidence: Number.NaN } })).toEqual(d)
    const roundTrip = parseTierBoardState(JSON.parse(JSON.stringify({ tier: 'daily', sort: { key: 'symbol', dir: 'asc' }, filters: { ...DEFAULT_FILTERS, priority: 'HIGH' } })))
    expect(roundTrip).toEqual({ tier: 'daily', sort: { key: 'symbol', dir: 'asc' }, filters: { ...DEFAULT_FILTERS, priority: 'HIGH' }, followLinkedSector: true })
  })

  it('loads layouts saved before the market filters with them off, and checks each market field', () => {
    const old = { tier: 'daily', sort: { key: 'time', dir: 'desc' }, filters: { symbol: 'AMD', pattern: '', minConfidence: 0.5, priority: null } }
    expect(parseTierBoardState(old)).toEqual({ ...old, filters: { ...old.filters, aligned: false, quadrants: [], sector: null }, followLinkedSector: true })
    expect(
      parseTierBoardState({ filters: { aligned: 'yes', quadrants: ['Lagging', 'Sideways', 'Leading', 'Lagging', 3], sector: 'XLZ' }, followLinkedSector: 'no' }),
    ).toMatchObject({ filters: { aligned: false, quadrants: ['Leading', 'Lagging'], sector: null }, followLinkedSector: true })
    expect(parseTierBoardState({ filters: { aligned: true, quadrants: 'Leading', sector: 'XLRE' }, followLinkedSector: false })).toMatchObject({
      filters: { aligned: true, quadrants: [], sector: 'XLRE' },
      followLinkedSector: false,
    })
    const saved = { tier: 'combo', sort: { key: 'market', dir: 'asc' }, filters: { ...DEFAULT_FILTERS, aligned: true, quadrants: ['Weakening', 'Improving'], sector: 'XLK' }, followLinkedSector: false }
    expect(parseTierBoardState(JSON.parse(JSON.stringify(saved)))).toEqual(saved)
  })

  it('titles a board by its tier and offers one preset per tier', () => {
    expect(tierBoardPanel.title(parseTierBoardState({ tier: 'daily' }))).toBe('Daily')
    expect(tierBoardPanel.presets?.map((p) => [p.name, p.state.tier])).toEqual([
      ['Tier board: Daily', 'daily'],
      ['Tier board: Intraday', 'intraday'],
      ['Tier board: Combo', 'combo'],
    ])
  })
})

describe('filters', () => {
  it('parses symbols, matches exactly and sends only valid tickers to the engine', () => {
    expect(parseSymbols(' aapl,msft  nvda;aapl ')).toEqual(['AAPL', 'MSFT', 'NVDA'])
    const p = makePredicate({ ...DEFAULT_FILTERS, symbol: 'aap' })!
    expect(p(makeEvent(1, 'daily'))).toBe(false)
    expect(engineFilter({ ...DEFAULT_FILTERS, symbol: 'brk.b, $$$' })).toEqual({ symbols: ['BRK.B'] })
    // Nothing valid: ask for a symbol that cannot exist rather than for everything.
    expect(engineFilter({ ...DEFAULT_FILTERS, symbol: '$$$' }).symbols).toHaveLength(1)
    expect(makePredicate(DEFAULT_FILTERS)).toBeNull()
    expect(engineFilter(DEFAULT_FILTERS)).toEqual({})
  })

  it('matches a known pattern name exactly (and tells the engine), other text as part of the key', () => {
    const doji = makeEvent(1, 'daily', { pattern: 'Doji', patternKey: 'doji' })
    const dragonfly = makeEvent(2, 'daily', { pattern: 'DragonflyDoji', patternKey: 'dragonflydoji' })
    const known = makePredicate({ ...DEFAULT_FILTERS, pattern: 'DOJI pattern' })!
    expect([known(doji), known(dragonfly)]).toEqual([true, false])
    expect(engineFilter({ ...DEFAULT_FILTERS, pattern: 'DOJI pattern' })).toEqual({ patterns: ['doji'] })
    const part = makePredicate({ ...DEFAULT_FILTERS, pattern: 'fly' })!
    expect([part(doji), part(dragonfly)]).toEqual([false, true])
    expect(engineFilter({ ...DEFAULT_FILTERS, pattern: 'fly' })).toEqual({})
  })

  it('turns a priority into the engine confidence floor, keeping the higher of the two', () => {
    expect(engineFilter({ ...DEFAULT_FILTERS, priority: 'MEDIUM' })).toEqual({ confidenceMin: 0.7 })
    expect(engineFilter({ ...DEFAULT_FILTERS, priority: 'MEDIUM', minConfidence: 0.75 })).toEqual({ confidenceMin: 0.75 })
    expect(engineFilter({ ...DEFAULT_FILTERS, priority: 'LOW' })).toEqual({})
  })
})

describe('market filters', () => {
  const stamp = (over: Partial<PatternMarketStamp> = {}): PatternMarketStamp => ({
    regime: 'Bull',
    risk: 0.35,
    sector: 'XLK',
    quadrant: 'Leading',
    aligned: true,
    ...over,
  })
  const f = (over: Partial<TierBoardFilters>): TierBoardFilters => ({ ...DEFAULT_FILTERS, ...over })
  const tech = makeEvent(1, 'daily', { market: stamp() })
  const techAgainst = makeEvent(2, 'daily', { market: stamp({ aligned: false }) })
  const energy = makeEvent(3, 'daily', { market: stamp({ sector: 'XLE', quadrant: 'Lagging', regime: 'Bear', aligned: true }) })
  const unknownSector = makeEvent(4, 'daily', { market: stamp({ sector: null, quadrant: null }) })
  const unstamped = makeEvent(5, 'daily')
  const all = [tech, techAgainst, energy, unknownSector, unstamped]
  const pass = (filters: TierBoardFilters) => all.filter(makePredicate(filters)!).map((e) => e.id)

  it('keep only stamped events that match; an unstamped event never passes an active market filter', () => {
    expect(pass(f({ aligned: true }))).toEqual([1, 3, 4])
    expect(pass(f({ quadrants: ['Leading'] }))).toEqual([1, 2])
    expect(pass(f({ quadrants: ['Leading', 'Lagging'] }))).toEqual([1, 2, 3])
    expect(pass(f({ sector: 'XLE' }))).toEqual([3])
    expect(pass(f({ aligned: true, sector: 'XLK', quadrants: ['Leading'] }))).toEqual([1])
    expect(pass(f({ aligned: true, symbol: 'MSFT' }))).toEqual([])
    expect(makePredicate(f({ quadrants: [] }))).toBeNull()
  })

  it('are sent to the engine only when set, and make their own paging key', () => {
    expect(engineFilter(f({ aligned: true, quadrants: ['Weakening', 'Improving'], sector: 'XLF' }))).toEqual({
      aligned: true,
      quadrants: ['Weakening', 'Improving'],
      sectors: ['XLF'],
    })
    expect(engineFilter(f({ aligned: false, quadrants: [], sector: null }))).toEqual({})
    const keys = [f({}), f({ aligned: true }), f({ quadrants: ['Leading'] }), f({ quadrants: ['Lagging'] }), f({ sector: 'XLK' }), f({ sector: 'XLV' })].map((x) =>
      pagingKey('daily', x),
    )
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('sort the market column by sector fund, unstamped last', () => {
    expect(deriveRows(all, null, 'market', 'asc').map((e) => e.id)).toEqual([3, 2, 1, 5, 4])
  })

  it('follow a linked sector fund, keep it for that sector\'s stocks, and drop it for anything else', () => {
    const table = new Map([['AAPL', 'XLK'], ['XOM', 'XLE']])
    const of = (s: string) => table.get(s)
    expect(nextLinkedSector(null, 'XLK', of)).toBe('XLK')
    expect(nextLinkedSector('XLK', 'XLE', of)).toBe('XLE')
    expect(nextLinkedSector('XLK', 'AAPL', of)).toBe('XLK')
    expect(nextLinkedSector('XLK', 'XOM', of)).toBeNull()
    expect(nextLinkedSector(null, 'AAPL', of)).toBeNull()
    expect(nextLinkedSector('XLK', 'TSLA', of)).toBeNull()
    expect(nextLinkedSector('XLK', null, of)).toBeNull()
  })

  it('describe the stamp in the row tooltip', () => {
    const names = new Map([['XLK', 'Technology']])
    expect(marketTitle(stamp(), names)).toBe('Bull regime, risk +0.35, XLK (Technology) Leading at arrival; aligned with the regime')
    expect(marketTitle(stamp({ regime: null, risk: -0.2, sector: 'XLE', quadrant: null, aligned: false }), names)).toBe(
      'Regime unknown, risk -0.20, XLE at arrival; not aligned with the regime',
    )
  })
})

describe('sorting', () => {
  it('returns the very array when it is already in order (the live default)', () => {
    const rows = range(1, 50)
    expect(deriveRows(rows, null, 'time', 'desc')).toBe(rows)
    expect(deriveRows(rows, null, 'time', 'asc').map((e) => e.id)).toEqual(range(1, 50).map((e) => e.id).reverse())
    expect(rows[0]!.id).toBe(50) // not sorted in place
  })

  it('breaks ties newest first and keeps missing values last', () => {
    const a = makeEvent(1, 'daily', { relativeVolume: 2 })
    const b = makeEvent(2, 'daily', { relativeVolume: 2 })
    const c = makeEvent(3, 'daily', { relativeVolume: null })
    for (const dir of ['asc', 'desc'] as const) expect([c, a, b].sort(comparator('rvol', dir)).map((e) => e.id)).toEqual([2, 1, 3])
    const p = makeEvent(4, 'daily', { confidence: 0.95 })
    expect([p, a].sort(comparator('priority', 'desc'))[0]).toBe(p)
  })
})

describe('queued count', () => {
  it('counts live rows newer than the frozen view, filtered, and flags an overflow', () => {
    const frozen = range(1, 5)
    const live = range(1, 9)
    expect(countQueued(live, frozen, null)).toEqual({ count: 4, overflow: false })
    expect(countQueued(live, frozen, (e) => e.id % 2 === 0)).toEqual({ count: 2, overflow: false })
    expect(countQueued(range(20, 29), frozen, null)).toEqual({ count: 10, overflow: true })
    expect(countQueued(live, [], null)).toEqual({ count: 9, overflow: false })
  })
})

describe('paged rows', () => {
  const page = (from: number, to: number): PatternEvent[] => range(from, to)

  it('move rows that fell off the live window to their head, filtered, and keep the cursor', () => {
    const live = range(11, 20)
    let p = addPage({ ...emptyPaged('k', live), loading: true }, 'k', pageCursor(emptyPaged('k', live))!, page(1, 10), 10)
    expect(p.rows.map((e) => e.id)).toEqual(range(1, 10).map((e) => e.id))
    expect(p.exhausted).toBe(false)
    const slid = range(15, 24)
    p = reanchor(p, slid, (e) => e.id !== 12)
    expect(p.anchor).toBe(slid)
    expect(p.rows.map((e) => e.id).slice(0, 5)).toEqual([14, 13, 11, 10, 9])
    expect(pageCursor(p)!.id).toBe(1)
  })

  it('are dropped when the new live rows no longer touch the old ones', () => {
    const live = range(11, 20)
    const p = { ...emptyPaged('k', live), rows: page(1, 10) }
    expect(reanchor(p, range(30, 39), null).rows).toEqual([])
    expect(reanchor(p, range(12, 21), null).rows).toHaveLength(11)
  })

  it('drop a page that no longer ends where it was asked from, or for other filters', () => {
    const live = range(11, 20)
    const base = { ...emptyPaged('k', live), rows: page(5, 10), loading: true }
    expect(addPage(base, 'k', { detectedAt: 0, id: 7 }, page(1, 4), 10).rows).toHaveLength(6)
    expect(addPage(base, 'other', { detectedAt: 0, id: 5 }, page(1, 4), 10)).toBe(base)
    const ok = addPage(base, 'k', { detectedAt: 0, id: 5 }, page(1, 4), 10)
    expect(ok.rows).toHaveLength(10)
    expect(ok.exhausted).toBe(true)
    expect(ok.loading).toBe(false)
  })

  it('never hold more than MAX_PAGED rows', () => {
    const live = range(100_001, 100_010)
    const full = { ...emptyPaged('k', live), rows: range(90_000, 90_000 + MAX_PAGED - 1) }
    expect(addPage(full, 'k', pageCursor(full)!, range(1, 200), 200).rows).toHaveLength(MAX_PAGED)
    expect(reanchor(full, range(100_006, 100_015), null).rows).toHaveLength(MAX_PAGED)
  })
})
