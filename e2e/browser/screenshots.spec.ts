/**
 * The README's screenshots: the default layout at 1920x1080, dark and light,
 * with the demo feed filling the boards and the chart linked to a symbol with
 * detections. Written to docs/screenshots/ (committed).
 */
import { join } from 'node:path'
import { test, expect, PROJECT_ROOT } from '../support/fixtures'
import { TIER_NAMES } from '../pages/terminal-page'

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
  const row = (await intraday.readRows())[0]!
  await intraday.rows.first().click()
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
