/**
 * The market panels in Debian Chromium against `tickstock serve --demo`: with
 * no Redis and no imported bars the engine runs its generated ETF market, so
 * the regime, ETF returns, sector rotation and correlations are there from the
 * start. One host and data folder per test (e2e/support/fixtures.ts). What the
 * screen shows is checked against the host's own answers (REST and the
 * contract over /ws); every wait is on the page or on those answers.
 */
import type { APIRequestContext } from '@playwright/test'
import { SECTOR_FUNDS, type EtfSnapshot, type MarketState } from '../../src/shared/domain'
import { HostApi } from '../pages/host-api'
import { parseFixed, parsePercent } from '../pages/market-pages'
import { test, expect } from '../support/fixtures'

test.use({ feed: 'demo', demoRate: 8 })

async function restJson<T>(request: APIRequestContext, path: string): Promise<T> {
  const res = await request.get(path)
  expect(res.ok(), `GET ${path}: ${res.status()}`).toBe(true)
  return (await res.json()) as T
}

/** As the panels format them (market-model.ts), so the screen can be compared with the host's numbers. */
const pct = (v: number): string => `${Math.round(v * 100)}%`
const signed = (v: number): string => {
  const s = v.toFixed(2)
  return Number(s) > 0 ? `+${s}` : Number(s) === 0 ? '0.00' : s
}
/** "Jul 1, 2026", as the chart's regime legend writes a date. */
const legendDate = (iso: string): string =>
  new Intl.DateTimeFormat('en-US', { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' }).format(Date.parse(`${iso}T00:00:00Z`))

const REGIMES = /^(Bull|Bear|Consolidation)$/
const BROAD_FUNDS = ['SPY', 'QQQ', 'IWM', 'GLD', 'TLT']

test('the market overview shows the regime, risk gauge, breadth, key levels and regime history', async ({ terminal, request, stack }) => {
  const state = await restJson<MarketState>(request, '/api/market/state')
  expect(state).toMatchObject({ available: true, demo: true })
  const regime = state.regime!
  expect(regime.label).toMatch(REGIMES)

  await terminal.goto()
  await terminal.openPanel('market-overview')
  const overview = terminal.overview

  // Regime: the label with its confidence and start, and the demo chip (no real bars imported).
  await expect(overview.regimeBadge).toHaveText(regime.label)
  await expect(overview.regimeBadge).toHaveAttribute('data-regime', regime.label)
  await expect(overview.regimeConfidence).toHaveText(pct(regime.confidence))
  await expect(overview.regimeSince).toHaveText(`since ${regime.since}`)
  await expect(overview.demoChip).toHaveText('demo data')
  await expect(overview.asOf).toHaveText(`as of ${state.asOf}`)

  // Risk on/off: the score and one bar per component, as the host computes them.
  const risk = state.risk!
  await expect(overview.riskScore).toHaveText(signed(risk.score))
  await expect.poll(() => overview.readRiskComponents()).toEqual(risk.components.map((c) => ({ name: c.name, value: c.value === null ? '—' : signed(c.value) })))
  expect(risk.components.length).toBeGreaterThanOrEqual(3)

  // Breadth: share of the universe above its 50- and 200-day averages.
  await expect(overview.breadthAbove50).toHaveText(pct(state.breadth!.above50!))
  await expect(overview.breadthAbove200).toHaveText(pct(state.breadth!.above200!))

  // Key levels: SPY, QQQ, IWM first, each with support below resistance and a 52-week range.
  const levels = await overview.readKeyLevels()
  expect(levels.slice(0, 3).map((l) => l.symbol)).toEqual(['SPY', 'QQQ', 'IWM'])
  for (const l of levels.slice(0, 3)) {
    const [support, resistance, low52, high52] = l.cells.slice(1).map((c) => c.split(' · ').map((v) => Number(v.replace(/,/g, ''))))
    expect(support!.every(Number.isFinite) && resistance!.every(Number.isFinite), `${l.symbol} levels: ${l.cells.join(' | ')}`).toBe(true)
    expect(Math.max(...support!), `${l.symbol}: support below resistance`).toBeLessThan(Math.min(...resistance!))
    expect(low52![0]!).toBeLessThan(high52![0]!)
  }

  // Regime history: the stored changes, newest first; the newest is the current regime's start.
  const host = await HostApi.connect(stack.url)
  try {
    const { events } = await host.request('market.regimeEvents', { limit: 6 })
    expect(events.length).toBeGreaterThan(0)
    await expect(overview.historyItems).toHaveCount(events.length)
    const shown = await overview.readHistory()
    expect(shown).toEqual(events.map((e) => ({ date: e.date, change: `${e.from ?? '—'} → ${e.to}`, confidence: pct(e.confidence) })))
    expect(shown[0]).toMatchObject({ date: regime.since, change: expect.stringMatching(new RegExp(`→ ${regime.label}$`)) })
    expect([...shown.map((s) => s.date)].sort().reverse()).toEqual(shown.map((s) => s.date))
  } finally {
    host.close()
  }
  expect(terminal.errors).toEqual([])
})

test('the ETF matrix lists the broad and sector funds, sorts by a period, and charts the fund clicked', async ({ terminal, request }) => {
  const { etfs } = await restJson<{ etfs: EtfSnapshot[] }>(request, '/api/market/etfs')
  await terminal.goto()
  await terminal.openPanel('etf-matrix')
  const matrix = terminal.etfMatrix
  await matrix.waitForRows(BROAD_FUNDS.length + SECTOR_FUNDS.length)
  expect(await matrix.symbols()).toEqual(expect.arrayContaining([...BROAD_FUNDS, ...SECTOR_FUNDS]))
  // A sector fund names its sector.
  await expect(matrix.row('XLK')).toContainText('Technology')

  // By 1M, highest first: the numbers on screen descend, in the host's order.
  const hostOrder = (dir: 1 | -1) =>
    [...etfs]
      .filter((e) => e.returns['1M'] !== null)
      .sort((a, b) => dir * (a.returns['1M']! - b.returns['1M']!) || a.symbol.localeCompare(b.symbol))
      .map((e) => e.symbol)
  const before = await matrix.symbols()
  await matrix.column('1M').click()
  await expect(matrix.column('1M')).toHaveAttribute('aria-sort', 'descending')
  await expect(matrix.column('1D')).toHaveAttribute('aria-sort', 'none')
  const readSorted = async () => {
    const col = await matrix.readColumn('1M')
    return { symbols: col.map((c) => c.symbol), values: col.map((c) => parsePercent(c.text)) }
  }
  // Funds without a 1M return sort last either way.
  await expect.poll(async () => (await readSorted()).symbols.slice(0, hostOrder(-1).length)).toEqual(hostOrder(-1))
  const desc = (await readSorted()).values.filter((v) => v !== null)
  expect(desc.length).toBe(hostOrder(-1).length)
  expect(desc.every((v, i) => i === 0 || desc[i - 1]! >= v!), `1M descending: ${desc.join(', ')}`).toBe(true)
  expect(desc[0]!).toBeGreaterThan(desc[desc.length - 1]!)
  expect(await matrix.symbols(), 'sorting by 1M moved rows').not.toEqual(before)

  // Again: lowest first.
  await matrix.column('1M').click()
  await expect(matrix.column('1M')).toHaveAttribute('aria-sort', 'ascending')
  await expect.poll(async () => (await readSorted()).symbols.slice(0, hostOrder(1).length)).toEqual(hostOrder(1))
  const asc = (await readSorted()).values.filter((v) => v !== null)
  expect(asc.every((v, i) => i === 0 || asc[i - 1]! <= v!), `1M ascending: ${asc.join(', ')}`).toBe(true)

  // Clicking a row moves the linked chart (both in the red group) to that fund.
  await expect(terminal.chart.root).toHaveAttribute('data-symbol', 'SPY')
  for (const symbol of ['GLD', 'TLT']) {
    await matrix.row(symbol).click()
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', symbol)
    await expect(matrix.row(symbol)).toHaveClass(/\bselected\b/)
    await expect(terminal.chart.empty).toHaveCount(0)
  }
  expect(terminal.errors).toEqual([])
})

test('drilling into a sector on the rotation graph filters the linked board and charts the fund with its regime band', async ({ terminal, request, stack }) => {
  const state = await restJson<MarketState>(request, '/api/market/state')
  const regime = state.regime!
  const host = await HostApi.connect(stack.url)
  const table = await host.request('sectors.table', {}).finally(() => host.close())
  const fundOf = new Map(table.entries.map((e) => [e.symbol, e.fund]))

  await terminal.goto()
  const chart = terminal.chart
  const board = terminal.board('intraday')
  await board.waitForRows(5)

  // SPY on the daily chart: the regime band is on by default, its legend the overview's regime.
  await expect(chart.root).toHaveAttribute('data-symbol', 'SPY')
  await chart.timeframe('1D').click()
  await expect(chart.root).toHaveAttribute('data-timeframe', '1D')
  await expect(chart.regimeToggle).toHaveAttribute('aria-pressed', 'true')
  await expect(chart.regimeLegend).toHaveText(`${regime.label} since ${legendDate(regime.since)}`)
  await expect(chart.regimeLegend).toHaveAttribute('data-regime', regime.label)
  // Weekly bars keep it.
  await chart.timeframe('1W').click()
  await expect(chart.root).toHaveAttribute('data-timeframe', '1W')
  await expect(chart.regimeLegend).toHaveAttribute('data-regime', regime.label)
  await chart.timeframe('1D').click()

  // The rotation graph opens in the red group too, over the daily board (the chart and the intraday board stay in view);
  // pick the sector whose dot nothing crowds.
  await terminal.openPanel('rotation-graph', terminal.panelHeader('tier-board').filter({ hasText: 'Daily' }))
  await expect(chart.root).toBeVisible()
  await expect(board.root).toBeVisible()
  const rotation = terminal.rotation
  await expect(rotation.points).toHaveCount(SECTOR_FUNDS.length)
  // A sector with a few intraday patterns stored already (the demo feed favours some symbols), so the drilled board has rows.
  let busy: string[] = []
  await expect
    .poll(async () => {
      const counts = await Promise.all(
        SECTOR_FUNDS.map(async (f) => (await restJson<{ patterns: unknown[] }>(request, `/api/market/patterns?tier=intraday&sector=${f}&limit=3`)).patterns.length),
      )
      busy = SECTOR_FUNDS.filter((_, i) => counts[i]! >= 3)
      return busy.length
    }, { message: 'sectors with intraday patterns' })
    .toBeGreaterThanOrEqual(3)
  const fund = await rotation.loneliestSector(busy)
  expect(SECTOR_FUNDS as readonly string[]).toContain(fund)
  await rotation.clickSector(fund)
  await expect(rotation.point(fund)).toHaveAttribute('aria-pressed', 'true')
  await expect(rotation.readout).toContainText(fund)

  // The board follows the sector: the chip, and only that sector's rows.
  await expect(board.linkedSector).toHaveText(new RegExp(`^Sector: ${fund} \\(linked\\)`))
  await expect(board.followLinkedSector).toHaveAttribute('aria-pressed', 'true')
  await board.waitForRows(1)
  await expect
    .poll(async () => {
      const cells = await board.readMarketCells()
      return cells.length > 0 && cells.every((c) => c.sector === fund && fundOf.get(c.symbol) === fund && c.label.includes(`${fund} (`))
    }, { message: `only ${fund} rows` })
    .toBe(true)
  expect(await board.rowCount()).toBeGreaterThan(0)

  // The chart shows the fund; a fund has no band until asked for, then the same regime.
  await expect(chart.root).toHaveAttribute('data-symbol', fund)
  await expect(chart.root).toHaveAttribute('data-timeframe', '1D')
  await expect(chart.empty).toHaveCount(0)
  await expect(chart.regimeToggle).toHaveAttribute('aria-pressed', 'false')
  await expect(chart.regimeLegend).toHaveCount(0)
  await chart.regimeToggle.click()
  await expect(chart.regimeToggle).toHaveAttribute('aria-pressed', 'true')
  await expect(chart.regimeLegend).toHaveText(`${regime.label} since ${legendDate(regime.since)}`)

  // Dropping the chip brings the other sectors back.
  await board.linkedSectorRemove.click()
  await expect(board.linkedSector).toHaveCount(0)
  await expect(board.followLinkedSector).toHaveAttribute('aria-pressed', 'false')
  await expect.poll(async () => (await board.readMarketCells()).some((c) => c.sector !== fund)).toBe(true)
  expect(terminal.errors).toEqual([])
})

test('the Aligned filter keeps only patterns that pointed the regime’s way at arrival', async ({ terminal, request }) => {
  const regime = (await restJson<MarketState>(request, '/api/market/state')).regime!.label
  await terminal.goto()
  const board = terminal.board('intraday')
  await board.waitForRows(10)
  // Bullish patterns are aligned in a Bull market, bearish ones in a Bear market; nothing is in Consolidation.
  const directional = regime !== 'Consolidation'
  await expect
    .poll(async () => {
      const cells = await board.readMarketCells()
      return cells.some((c) => c.aligned === 'false') && (!directional || cells.some((c) => c.aligned === 'true'))
    }, { message: 'rows the filter keeps and rows it takes away, on screen' })
    .toBe(true)
  // Frozen, so that the counts compare the same rows.
  await board.pause()
  const all = await board.rowCount()

  await board.alignedToggle.click()
  await expect(board.alignedToggle).toHaveAttribute('aria-pressed', 'true')
  if (!directional) {
    await expect(board.empty).toHaveText('No rows match the filters')
  } else {
    await expect.poll(() => board.rowCount(), { message: 'fewer rows with Aligned on' }).toBeLessThan(all)
    expect(await board.rowCount()).toBeGreaterThan(0)
    const cells = await board.readMarketCells()
    expect(cells.length).toBeGreaterThan(0)
    for (const c of cells) {
      expect(c.aligned, `${c.symbol} row ${c.id}`).toBe('true')
      expect(c.label, `${c.symbol} row ${c.id}`).toMatch(new RegExp(`^${regime} regime\\b.*; aligned with the regime$`))
    }
  }

  // Off again: every frozen row is back.
  await board.alignedToggle.click()
  await expect(board.alignedToggle).toHaveAttribute('aria-pressed', 'false')
  await expect.poll(() => board.rowCount()).toBe(all)
  await expect.poll(async () => (await board.readMarketCells()).some((c) => c.label.endsWith('; not aligned with the regime'))).toBe(true)
  await board.resume()
})

test('the sector table moves a symbol to another sector, keeps the edit across a reload, and reverts it', async ({ terminal, stack }) => {
  const host = await HostApi.connect(stack.url)
  const entryOf = async (symbol: string) => (await host.request('sectors.table', {})).entries.find((e) => e.symbol === symbol)
  try {
    expect(await entryOf('AAPL')).toEqual({ symbol: 'AAPL', fund: 'XLK', source: 'bundled' })

    await terminal.goto()
    await terminal.openPanel('sector-table')
    const st = terminal.sectorTable
    await st.find('AAPL')
    await expect(st.rows).toHaveCount(1)
    await expect(st.fundSelect('AAPL')).toHaveValue('XLK')
    await expect(st.source('AAPL')).toHaveText('bundled')
    await expect(st.revert('AAPL')).toHaveCount(0)

    await st.fundSelect('AAPL').selectOption('XLC')
    await expect(st.row('AAPL')).toHaveAttribute('data-source', 'user')
    await expect(st.source('AAPL')).toHaveText('edited')
    await expect(st.revert('AAPL')).toBeVisible()
    await expect(st.notice).toHaveText('AAPL → XLC.')
    await expect(st.count).toContainText('1 edited')
    await expect.poll(() => entryOf('AAPL')).toEqual({ symbol: 'AAPL', fund: 'XLC', source: 'user' })

    // Reload: the layout brings the panel back, and the engine still has the edit.
    await terminal.waitForLayoutSaved()
    await terminal.reload()
    await expect(terminal.panelHeader('sector-table')).toHaveCount(1)
    await st.editedOnly.check()
    await expect(st.rows).toHaveCount(1)
    await expect(st.row('AAPL')).toBeVisible()
    await expect(st.fundSelect('AAPL')).toHaveValue('XLC')
    await expect(st.source('AAPL')).toHaveText('edited')

    // Revert: back to the bundled sector.
    await st.editedOnly.uncheck()
    await st.find('AAPL')
    await st.revert('AAPL').click()
    await expect(st.row('AAPL')).toHaveAttribute('data-source', 'bundled')
    await expect(st.fundSelect('AAPL')).toHaveValue('XLK')
    await expect(st.revert('AAPL')).toHaveCount(0)
    await expect(st.notice).toHaveText('AAPL: edit reverted.')
    await expect(st.count).toContainText('0 edited')
    await expect.poll(() => entryOf('AAPL')).toEqual({ symbol: 'AAPL', fund: 'XLK', source: 'bundled' })
  } finally {
    host.close()
  }
  expect(terminal.errors).toEqual([])
})

test('the correlation matrix switches between the 20- and 60-day windows', async ({ terminal, request }) => {
  type Corr = { window: number; symbols: string[]; matrix: (number | null)[][] }
  const c20 = await restJson<Corr>(request, '/api/market/correlation?window=20')
  const c60 = await restJson<Corr>(request, '/api/market/correlation?window=60')
  const cellsOf = (c: Corr) => Object.fromEntries(c.symbols.flatMap((r, i) => c.symbols.map((col, j) => [`${r}/${col}`, c.matrix[i]![j] === null ? '—' : c.matrix[i]![j]!.toFixed(2).replace(/^-(0\.00)$/, '$1')])))

  await terminal.goto()
  await terminal.openPanel('correlation-matrix')
  const corr = terminal.correlation
  const header = terminal.panelHeader('correlation-matrix')

  // 60 days by default: the switch, the tab title and the table agree, with the host's numbers.
  await expect(corr.windowButton(60)).toHaveAttribute('aria-checked', 'true')
  await expect(corr.table).toHaveAttribute('data-window', '60')
  await expect(header).toContainText('Correlation · 60d')
  await expect.poll(() => corr.readCells()).toEqual(cellsOf(c60))
  await expect(corr.cell('SPY', 'QQQ')).toHaveAttribute('title', /, 60 days: /)
  // A correlation matrix: ones down the diagonal, symmetric.
  const shown60 = await corr.readCells()
  for (const s of c60.symbols) expect(parseFixed(shown60[`${s}/${s}`]!)).toBe(1)
  expect(shown60['SPY/TLT']).toBe(shown60['TLT/SPY'])

  await corr.windowButton(20).click()
  await expect(corr.windowButton(20)).toHaveAttribute('aria-checked', 'true')
  await expect(corr.windowButton(60)).toHaveAttribute('aria-checked', 'false')
  await expect(corr.table).toHaveAttribute('data-window', '20')
  await expect(header).toContainText('Correlation · 20d')
  await expect(corr.cell('SPY', 'QQQ')).toHaveAttribute('title', /, 20 days: /)
  await expect.poll(() => corr.readCells()).toEqual(cellsOf(c20))
  expect(await corr.readCells(), 'the 20-day numbers differ from the 60-day ones').not.toEqual(shown60)

  await corr.windowButton(60).click()
  await expect(corr.table).toHaveAttribute('data-window', '60')
  await expect.poll(() => corr.readCells()).toEqual(cellsOf(c60))
  expect(terminal.errors).toEqual([])
})
