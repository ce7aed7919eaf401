import { act } from 'react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { PatternEvent, PatternMarketStamp, Tier } from '../../../../shared/domain'
import { createTerminalStore, type TerminalStore } from '../../state/terminal-store'
import { makeEvent, T0 } from '../../test-support/fixtures'
import { tierBoardPanel } from './index'
import { liveTuning } from './TierBoardPanel'
import { PAGE_LIMIT } from './model'
import { DEFAULT_FILTERS } from './state'
import { byTestId, click, fixScrollSize, key, renderBoard, ROW, ScriptedApi, scrollTo, sectorTable, setValue, type Board } from './test-helpers'

let restoreSize: () => void
let board: Board | null = null
const INTERVAL = liveTuning.minIntervalMs
beforeEach(() => {
  restoreSize = fixScrollSize()
  // Boards take in live rows at most every 100 ms; tests see every push at once (one test covers the pacing).
  liveTuning.minIntervalMs = 0
  // The expiry column's clock: 10 minutes after T0.
  vi.spyOn(Date, 'now').mockReturnValue(T0 + 600_000)
})
afterEach(() => {
  board?.view.unmount()
  board = null
  restoreSize()
  vi.restoreAllMocks()
  liveTuning.minIntervalMs = INTERVAL
})

function storeWith(events: PatternEvent[]): TerminalStore {
  const store = createTerminalStore()
  store.getState().applyEvents(events)
  return store
}
const many = (n: number, tier: Tier, from = 1, over: (i: number) => Partial<PatternEvent> = () => ({})) =>
  Array.from({ length: n }, (_, i) => makeEvent(from + i, tier, over(from + i)))
const field = (row: Element, name: string) => row.querySelector(`[data-field="${name}"]`)?.textContent
const push = (store: TerminalStore, events: PatternEvent[]) => act(() => store.getState().applyEvents(events))

describe('tier board: rows', () => {
  it('shows its own tier, newest first, with the e2e test ids', () => {
    const store = storeWith([...many(3, 'intraday'), makeEvent(10, 'daily', { symbol: 'MSFT' })])
    board = renderBoard(store, { tier: 'intraday' })
    const root = board.root()
    expect(root.getAttribute('data-tier')).toBe('intraday')
    expect(board.ids()).toEqual([3, 2, 1])
    const row = board.rows()[0]!
    expect(row.getAttribute('data-symbol')).toBe('AAPL')
    expect(row.getAttribute('data-pattern')).toBe('Doji')
    expect(row.getAttribute('data-confidence')).toBe('0.75')
    for (const k of ['time', 'symbol', 'pattern', 'market', 'confidence', 'priority', 'price', 'change', 'rvol', 'rs', 'expiry'])
      expect(root.querySelector(`[data-testid="col-${k}"]`), k).not.toBeNull()
    for (const id of ['filter-symbol', 'filter-pattern', 'filter-confidence', 'filter-priority', 'filter-aligned', 'filter-sector', 'follow-linked-sector', 'pause'])
      byTestId(root, id)
    expect(root.querySelector('[data-testid="queued"]')).toBeNull()
    expect(tierBoardPanel.title(board.state())).toBe('Intraday')
  })

  it('formats every column: New York time, bar and number, badge, price, change, rvol, rs, time to expiry', () => {
    const store = storeWith([
      makeEvent(0, 'daily', {
        symbol: 'NVDA',
        pattern: 'BullFlag',
        confidence: 0.92,
        price: 912.5,
        changePct: 2.1,
        relativeVolume: 1.9,
        relativeStrength: 1.3,
        expiresAt: (T0 + 600_000 + 3 * 3_600_000 + 12 * 60_000 + 5_000) as PatternEvent['expiresAt'],
      }),
      makeEvent(1, 'daily', { changePct: -0.4, expiresAt: (T0 + 60_000) as PatternEvent['expiresAt'] }),
    ])
    board = renderBoard(store, { tier: 'daily' })
    const [expired, row] = board.rows()
    expect(field(row!, 'time')).toBe('10:31:05')
    expect(field(row!, 'symbol')).toBe('NVDA')
    expect(field(row!, 'pattern')).toBe('BullFlag')
    const conf = row!.querySelector<HTMLElement>('[data-field="confidence"]')!
    expect(conf.textContent).toBe('92')
    expect(conf.style.getPropertyValue('--tb-conf')).toBe('92%')
    const badge = row!.querySelector('[data-field="priority"]')!
    expect(badge.textContent).toBe('CRITICAL')
    expect(badge.classList.contains('tb-badge-critical')).toBe(true)
    expect(field(row!, 'price')).toBe('912.50')
    expect(field(row!, 'change')).toBe('+2.10%')
    expect(row!.querySelector('[data-field="change"]')!.classList.contains('tb-up')).toBe(true)
    expect(field(row!, 'rvol')).toBe('1.90x')
    expect(field(row!, 'rs')).toBe('1.30')
    expect(field(row!, 'expiry')).toBe('3h 12m')
    expect(row!.classList.contains('is-expired')).toBe(false)
    expect(field(expired!, 'change')).toBe('-0.40%')
    expect(field(expired!, 'rvol')).toBe('—')
    expect(field(expired!, 'expiry')).toBe('expired')
    expect(expired!.classList.contains('is-expired')).toBe(true)
  })

  it('marks confluence with a badge of the other tiers', () => {
    const store = storeWith([makeEvent(1, 'intraday', { confluence: ['daily', 'combo'] }), makeEvent(2, 'intraday')])
    board = renderBoard(store, { tier: 'intraday' })
    const [plain, confluent] = board.rows()
    const badge = confluent!.querySelector('[data-testid="confluence"]')!
    expect(badge.textContent).toBe('DC')
    expect(badge.getAttribute('title')).toBe('Also in Daily, Combo')
    expect(confluent!.getAttribute('data-confluence')).toBe('daily combo')
    expect(plain!.querySelector('[data-testid="confluence"]')).toBeNull()
    expect(plain!.hasAttribute('data-confluence')).toBe(false)
  })

  it('renders only the visible rows of 500, in a fixed-height canvas', () => {
    const store = storeWith(many(500, 'combo'))
    board = renderBoard(store, { tier: 'combo' })
    expect(board.rows().length).toBeGreaterThanOrEqual(20)
    expect(board.rows().length).toBeLessThanOrEqual(30)
    expect((board.root().querySelector('.tb-canvas') as HTMLElement).style.height).toBe(`${500 * ROW}px`)
    expect(byTestId(board.root(), 'row-count').textContent).toBe('500 rows')
  })

  it('streams new rows in at the top, flashing only the new ones, keeping the existing row elements', () => {
    const store = storeWith(many(3, 'daily'))
    board = renderBoard(store, { tier: 'daily' })
    expect(board.rows().some((r) => r.classList.contains('is-fresh'))).toBe(false)
    const before = board.rows()[0]
    push(store, [makeEvent(4, 'daily', { symbol: 'TSLA' }), makeEvent(5, 'daily')])
    expect(board.ids()).toEqual([5, 4, 3, 2, 1])
    expect(board.rows().filter((r) => r.classList.contains('is-fresh')).map((r) => r.getAttribute('data-id'))).toEqual(['5', '4'])
    expect(board.rows()[2]).toBe(before)
  })

  it('takes in live rows at a bounded pace: the first push at once, the next ones within the interval together', async () => {
    liveTuning.minIntervalMs = 40
    const settle = () => act(() => new Promise((r) => setTimeout(r, 60)))
    try {
      const store = storeWith(many(1, 'daily'))
      board = renderBoard(store, { tier: 'daily' })
      await settle()
      push(store, [makeEvent(2, 'daily')])
      expect(board.ids()).toEqual([2, 1])
      push(store, [makeEvent(3, 'daily')])
      push(store, [makeEvent(4, 'daily')])
      expect(board.ids()).toEqual([2, 1])
      await settle()
      expect(board.ids()).toEqual([4, 3, 2, 1])
    } finally {
      await settle() // leave no pending flush to the next test
    }
  })

  it('while hidden, does not follow the store; shown again, catches up', () => {
    const store = storeWith(many(2, 'daily'))
    board = renderBoard(store, { tier: 'daily' })
    board.setVisible(false)
    push(store, [makeEvent(3, 'daily')])
    expect(board.ids()).toEqual([2, 1])
    board.setVisible(true)
    expect(board.ids()).toEqual([3, 2, 1])
  })
})

describe('tier board: sort', () => {
  const events = () =>
    storeWith([
      makeEvent(1, 'daily', { symbol: 'MSFT', confidence: 0.7, price: 400 }),
      makeEvent(2, 'daily', { symbol: 'AAPL', confidence: 0.95, price: null }),
      makeEvent(3, 'daily', { symbol: 'NVDA', confidence: 0.8, price: 900 }),
    ])

  it('sorts by a clicked column, reverses on a second click, and keeps the sort in the panel state', () => {
    board = renderBoard(events(), { tier: 'daily' })
    const col = byTestId(board.root(), 'col-confidence')
    click(col)
    expect(board.ids()).toEqual([2, 3, 1])
    expect(col.getAttribute('aria-sort')).toBe('descending')
    expect(board.state().sort).toEqual({ key: 'confidence', dir: 'desc' })
    click(col)
    expect(board.ids()).toEqual([1, 3, 2])
    expect(board.state().sort).toEqual({ key: 'confidence', dir: 'asc' })
    click(byTestId(board.root(), 'col-symbol'))
    expect(board.rows().map((r) => r.getAttribute('data-symbol'))).toEqual(['AAPL', 'MSFT', 'NVDA'])
    click(byTestId(board.root(), 'col-time'))
    expect(board.ids()).toEqual([3, 2, 1])
  })

  it('puts missing values last in both directions and sorts streamed rows into place', () => {
    const store = events()
    board = renderBoard(store, { tier: 'daily', sort: { key: 'price', dir: 'desc' } })
    expect(board.ids()).toEqual([3, 1, 2])
    click(byTestId(board.root(), 'col-price'))
    expect(board.ids()).toEqual([1, 3, 2])
    push(store, [makeEvent(4, 'daily', { price: 500 })])
    expect(board.ids()).toEqual([1, 4, 3, 2])
  })
})

describe('tier board: filters', () => {
  const mixed = () =>
    storeWith([
      makeEvent(1, 'intraday', { symbol: 'AAPL', pattern: 'BullFlag', patternKey: 'bullflag', confidence: 0.65 }),
      makeEvent(2, 'intraday', { symbol: 'MSFT', pattern: 'Doji', patternKey: 'doji', confidence: 0.75 }),
      makeEvent(3, 'intraday', { symbol: 'NVDA', pattern: 'VolumeSpike', patternKey: 'volumespike', confidence: 0.85 }),
      makeEvent(4, 'intraday', { symbol: 'aapl'.toUpperCase(), pattern: 'Doji', patternKey: 'doji', confidence: 0.95 }),
    ])

  it('filters by symbols (several, any case), pattern text, minimum confidence and priority', () => {
    board = renderBoard(mixed(), { tier: 'intraday' })
    const root = board.root()
    setValue(byTestId(root, 'filter-symbol'), 'aapl, nvda')
    expect(board.ids()).toEqual([4, 3, 1])
    setValue(byTestId(root, 'filter-pattern'), 'flag')
    expect(board.ids()).toEqual([1])
    setValue(byTestId(root, 'filter-symbol'), '')
    setValue(byTestId(root, 'filter-pattern'), 'doji')
    expect(board.ids()).toEqual([4, 2])
    setValue(byTestId(root, 'filter-confidence'), '80')
    expect(board.ids()).toEqual([4])
    expect(board.state().filters.minConfidence).toBeCloseTo(0.8)
    setValue(byTestId(root, 'filter-pattern'), '')
    setValue(byTestId(root, 'filter-confidence'), '')
    setValue(byTestId(root, 'filter-priority'), 'HIGH')
    expect(board.ids()).toEqual([3])
    expect(board.state().filters).toEqual({ ...DEFAULT_FILTERS, priority: 'HIGH' })
  })

  it('applies to rows streamed in, and says when nothing matches', () => {
    const store = mixed()
    board = renderBoard(store, { tier: 'intraday', filters: { symbol: 'TSLA' } })
    expect(board.ids()).toEqual([])
    expect(byTestId(board.root(), 'empty').textContent).toMatch(/match/)
    push(store, [makeEvent(5, 'intraday', { symbol: 'TSLA' }), makeEvent(6, 'intraday', { symbol: 'AMD' })])
    expect(board.ids()).toEqual([5])
  })
})

describe('tier board: market at arrival', () => {
  const stamp = (over: Partial<PatternMarketStamp> = {}): PatternMarketStamp => ({
    regime: 'Bull',
    risk: 0.35,
    sector: 'XLK',
    quadrant: 'Leading',
    aligned: true,
    ...over,
  })
  const stamped = () =>
    storeWith([
      makeEvent(1, 'daily', { symbol: 'AAPL', market: stamp() }),
      makeEvent(2, 'daily', { symbol: 'NVDA', market: stamp({ aligned: false, quadrant: 'Weakening' }) }),
      makeEvent(3, 'daily', { symbol: 'XOM', market: stamp({ sector: 'XLE', quadrant: 'Lagging' }) }),
      makeEvent(4, 'daily', { symbol: 'JPM', market: stamp({ sector: 'XLF', quadrant: 'Improving', regime: 'Bear', aligned: false }) }),
      makeEvent(5, 'daily', { symbol: 'OLD' }),
    ])
  /** Let the sector table's answer in. */
  const settle = () => act(async () => {})
  const withTable = () => {
    const api = new ScriptedApi()
    api.sectorTable = sectorTable()
    return api
  }

  it('a row shows the market badge with its tooltip; a row stored before stamping shows nothing', async () => {
    board = renderBoard(stamped(), { tier: 'daily' }, withTable())
    await settle()
    expect(board.root().querySelector('[data-testid="col-market"]')!.textContent).toBe('Mkt')
    const cell = (id: number) => board!.rows().find((r) => r.getAttribute('data-id') === String(id))!.querySelector<HTMLElement>('[data-field="market"]')!
    const aapl = cell(1)
    expect(aapl.textContent).toBe('XLK')
    expect(aapl.title).toBe('Bull regime, risk +0.35, XLK (Technology) Leading at arrival; aligned with the regime')
    expect(aapl.getAttribute('aria-label')).toBe(aapl.title)
    expect(aapl.getAttribute('data-aligned')).toBe('true')
    expect([...aapl.classList]).toEqual(expect.arrayContaining(['tb-mk-bull', 'is-aligned', 'has-q', 'tb-q-leading']))
    const jpm = cell(4)
    expect(jpm.getAttribute('data-aligned')).toBe('false')
    expect(jpm.classList.contains('is-aligned')).toBe(false)
    expect(jpm.classList.contains('tb-mk-bear')).toBe(true)
    expect(jpm.title).toMatch(/^Bear regime, .*XLF \(Financials\) Improving at arrival; not aligned/)
    const old = cell(5)
    expect(old.textContent).toBe('')
    expect(old.hasAttribute('title')).toBe(false)
    expect(old.className).toBe('tb-c tb-market')
    // The sector select names the funds the table knows.
    const options = [...byTestId(board.root(), 'filter-sector').querySelectorAll('option')].map((o) => o.textContent)
    expect(options.slice(0, 3)).toEqual(['Sector', 'XLK Technology', 'XLV'])
  })

  it('toggles Aligned, the quadrant chips and the sector select, filtering the rows and keeping them in the layout state', () => {
    board = renderBoard(stamped(), { tier: 'daily' })
    const root = board.root()
    const aligned = byTestId(root, 'filter-aligned')
    expect(aligned.getAttribute('aria-pressed')).toBe('false')
    expect(aligned.title).toMatch(/bullish in Bull, bearish in Bear/)
    click(aligned)
    expect(aligned.getAttribute('aria-pressed')).toBe('true')
    expect(board.ids()).toEqual([3, 1])
    click(aligned)
    expect(board.ids()).toEqual([5, 4, 3, 2, 1])

    const chips = [...root.querySelectorAll<HTMLElement>('.tb-qchip')]
    expect(chips.map((c) => c.getAttribute('aria-label'))).toEqual(['Leading', 'Improving', 'Weakening', 'Lagging'])
    click(byTestId(root, 'filter-quadrant-lagging'))
    click(byTestId(root, 'filter-quadrant-leading'))
    expect(board.ids()).toEqual([3, 1])
    expect(board.state().filters.quadrants).toEqual(['Leading', 'Lagging'])
    expect(byTestId(root, 'filter-quadrant-leading').getAttribute('aria-pressed')).toBe('true')
    click(byTestId(root, 'filter-quadrant-lagging'))
    expect(board.ids()).toEqual([1])
    click(byTestId(root, 'filter-quadrant-leading'))
    expect(board.state().filters.quadrants).toEqual([])

    setValue(byTestId(root, 'filter-sector'), 'XLK')
    expect(board.ids()).toEqual([2, 1])
    expect(board.state().filters).toEqual({ ...DEFAULT_FILTERS, sector: 'XLK' })
    setValue(byTestId(root, 'filter-sector'), '')
    expect(board.state().filters.sector).toBeNull()
    expect(board.ids()).toHaveLength(5)
  })

  it('pages older rows from the engine with the market filters', () => {
    board = renderBoard(stamped(), { tier: 'daily', filters: { aligned: true, quadrants: ['Lagging', 'Leading'], sector: 'XLK' } })
    expect(board.api.queries[0]).toMatchObject({ tier: 'daily', aligned: true, quadrants: ['Leading', 'Lagging'], sectors: ['XLK'] })
  })

  it('follows a linked sector fund: XLK in the link group filters to XLK (chip shown, paging too); AAPL brings every row back', async () => {
    board = renderBoard(stamped(), { tier: 'daily' })
    await board.api.answer([])
    expect(board.state().followLinkedSector).toBe(true)
    board.setLinkSymbol('XLK')
    expect(board.ids()).toEqual([2, 1])
    expect(byTestId(board.root(), 'linked-sector').textContent).toMatch(/^Sector: XLK \(linked\)/)
    expect(board.root().querySelector('[data-testid="filter-sector"]')).toBeNull()
    expect(board.api.queries.at(-1)).toMatchObject({ sectors: ['XLK'] })
    // Drill-down is not a saved filter.
    expect(board.state().filters.sector).toBeNull()
    board.setLinkSymbol('XLE')
    expect(board.ids()).toEqual([3])
    board.setLinkSymbol('AAPL')
    expect(board.ids()).toEqual([5, 4, 3, 2, 1])
    expect(board.root().querySelector('[data-testid="linked-sector"]')).toBeNull()
    byTestId(board.root(), 'filter-sector')
  })

  it('keeps the drill-down while the link moves to a stock of that sector or to a row picked on the board, not to another stock', async () => {
    const store = stamped()
    push(store, [makeEvent(6, 'daily', { symbol: 'NEWCO', market: stamp() })])
    board = renderBoard(store, { tier: 'daily' }, withTable())
    await settle()
    board.setLinkSymbol('XLK')
    board.setLinkSymbol('NVDA') // in XLK by the sector table
    expect(byTestId(board.root(), 'linked-sector').textContent).toMatch(/XLK/)
    expect(board.ids()).toEqual([6, 2, 1])
    // NEWCO is not in the table, but picked from this board's XLK rows.
    click(board.rows()[0]!.querySelector('[data-field="symbol"]')!)
    expect(board.link.setSymbol).toHaveBeenLastCalledWith('NEWCO')
    board.setLinkSymbol('NEWCO')
    expect(board.ids()).toEqual([6, 2, 1])
    board.setLinkSymbol('XOM')
    expect(board.ids()).toHaveLength(6)
  })

  it('removing the linked chip stops following on this board; the Follow toggle starts again', () => {
    board = renderBoard(stamped(), { tier: 'daily', filters: { sector: 'XLF' } })
    board.setLinkSymbol('XLK')
    expect(board.ids()).toEqual([2, 1])
    click(byTestId(board.root(), 'linked-sector-remove'))
    expect(board.state().followLinkedSector).toBe(false)
    const follow = byTestId(board.root(), 'follow-linked-sector')
    expect(follow.getAttribute('aria-pressed')).toBe('false')
    expect(follow.getAttribute('aria-label')).toBe('Follow linked sector')
    // Its own sector choice is back.
    expect((byTestId(board.root(), 'filter-sector') as HTMLSelectElement).value).toBe('XLF')
    expect(board.ids()).toEqual([4])
    click(follow)
    expect(board.state().followLinkedSector).toBe(true)
    expect(board.ids()).toEqual([2, 1])
  })

  it('a board saved without following ignores sector funds in its link group', () => {
    board = renderBoard(stamped(), { tier: 'daily', followLinkedSector: false })
    board.setLinkSymbol('XLK')
    expect(board.ids()).toHaveLength(5)
    expect(board.root().querySelector('[data-testid="linked-sector"]')).toBeNull()
  })

  it('fetches the sector table once, again when the trader edits it, and stops listening when closed', async () => {
    const api = withTable()
    board = renderBoard(stamped(), { tier: 'daily' }, api)
    await settle()
    expect(api.sectorTableRequests).toBe(1)
    expect(api.marketSubscribers).toBe(1)
    await api.pushMarket('daily')
    expect(api.sectorTableRequests).toBe(1)
    api.sectorTable = sectorTable({ NEWCO: 'XLK' })
    await api.pushMarket('sectors')
    expect(api.sectorTableRequests).toBe(2)
    board.setLinkSymbol('XLK')
    board.setLinkSymbol('NEWCO')
    expect(board.root().querySelector('[data-testid="linked-sector"]')).not.toBeNull()
    board.view.unmount()
    board = null
    expect(api.marketSubscribers).toBe(0)
  })
})

describe('tier board: pause', () => {
  it('freezes the rows and counts the new ones that pass the filters; resume flushes them in', () => {
    const store = storeWith(many(3, 'combo'))
    board = renderBoard(store, { tier: 'combo', filters: { minConfidence: 0.7 } })
    const pause = byTestId(board.root(), 'pause')
    click(pause)
    expect(pause.getAttribute('aria-pressed')).toBe('true')
    push(store, [makeEvent(4, 'combo'), makeEvent(5, 'combo', { confidence: 0.5 }), makeEvent(6, 'combo')])
    expect(board.ids()).toEqual([3, 2, 1])
    expect(byTestId(board.root(), 'queued').textContent).toBe('2 new')
    push(store, [makeEvent(7, 'combo')])
    expect(byTestId(board.root(), 'queued').textContent).toBe('3 new')
    click(pause)
    expect(pause.getAttribute('aria-pressed')).toBe('false')
    expect(board.ids()).toEqual([7, 6, 4, 3, 2, 1])
    expect(board.root().querySelector('[data-testid="queued"]')).toBeNull()
  })

  it('clicking the queued count also resumes', () => {
    const store = storeWith(many(2, 'combo'))
    board = renderBoard(store, { tier: 'combo' })
    click(byTestId(board.root(), 'pause'))
    push(store, [makeEvent(3, 'combo')])
    click(byTestId(board.root(), 'queued'))
    expect(board.ids()).toEqual([3, 2, 1])
    expect(byTestId(board.root(), 'pause').getAttribute('aria-pressed')).toBe('false')
  })

  it('says "500+ new" once more arrived than the live window holds', () => {
    const store = storeWith(many(3, 'combo'))
    board = renderBoard(store, { tier: 'combo' })
    click(byTestId(board.root(), 'pause'))
    push(store, many(600, 'combo', 10))
    expect(byTestId(board.root(), 'queued').textContent).toBe('500+ new')
    expect(board.ids().slice(0, 3)).toEqual([3, 2, 1])
  })

  it('scrolling away from the top freezes the rows too; back at the top they flow again', async () => {
    const store = storeWith(many(100, 'daily'))
    board = renderBoard(store, { tier: 'daily' })
    await scrollTo(board.scroller(), ROW * 10)
    const shown = board.ids()
    push(store, [makeEvent(101, 'daily'), makeEvent(102, 'daily')])
    expect(board.ids()).toEqual(shown)
    expect(byTestId(board.root(), 'queued').textContent).toBe('2 new')
    expect(byTestId(board.root(), 'pause').getAttribute('aria-pressed')).toBe('false')
    await scrollTo(board.scroller(), 0)
    expect(board.ids().slice(0, 3)).toEqual([102, 101, 100])
    expect(board.root().querySelector('[data-testid="queued"]')).toBeNull()
  })
})

describe('tier board: selection and linking', () => {
  it('click selects the row and sets the linked symbol', () => {
    const store = storeWith([makeEvent(1, 'daily', { symbol: 'AMD' }), makeEvent(2, 'daily', { symbol: 'NVDA' })])
    board = renderBoard(store, { tier: 'daily' })
    click(board.rows()[1]!.querySelector('[data-field="pattern"]')!)
    expect(board.link.setSymbol).toHaveBeenCalledWith('AMD')
    expect(board.rows()[1]!.getAttribute('aria-selected')).toBe('true')
  })

  it('arrows, Home, End, PageUp and PageDown move the selection; Enter links its symbol', () => {
    const store = storeWith(many(100, 'daily', 1, (i) => ({ symbol: `S${i}` })))
    board = renderBoard(store, { tier: 'daily' })
    const grid = board.scroller()
    const selected = () => board!.root().querySelector('[aria-selected="true"]')?.getAttribute('data-symbol')
    key(grid, 'ArrowDown')
    expect(selected()).toBe('S100')
    key(grid, 'ArrowDown')
    key(grid, 'ArrowDown')
    key(grid, 'ArrowUp')
    expect(selected()).toBe('S99')
    key(grid, 'Enter')
    expect(board.link.setSymbol).toHaveBeenLastCalledWith('S99')
    expect(grid.getAttribute('aria-activedescendant')).toBe(board.rows().find((r) => r.getAttribute('aria-selected') === 'true')!.id)
    key(grid, 'PageDown') // 20 rows in view: one page is 19
    key(grid, 'Enter')
    expect(board.link.setSymbol).toHaveBeenLastCalledWith('S80')
    key(grid, 'PageUp')
    key(grid, 'Enter')
    expect(board.link.setSymbol).toHaveBeenLastCalledWith('S99')
    key(grid, 'End')
    key(grid, 'Enter')
    expect(board.link.setSymbol).toHaveBeenLastCalledWith('S1')
    key(grid, 'Home')
    key(grid, 'Enter')
    expect(board.link.setSymbol).toHaveBeenLastCalledWith('S100')
  })

  it('keeps the selection on its row while rows stream in, and highlights the linked symbol', () => {
    const store = storeWith([makeEvent(1, 'daily', { symbol: 'AMD' }), makeEvent(2, 'daily', { symbol: 'NVDA' })])
    board = renderBoard(store, { tier: 'daily' })
    key(board.scroller(), 'ArrowDown')
    push(store, [makeEvent(3, 'daily', { symbol: 'TSLA' })])
    expect(board.root().querySelector('[aria-selected="true"]')?.getAttribute('data-id')).toBe('2')
    board.setLinkSymbol('AMD')
    expect(board.rows().filter((r) => r.classList.contains('is-linked')).map((r) => r.getAttribute('data-id'))).toEqual(['1'])
  })
})

describe('tier board: paging older rows', () => {
  it('asks the engine for rows older than the last row when the end is in view, and appends them', async () => {
    const store = storeWith(many(5, 'intraday', 1001))
    board = renderBoard(store, { tier: 'intraday' })
    expect(board.api.queries).toHaveLength(1)
    const last = store.getState().events.intraday[4]!
    expect(board.api.queries[0]).toEqual({ tier: 'intraday', before: { detectedAt: last.detectedAt, id: last.id }, limit: PAGE_LIMIT })
    expect(byTestId(board.root(), 'paging-status').textContent).toMatch(/loading/)
    await board.api.answer(many(PAGE_LIMIT, 'intraday', 801).reverse())
    expect(byTestId(board.root(), 'row-count').textContent).toBe('205 rows')
    expect(board.ids().slice(0, 7)).toEqual([1005, 1004, 1003, 1002, 1001, 1000, 999])
    // The end is out of view now: no more requests.
    expect(board.api.queries).toHaveLength(1)
  })

  it('pages again from the oldest paged row when scrolled to the end, and stops when the engine returns fewer than asked', async () => {
    const store = storeWith(many(5, 'intraday', 1001))
    board = renderBoard(store, { tier: 'intraday' })
    await board.api.answer(many(PAGE_LIMIT, 'intraday', 801).reverse())
    await scrollTo(board.scroller(), ROW * 200)
    expect(board.api.queries).toHaveLength(2)
    expect(board.api.queries[1]!.before).toEqual({ detectedAt: makeEvent(801, 'intraday').detectedAt, id: 801 })
    await board.api.answer(many(50, 'intraday', 751).reverse())
    expect(byTestId(board.root(), 'row-count').textContent).toBe('255 rows')
    await scrollTo(board.scroller(), ROW * 250)
    expect(board.api.queries).toHaveLength(2)
    expect(byTestId(board.root(), 'paging-status').textContent).toBe('no older rows')
  })

  it('does not ask again while a request is in flight', async () => {
    const store = storeWith(many(5, 'intraday', 1001))
    board = renderBoard(store, { tier: 'intraday' })
    push(store, [makeEvent(1006, 'intraday')])
    await scrollTo(board.scroller(), 0)
    expect(board.api.queries).toHaveLength(1)
    expect(board.api.inFlight).toBe(1)
  })

  it('sends the filters the engine understands and filters the paged rows like the live ones', async () => {
    const store = storeWith([makeEvent(1001, 'daily', { symbol: 'NVDA', confidence: 0.85 })])
    board = renderBoard(store, { tier: 'daily', filters: { symbol: 'nvda', pattern: 'Bull Flag', minConfidence: 0.6, priority: 'HIGH' } })
    expect(board.api.queries[0]).toEqual({
      tier: 'daily',
      symbols: ['NVDA'],
      patterns: ['bullflag'],
      confidenceMin: 0.8,
      before: { detectedAt: makeEvent(1001, 'daily').detectedAt, id: 1001 },
      limit: PAGE_LIMIT,
    })
    // The live row is no BullFlag; of the paged ones only the HIGH one passes.
    await board.api.answer([
      makeEvent(900, 'daily', { symbol: 'NVDA', pattern: 'BullFlag', patternKey: 'bullflag', confidence: 0.85 }),
      makeEvent(899, 'daily', { symbol: 'NVDA', pattern: 'BullFlag', patternKey: 'bullflag', confidence: 0.95 }),
    ])
    expect(board.ids()).toEqual([900])
    expect(board.api.queries).toHaveLength(1)
  })

  it('starts paging over when the filters change, and keeps paged rows attached while live rows slide', async () => {
    const store = createTerminalStore({ maxPerTier: 10 })
    store.getState().applyEvents(many(5, 'daily', 1001))
    board = renderBoard(store, { tier: 'daily' })
    await board.api.answer(many(PAGE_LIMIT, 'daily', 801).reverse())
    // Five more live rows: the store keeps 10, nothing falls off yet; then five more push 1001..1005 out.
    push(store, many(5, 'daily', 1006))
    push(store, many(5, 'daily', 1011))
    const ids = board.ids()
    expect(ids.slice(0, 3)).toEqual([1015, 1014, 1013])
    expect(byTestId(board.root(), 'row-count').textContent).toBe('215 rows')
    setValue(byTestId(board.root(), 'filter-symbol'), 'AAPL')
    expect(byTestId(board.root(), 'row-count').textContent).toBe('10 rows')
    expect(board.api.queries).toHaveLength(2)
    expect(board.api.queries[1]).toMatchObject({ symbols: ['AAPL'], before: { id: 1006 } })
  })

  it('holds at most MAX_PAGED older rows, and drops the far end once scrolled back up', async () => {
    const store = storeWith(many(5, 'intraday', 100_001))
    board = renderBoard(store, { tier: 'intraday' })
    let next = 100_000
    for (let i = 0; i < 10; i++) {
      await board.api.answer(many(PAGE_LIMIT, 'intraday', next - PAGE_LIMIT + 1).reverse())
      next -= PAGE_LIMIT
      await scrollTo(board.scroller(), ROW * (5 + (i + 1) * PAGE_LIMIT))
    }
    expect(board.api.queries).toHaveLength(10)
    expect(board.api.inFlight).toBe(0)
    expect(byTestId(board.root(), 'row-count').textContent).toBe('2,005 rows')
    expect(byTestId(board.root(), 'paging-status').textContent).toMatch(/2,000 older rows held/)
    await scrollTo(board.scroller(), 0)
    const count = Number(byTestId(board.root(), 'row-count').textContent!.replace(/\D/g, ''))
    expect(count).toBeGreaterThan(PAGE_LIMIT)
    expect(count).toBeLessThan(2 * PAGE_LIMIT)
    // Scrolling down again pages from the new end.
    await scrollTo(board.scroller(), ROW * count)
    expect(board.api.queries).toHaveLength(11)
    expect(board.api.queries[10]!.before!.id).toBe(board.ids().at(-1))
  })

  it('keeps paged rows when a pause ends and the queued rows flow in', async () => {
    const store = createTerminalStore({ maxPerTier: 10 })
    store.getState().applyEvents(many(5, 'daily', 1001))
    board = renderBoard(store, { tier: 'daily' })
    click(byTestId(board.root(), 'pause'))
    await board.api.answer(many(PAGE_LIMIT, 'daily', 801).reverse())
    push(store, many(8, 'daily', 1006))
    expect(byTestId(board.root(), 'row-count').textContent).toBe('205 rows')
    click(byTestId(board.root(), 'pause'))
    // 1013..1004 live, 1003..1001 moved below them, then the 200 paged.
    expect(byTestId(board.root(), 'row-count').textContent).toBe('213 rows')
  })

  it('shows an engine error with a retry', async () => {
    const store = storeWith(many(5, 'intraday', 1001))
    board = renderBoard(store, { tier: 'intraday' })
    await board.api.answer({ error: 'store busy' })
    expect(byTestId(board.root(), 'paging-status').textContent).toBe('older rows: store busy')
    expect(board.api.queries).toHaveLength(1)
    click(board.root().querySelector('.tb-retry')!)
    expect(board.api.queries).toHaveLength(2)
  })
})

describe('tier board: tier switch', () => {
  it('switches tier from its select, resetting pause and selection', () => {
    const store = storeWith([...many(2, 'daily'), makeEvent(9, 'combo', { symbol: 'AMD' })])
    board = renderBoard(store, { tier: 'daily' })
    click(byTestId(board.root(), 'pause'))
    setValue(byTestId(board.root(), 'tier-select'), 'combo')
    expect(board.root().getAttribute('data-tier')).toBe('combo')
    expect(board.ids()).toEqual([9])
    expect(board.state().tier).toBe('combo')
    expect(byTestId(board.root(), 'pause').getAttribute('aria-pressed')).toBe('false')
  })
})
