/**
 * The terminal in Debian Chromium against `tickstock serve`, a real
 * redis-server and the simulator (or the demo feed where the chart needs
 * bars), one data folder per test (e2e/support/fixtures.ts). Every wait is on
 * DOM state or on what the app reports (expect.poll, locator assertions),
 * never a fixed sleep.
 */
import type { APIRequestContext } from '@playwright/test'
import { test, expect } from '../support/fixtures'
import { TIER_NAMES, type RowData, type TierName } from '../pages/terminal-page'

interface RestPattern {
  id: number
  symbol: string
  pattern: string
  tier: string
  confidence: number
}

async function restPatterns(request: APIRequestContext, tier: TierName, limit = 1000): Promise<RestPattern[]> {
  const res = await request.get(`/api/patterns/${tier}?limit=${limit}`)
  expect(res.ok(), `GET /api/patterns/${tier}: ${res.status()}`).toBe(true)
  return ((await res.json()) as { patterns: RestPattern[] }).patterns
}

const isSorted = (values: number[], dir: 'asc' | 'desc'): boolean =>
  values.every((v, i) => i === 0 || (dir === 'desc' ? values[i - 1]! >= v : values[i - 1]! <= v))

const GAP_TEXT = /^no data \d\d:\d\d:\d\d-\d\d:\d\d:\d\d$/

test.describe('with the simulator on Redis', () => {
  test('rows land in the board of their tier, as GET /api/patterns/<tier> has them', async ({ terminal, request }) => {
    await terminal.goto()
    await expect(terminal.boards).toHaveCount(3)
    for (const tier of TIER_NAMES) await terminal.board(tier).waitForRows(3)
    await expect(terminal.status.mode).toHaveText('LIVE')

    const shown = new Map<TierName, RowData[]>()
    for (const tier of TIER_NAMES) shown.set(tier, await terminal.board(tier).readRows())

    // The engine stores in batches: poll until the REST view holds every row the boards showed.
    await expect
      .poll(
        async () => {
          const problems: string[] = []
          const byTier = new Map<TierName, Map<number, RestPattern>>()
          for (const tier of TIER_NAMES) byTier.set(tier, new Map((await restPatterns(request, tier)).map((p) => [p.id, p])))
          for (const [tier, rows] of shown) {
            for (const row of rows) {
              const rest = byTier.get(tier)!.get(row.id)
              if (!rest) problems.push(`${tier} row ${row.id} (${row.symbol} ${row.pattern}) missing from /api/patterns/${tier}`)
              else if (rest.symbol !== row.symbol || rest.pattern !== row.pattern || rest.tier !== tier)
                problems.push(`${tier} row ${row.id}: page ${row.symbol} ${row.pattern}, REST ${rest.symbol} ${rest.pattern} ${rest.tier}`)
              for (const other of TIER_NAMES) if (other !== tier && byTier.get(other)!.has(row.id)) problems.push(`${tier} row ${row.id} is also in /api/patterns/${other}`)
            }
          }
          return problems
        },
        { message: 'every row shown is in its tier, and only there' },
      )
      .toEqual([])
    for (const rows of shown.values()) expect(rows.every((r) => /^\d\d:\d\d:\d\d$/.test(r.time) && r.symbol !== '')).toBe(true)
    expect(terminal.errors).toEqual([])
  })

  test('sorting by confidence orders the rows, both ways', async ({ terminal }) => {
    await terminal.goto()
    const board = terminal.board('intraday')
    await board.waitForRows(10)
    await expect(board.column('time')).toHaveAttribute('aria-sort', 'descending')

    await board.sortBy('confidence')
    await expect(board.column('confidence')).toHaveAttribute('aria-sort', 'descending')
    await expect(board.column('time')).toHaveAttribute('aria-sort', 'none')
    await expect
      .poll(async () => {
        const conf = (await board.readRows()).map((r) => r.confidence)
        return conf.length >= 10 && isSorted(conf, 'desc')
      })
      .toBe(true)

    await board.sortBy('confidence')
    await expect(board.column('confidence')).toHaveAttribute('aria-sort', 'ascending')
    await expect
      .poll(async () => {
        const conf = (await board.readRows()).map((r) => r.confidence)
        return conf.length >= 10 && isSorted(conf, 'asc')
      })
      .toBe(true)
    // The highest first again shows a different top row than the lowest first (the sort is not a no-op).
    const lowest = (await board.readRows())[0]!.confidence
    await board.sortBy('confidence')
    await expect.poll(async () => (await board.readRows())[0]!.confidence).toBeGreaterThan(lowest)
  })

  test('the symbol and minimum-confidence filters restrict the rows', async ({ terminal }) => {
    await terminal.goto()
    const board = terminal.board('intraday')
    await board.waitForRows(20)

    // The symbol seen most often on screen.
    const rows = await board.readRows()
    const counts = new Map<string, number>()
    for (const r of rows) counts.set(r.symbol, (counts.get(r.symbol) ?? 0) + 1)
    const symbol = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0]
    expect(new Set(rows.map((r) => r.symbol)).size, 'several symbols before filtering').toBeGreaterThan(1)

    await board.filterBySymbol(symbol.toLowerCase())
    await expect
      .poll(async () => {
        const shown = await board.readRows()
        return shown.length > 0 && shown.every((r) => r.symbol === symbol)
      }, { message: `only ${symbol} rows` })
      .toBe(true)

    await board.filterBySymbol('')
    await expect.poll(async () => new Set((await board.readRows()).map((r) => r.symbol)).size).toBeGreaterThan(1)

    // A minimum above the median confidence on screen: some rows must go, the rest stay.
    const conf = (await board.readRows()).map((r) => r.confidence).sort((a, b) => a - b)
    expect(conf[0]!, 'rows below the minimum before filtering').toBeLessThan(conf[conf.length - 1]!)
    const minPct = Math.floor(conf[Math.floor(conf.length / 2)]! * 100)
    await board.filterByMinConfidence(minPct)
    await expect
      .poll(async () => {
        const shown = await board.readRows()
        return shown.length > 0 && shown.every((r) => r.confidence >= minPct / 100)
      }, { message: `only rows with confidence >= ${minPct}%` })
      .toBe(true)

    // Both at once: a symbol and a minimum (the board pages older matching rows from the engine if needed).
    await board.filterBySymbol(symbol)
    await expect
      .poll(async () => (await board.readRows()).every((r) => r.symbol === symbol && r.confidence >= minPct / 100))
      .toBe(true)
    await board.filterBySymbol('')
    await board.filterByMinConfidence('')
    await expect.poll(async () => (await board.readRows()).some((r) => r.confidence < minPct / 100)).toBe(true)
  })

  test('pausing queues new rows with a visible count; resuming flushes them', async ({ terminal }) => {
    await terminal.goto()
    const board = terminal.board('intraday')
    await board.waitForRows(5)
    await expect(board.queued).toHaveCount(0)

    await board.pause()
    const frozen = await board.rowIds()
    const frozenTop = Math.max(...frozen)

    // New rows queue: the count shows and rises while the rows on screen stay as they were.
    await expect.poll(() => board.queuedCount(), { message: 'queued count shows' }).toBeGreaterThan(0)
    const first = (await board.queuedCount())!
    await expect.poll(() => board.queuedCount(), { message: 'queued count rises' }).toBeGreaterThan(first)
    expect(await board.rowIds()).toEqual(frozen)

    await board.resume()
    await expect(board.queued).toHaveCount(0)
    await expect.poll(async () => (await board.rowIds())[0] ?? 0, { message: 'queued rows shown at the top' }).toBeGreaterThan(frozenTop)
    const after = await board.rowIds()
    expect(after.filter((id) => id > frozenTop).length).toBeGreaterThanOrEqual(first)
  })

  test('clicking a row, or Enter on it, links the chart to its symbol (live Redis: no bars, the patterns listed)', async ({ terminal }) => {
    await terminal.goto()
    const board = terminal.board('intraday')
    await board.waitForRows(5)
    // Frozen rows stay where they are while the pointer goes to one.
    await board.pause()

    const rows = await board.readRows()
    const target = rows.find((r) => r.symbol !== (rows[0]?.symbol ?? '')) ?? rows[1]!
    await board.rows.nth(rows.indexOf(target)).click()
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', target.symbol)
    // Live Redis has no bar feed yet (bar source 'none'): the chart says so and lists the symbol's patterns instead of markers.
    await expect(terminal.chart.empty).toBeVisible()
    await expect(terminal.chart.recentPatterns.first()).toBeVisible()
    await expect(terminal.chart.recentPatterns.filter({ hasText: target.pattern }).first()).toBeVisible()
    await expect(terminal.chart.markers).toHaveAttribute('data-count', '0')

    // Keyboard: the grid takes focus, arrows move the selection, Enter opens the chart.
    const daily = terminal.board('daily')
    await daily.waitForRows(2)
    await daily.pause()
    await daily.scroller.focus()
    await daily.scroller.press('ArrowDown')
    await daily.scroller.press('ArrowDown')
    const selected = daily.root.locator('[data-testid="event-row"][aria-selected="true"]')
    await expect(selected).toHaveCount(1)
    const picked = await daily.readRow(selected)
    expect(picked.id).toBe((await daily.rowIds())[1])
    await daily.scroller.press('Enter')
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', picked.symbol)
    await expect(terminal.chart.recentPatterns.first()).toBeVisible()
  })

  test('Ctrl+K, a ticker and Enter move the chart', async ({ terminal }) => {
    await terminal.goto()
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', /.+/)
    const before = await terminal.chart.symbol()
    const ticker = before === 'MSFT' ? 'NVDA' : 'MSFT'
    await terminal.palette.run(ticker.toLowerCase())
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', ticker)
    // A query that matches nothing runs nothing; Escape closes the palette and the chart stays.
    await terminal.palette.open()
    await terminal.palette.input.fill('zzzz no such command')
    await expect(terminal.palette.root.getByTestId('palette-empty')).toBeVisible()
    await terminal.palette.input.press('Escape')
    await expect(terminal.palette.root).toBeHidden()
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', ticker)
  })

  test('the light theme changes the page, and stays after a reload', async ({ terminal, page }) => {
    await terminal.goto()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark')
    const pageBg = () => page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor')
    const darkBg = await pageBg()

    await terminal.setTheme('light')
    await expect.poll(pageBg).not.toBe(darkBg)
    await expect(terminal.menu.item('theme.light')).toHaveCount(0) // the menu closed
    await terminal.menu.menu('view').click()
    await expect(terminal.menu.item('theme.light')).toHaveAttribute('aria-checked', 'true')
    await page.keyboard.press('Escape')

    await terminal.reload()
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light')
    await terminal.setTheme('dark')
    await expect.poll(pageBg).toBe(darkBg)
  })

  test('a saved layout survives a page reload and a host restart', async ({ terminal, stack, page }) => {
    await terminal.goto()
    await expect(terminal.panelHeader('tier-metrics')).toHaveCount(1)
    await terminal.saveLayoutAs('E2E')

    // Change it: close the metrics panel and sort the daily board by confidence (both auto-save into "E2E").
    await terminal.closePanel('tier-metrics')
    await terminal.board('daily').sortBy('confidence')
    await expect(terminal.board('daily').column('confidence')).toHaveAttribute('aria-sort', 'descending')
    await expect.poll(async () => (await terminal.layoutState()).dirty || (await terminal.layoutState()).saving).toBe(false)
    await terminal.waitForLayoutSaved('E2E')

    const expectRestored = async () => {
      await expect.poll(async () => (await terminal.layoutState()).current).toBe('E2E')
      await expect(terminal.menu.currentLayout).toHaveAttribute('data-layout-name', 'E2E')
      await expect(terminal.boards).toHaveCount(3)
      await expect(terminal.panelHeader('chart')).toHaveCount(1)
      await expect(terminal.panelHeader('tier-metrics')).toHaveCount(0)
      await expect(terminal.board('daily').column('confidence')).toHaveAttribute('aria-sort', 'descending')
      await expect(terminal.board('intraday').column('time')).toHaveAttribute('aria-sort', 'descending')
    }

    await terminal.reload()
    await expectRestored()

    await stack.restartHost()
    await terminal.goto(stack.url)
    await expectRestored()
    // The named layout is listed by the new host process too.
    await terminal.menu.run('layout', 'layout.manage')
    await expect(terminal.layoutDialog.row('E2E')).toBeVisible()
    await page.keyboard.press('Escape')
    await expect(terminal.layoutDialog.root).toBeHidden()
  })

  test('the status bar shows the gap after Redis is restarted', async ({ terminal, stack }) => {
    await terminal.goto()
    const board = terminal.board('intraday')
    await board.waitForRows(1)
    await expect(terminal.status.mode).toHaveText('LIVE')
    await expect(terminal.status.gap).toHaveCount(0)

    await stack.redis!.stop()
    // While it is down, the gap is open.
    await expect(terminal.status.gap).toHaveText(/^no data since \d\d:\d\d:\d\d$/, { timeout: 30_000 })
    await expect(terminal.status.mode).not.toHaveText('LIVE')

    await stack.redis!.start()
    await expect(terminal.status.gap).toHaveText(GAP_TEXT, { timeout: 60_000 })
    await expect(terminal.status.mode).toHaveText('LIVE', { timeout: 30_000 })
    const top = (await board.rowIds())[0] ?? 0
    // The simulator reconnects too: rows flow again.
    await expect.poll(async () => (await board.rowIds())[0] ?? 0, { timeout: 60_000 }).toBeGreaterThan(top)
  })
})

test.describe('with the demo feed (demo chart bars)', () => {
  test.use({ feed: 'demo', demoRate: 20 })

  test('clicking a row links the chart, and its pattern markers show', async ({ terminal }) => {
    await terminal.goto()
    const board = terminal.board('intraday')
    await board.waitForRows(3)
    await expect(terminal.status.mode).toHaveText(/demo/i)
    await board.pause()
    const row = (await board.readRows())[0]!
    await board.rows.first().click()
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', row.symbol)
    await expect(terminal.chart.empty).toHaveCount(0)
    await expect.poll(() => terminal.chart.markerCount(), { message: `markers for ${row.symbol}` }).toBeGreaterThan(0)
    // Another timeframe keeps the markers (the detection lies inside its bars too).
    await terminal.chart.timeframe('1m').click()
    await expect(terminal.chart.root).toHaveAttribute('data-timeframe', '1m')
    await expect.poll(() => terminal.chart.markerCount()).toBeGreaterThan(0)
  })
})
