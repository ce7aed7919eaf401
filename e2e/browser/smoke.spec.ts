import { join } from 'node:path'
import { test, expect } from '../support/fixtures'
import { TIER_NAMES } from '../pages/terminal-page'

interface RestPattern {
  id: number
  symbol: string
  pattern: string
  tier?: string
}

test('simulated events stream into the right tier boards and the status bar says LIVE', async ({ terminal, request, page }) => {
  await terminal.goto()

  // The simulator publishes all three tiers; each board fills from pushes.
  for (const tier of TIER_NAMES) await expect(terminal.rows(tier).first()).toBeVisible({ timeout: 30_000 })
  await expect(terminal.statusMode).toHaveText('LIVE')

  for (const tier of TIER_NAMES) {
    const row = await terminal.readRow(terminal.rows(tier).first())
    expect(row.tier).toBe(tier)
    expect(row.time).toMatch(/^\d\d:\d\d:\d\d$/)
    expect(row.symbol).not.toBe('')

    // The host's REST view of the same tier holds this event, under this symbol and pattern.
    const res = await request.get(`/api/patterns/${tier}?symbols=${encodeURIComponent(row.symbol)}&limit=1000`)
    expect(res.ok(), `GET /api/patterns/${tier}: ${res.status()}`).toBe(true)
    const body = (await res.json()) as { patterns?: RestPattern[]; value?: { patterns: RestPattern[] } }
    const patterns = body.patterns ?? body.value?.patterns ?? []
    const match = patterns.find((p) => p.id === row.id)
    expect(match, `event ${row.id} (${row.symbol} ${row.pattern}) in /api/patterns/${tier}`).toBeDefined()
    expect(match).toMatchObject({ symbol: row.symbol, pattern: row.pattern })
    if (match?.tier !== undefined) expect(match.tier).toBe(tier)
  }

  await expect(terminal.statusRejected).toBeVisible()
  expect(terminal.errors).toEqual([])
  await page.screenshot({ path: join(__dirname, '..', 'screenshots', 'smoke.png') })
})
