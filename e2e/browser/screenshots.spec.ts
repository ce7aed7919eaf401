/**
 * The README's screenshots: the default layout at 1920x1080, dark and light,
 * with the demo feed filling the boards and the chart linked to a symbol with
 * detections; and a market layout (overview, ETF matrix, rotation graph, a
 * tier board and SPY's daily chart with its regime band) on the demo market;
 * and alerts (the rule editor with a market-state rule and its preview, the
 * Alerts panel filling from that rule, a toast).
 * Written to docs/screenshots/ (committed).
 */
import { join } from 'node:path'
import { test, expect, PROJECT_ROOT } from '../support/fixtures'
import { BrowserNotifications } from '../pages/alert-pages'
import { HostApi } from '../pages/host-api'
import { TIER_NAMES, type TerminalPage } from '../pages/terminal-page'
import { MARKET_UNIVERSE } from '../../src/main/engine/market/market-state'
import type { MarketState } from '../../src/shared/domain'

/** The demo market's funds. */
const DEMO_FUNDS = new Set(MARKET_UNIVERSE)

const OUT = join(PROJECT_ROOT, 'docs', 'screenshots')

test.use({ feed: 'demo', demoRate: 40, viewport: { width: 1920, height: 1080 } })

test('screenshots of the default layout, dark and light', async ({ terminal, page }) => {
  await terminal.goto()
  const state = await terminal.layoutState()
  expect(state.current, 'a fresh data folder shows the default layout').toBeNull()

  // Boards full: each shows a screenful of rows.
  for (const tier of TIER_NAMES) {
    const board = terminal.board(tier)
    await expect
      .poll(async () => {
        const [rendered, visible] = await board.scroller.evaluate((el) => [el.querySelectorAll('[data-testid="event-row"]').length, Math.floor(el.clientHeight / 22) - 1])
        return rendered >= visible
      }, { timeout: 60_000, message: `${tier} board full` })
      .toBe(true)
  }

  // Chart: the symbol of a recent intraday row, with its markers.
  const intraday = terminal.board('intraday')
  await intraday.pause()
  // A stock, not a fund: the demo market's funds chart completed minutes only, so a pattern in the
  // current minute has no bar (and no marker) yet on theirs.
  const rows = await intraday.readRows()
  const index = Math.max(0, rows.findIndex((r) => !DEMO_FUNDS.has(r.symbol)))
  const row = rows[index]!
  await intraday.rows.nth(index).click()
  await intraday.resume()
  await expect(terminal.chart.root).toHaveAttribute('data-symbol', row.symbol)
  await expect.poll(() => terminal.chart.markerCount()).toBeGreaterThan(0)
  // Metrics: every tier has a rate.
  for (const tier of TIER_NAMES) await expect(terminal.metrics.tier(tier)).toBeVisible()
  await expect(terminal.status.mode).toHaveText(/demo/i)
  // Nothing selected or focused in the shot (the click selected the row).
  await page.mouse.move(0, 0)
  await page.locator('body').evaluate((el) => el.ownerDocument.activeElement?.blur?.())

  const pageBg = () => page.evaluate<string>('getComputedStyle(document.documentElement).backgroundColor')
  const darkBg = await pageBg()
  await page.screenshot({ path: join(OUT, 'terminal-dark.png'), animations: 'disabled' })

  await terminal.setTheme('light')
  await expect.poll(pageBg).not.toBe(darkBg)
  await page.mouse.move(0, 0)
  await page.screenshot({ path: join(OUT, 'terminal-light.png'), animations: 'disabled' })
  expect(terminal.errors).toEqual([])
})

/** Wait until a tier board shows a screenful of rows. */
async function boardFull(terminal: TerminalPage, tier: (typeof TIER_NAMES)[number]): Promise<void> {
  await expect
    .poll(async () => {
      const [rendered, visible] = await terminal.board(tier).scroller.evaluate((el) => [el.querySelectorAll('[data-testid="event-row"]').length, Math.floor(el.clientHeight / 22) - 1])
      return rendered >= visible
    }, { timeout: 60_000, message: `${tier} board full` })
    .toBe(true)
}

/** A golden-layout item of the saved format (the fields golden-layout itself writes; see state/layout-format.ts). */
type GlItem = { type: string; content: GlItem[]; [key: string]: unknown }

/**
 * Pieces to build a layout in the terminal's own saved format from the one on
 * screen: its row / stack / component items as templates, a one-panel stack,
 * a row, and the intraday board to reuse.
 */
function layoutKit(raw: unknown) {
  const config = raw as { gl: { root: GlItem }; links: Record<string, string | null> }
  const items: GlItem[] = []
  const walk = (it: GlItem): void => {
    items.push(it)
    it.content.forEach(walk)
  }
  walk(config.gl.root)
  const like = (type: string) => items.find((it) => it.type === type)!
  const [rowT, stackT, compT] = [like('row'), like('stack'), like('component')]
  const panel = (componentType: string, title: string, state: unknown, size: number, link = 'red'): GlItem => ({
    ...stackT,
    size,
    sizeUnit: '%',
    activeItemIndex: 0,
    content: [{ ...compT, title, componentType, componentState: { state, link, symbol: null }, content: [] }],
  })
  const row = (size: number, content: GlItem[]): GlItem => ({ ...rowT, size, sizeUnit: '%', content })
  const intraday = items.find((it) => it.componentType === 'tier-board' && (it.componentState as { state: { tier: string } }).state.tier === 'intraday')!
  return { config, rowT, stackT, panel, row, intraday }
}

test('screenshot of a market layout', async ({ terminal, page, stack }) => {
  await terminal.goto()
  // The market layout, in the terminal's own saved format: built from the default layout's items, saved as "Market" and chosen.
  const snapshot = await terminal.layoutSnapshot()
  const { config, rowT, stackT, panel, row, intraday } = layoutKit(snapshot.config)
  const root: GlItem = {
    ...config.gl.root,
    content: [
      row(57, [
        panel('market-overview', 'Market overview', {}, 31, 'none'),
        panel('etf-matrix', 'ETF matrix', { sort: { key: '1D', dir: 'desc' } }, 37),
        panel('rotation-graph', 'Sector rotation', { tailWeeks: 8 }, 32),
      ]),
      row(43, [
        { ...stackT, size: 48, sizeUnit: '%', activeItemIndex: 0, content: [intraday] },
        panel('chart', 'Chart · SPY 1D', { symbol: 'SPY', timeframe: '1D', regimeBand: null }, 52),
      ]),
    ],
  }
  const host = await HostApi.connect(stack.url)
  try {
    await host.request('layouts.save', { name: 'Market', version: snapshot.version, config: { ...config, gl: { ...config.gl, root }, links: { ...config.links, red: 'SPY' } } })
    await host.request('prefs.set', { currentLayout: 'Market' })
  } finally {
    host.close()
  }
  await terminal.goto()
  await expect(terminal.menu.currentLayout).toHaveAttribute('data-layout-name', 'Market')

  await expect(terminal.overview.regimeBadge).toHaveText(/^(Bull|Bear|Consolidation)$/)
  await expect(terminal.overview.historyItems.first()).toBeVisible()
  await terminal.etfMatrix.waitForRows(16)
  await expect(terminal.rotation.points).toHaveCount(11)
  await boardFull(terminal, 'intraday')
  await expect(terminal.chart.root).toHaveAttribute('data-symbol', 'SPY')
  await expect(terminal.chart.root).toHaveAttribute('data-timeframe', '1D')
  await expect(terminal.chart.regimeLegend).toBeVisible()
  await expect(terminal.etfMatrix.row('SPY')).toHaveClass(/\bselected\b/)
  await page.mouse.move(0, 0)
  await page.locator('body').evaluate((el) => el.ownerDocument.activeElement?.blur?.())
  await page.screenshot({ path: join(OUT, 'market-dark.png'), animations: 'disabled' })
  expect(terminal.errors).toEqual([])
})

test('screenshot of alerts: the rule editor with its preview, the Alerts panel and a toast', async ({ terminal, page, context, stack, request }) => {
  // Notifications allowed, as a trader who clicked "Allow" would have: no banner, and the desktop channel sent.
  await BrowserNotifications.grant(context, stack.url)
  await terminal.goto()
  const market = (await (await request.get('/api/market/state')).json()) as MarketState
  const regime = market.regime!.label
  // A risk floor the market is above now (the slider's 0.05 steps).
  const riskAbove = Math.max(-1, Math.floor((market.risk!.score - 0.3) * 20) / 20)

  const host = await HostApi.connect(stack.url)
  let ruleId: string
  try {
    // A rule on the demo market: breakouts of high confidence, in the current regime and risk, in leading or improving sectors.
    const { rule } = await host.request('alerts.rules.save', {
      rule: {
        name: 'Leading-sector breakouts',
        when: {
          kind: 'group',
          op: 'and',
          items: [
            { kind: 'pattern', names: ['Day1Breakout', 'SRBreakout', 'HighOfDay'] },
            { kind: 'confidence', min: 0.8 },
            { kind: 'regime', in: [regime] },
            { kind: 'risk', above: riskAbove },
            { kind: 'quadrant', in: ['Leading', 'Improving'] },
          ],
        },
        actions: { desktop: true, toast: true },
        noise: { cooldownMinutes: 15 },
      },
    })
    ruleId = rule.id
    // Some alerts before the page opens, so the list and the preview have something to show.
    await expect
      .poll(async () => (await host.request('alerts.history', { ruleId, limit: 20 })).alerts.length, { timeout: 90_000, message: 'the rule has fired a few times' })
      .toBeGreaterThanOrEqual(8)

    // The alerts layout: the editor on the left, the Alerts panel over the intraday board on the right.
    const snapshot = await terminal.layoutSnapshot()
    const { config, rowT, stackT, panel, intraday } = layoutKit(snapshot.config)
    const root: GlItem = {
      ...rowT,
      content: [
        panel('alert-rules', 'Alert rules', { selectedId: ruleId }, 54, 'none'),
        {
          ...config.gl.root,
          size: 46,
          sizeUnit: '%',
          content: [panel('alerts', 'Alerts', { unreadOnly: false, ruleId: null, symbol: '' }, 58), { ...stackT, size: 42, sizeUnit: '%', activeItemIndex: 0, content: [intraday] }],
        },
      ],
    }
    await host.request('layouts.save', { name: 'Alerts', version: snapshot.version, config: { ...config, gl: { ...config.gl, root } } })
    await host.request('prefs.set', { currentLayout: 'Alerts' })
  } finally {
    host.close()
  }
  await terminal.goto()
  await expect(terminal.menu.currentLayout).toHaveAttribute('data-layout-name', 'Alerts')

  const editor = terminal.alertRules
  await expect(editor.editor).toHaveAttribute('data-rule-id', ruleId)
  await expect(editor.cards).toHaveCount(5)
  await expect(editor.preview).toHaveAttribute('data-status', 'done')
  // "in 7 days", or "in the 12 minutes stored" on a host recording for less than the window.
  await expect(editor.previewSentence).toHaveText(/^Would have fired \d+ times? in /)
  await expect(editor.previewExamples.first()).toBeVisible()
  await expect.poll(() => terminal.alerts.rows.count()).toBeGreaterThanOrEqual(8)
  await boardFull(terminal, 'intraday')
  // A toast (from an alert fired while the page is open: history never toasts), and a preview that has
  // caught up with the list: it counts what was stored when it asked, so ask again (an edit and its undo)
  // until it counts at least every alert listed.
  const bear = editor.card('regime').chip('chip-regime-Bear')
  const previewCount = async () => Number(/fired (\d+) times?/.exec((await editor.previewSentence.textContent()) ?? '')?.[1] ?? 0)
  await expect(async () => {
    await expect(terminal.toasts.toasts.first()).toBeVisible({ timeout: 30_000 })
    await bear.click()
    await bear.click()
    await expect(editor.dirty).toHaveCount(0)
    await expect(editor.preview).toHaveAttribute('data-status', 'done')
    expect(await previewCount()).toBeGreaterThanOrEqual(await terminal.alerts.rows.count())
    await expect(terminal.toasts.toasts.first()).toBeVisible({ timeout: 100 })
  }).toPass({ timeout: 120_000 })
  // No new-row flash caught halfway on the board (the terminal honours reduced motion).
  await page.emulateMedia({ reducedMotion: 'reduce' })
  await page.mouse.move(0, 0)
  await page.locator('body').evaluate((el) => el.ownerDocument.activeElement?.blur?.())
  await page.screenshot({ path: join(OUT, 'alerts-dark.png'), animations: 'disabled' })
  expect(terminal.errors).toEqual([])
})
