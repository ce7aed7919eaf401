import { join } from 'node:path'
import { test, expect } from '../support/fixtures'
import { TIER_NAMES } from '../pages/terminal-page'

interface RestPattern {
  id: number
  symbol: string
  pattern: string
  tier: string
}

/** The body of GET /api/patterns/:tier, exactly (Engine.queryPatterns). */
interface RestPatternPage {
  patterns: RestPattern[]
  metadata: { tier: string; count: number; limit: number; response_time_ms: number; nextBefore: { detectedAt: number; id: number } | null }
}

const connectSrc = (policy: string | null | undefined): string | undefined =>
  policy
    ?.split(';')
    .map((d) => d.trim())
    .find((d) => d.startsWith('connect-src'))

test('simulated events stream into the right tier boards and the status bar says LIVE', async ({ terminal, request, page }) => {
  await terminal.goto()

  // The simulator publishes all three tiers; each board fills from pushes.
  for (const tier of TIER_NAMES) await expect(terminal.rows(tier).first()).toBeVisible({ timeout: 30_000 })
  await expect(terminal.statusMode).toHaveText('LIVE')

  for (const tier of TIER_NAMES) {
    const row = await terminal.board(tier).readRow(terminal.rows(tier).first())
    expect(row.tier).toBe(tier)
    expect(row.time).toMatch(/^\d\d:\d\d:\d\d$/)
    expect(row.symbol).not.toBe('')

    // The host's REST view of the same tier holds this event, under this symbol and pattern.
    const res = await request.get(`/api/patterns/${tier}?symbols=${encodeURIComponent(row.symbol)}&limit=1000`)
    expect(res.ok(), `GET /api/patterns/${tier}: ${res.status()}`).toBe(true)
    const body = (await res.json()) as RestPatternPage
    expect(Object.keys(body).sort()).toEqual(['metadata', 'patterns'])
    expect(Object.keys(body.metadata).sort()).toEqual(['count', 'limit', 'nextBefore', 'response_time_ms', 'tier'])
    expect(body.metadata).toMatchObject({ tier, count: body.patterns.length, limit: 1000, response_time_ms: expect.any(Number) })
    expect(body.patterns.every((p) => p.tier === tier && p.symbol === row.symbol)).toBe(true)
    const match = body.patterns.find((p) => p.id === row.id)
    expect(match, `event ${row.id} (${row.symbol} ${row.pattern}) in /api/patterns/${tier}`).toBeDefined()
    expect(match).toMatchObject({ symbol: row.symbol, pattern: row.pattern, tier })
  }

  await expect(terminal.statusRejected).toBeVisible()
  expect(terminal.errors).toEqual([])

  // The rows above came over the page's own WebSocket under a CSP that allows no other host:
  // connect-src is exactly 'self' in the header and in the page's meta tag.
  const index = await request.get('/')
  expect(connectSrc(index.headers()['content-security-policy'])).toBe("connect-src 'self'")
  const meta = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content')
  expect(connectSrc(meta)).toBe("connect-src 'self'")
  expect(meta).toContain("form-action 'none'")
  // And a WebSocket to another host is refused by the browser (192.0.2.1 is TEST-NET: never a real host).
  // (A string, run in the page: this project's e2e code is typed without the DOM.)
  const verdict = await page.evaluate<string>(`new Promise((resolve) => {
    document.addEventListener('securitypolicyviolation', (e) => resolve('blocked by ' + e.effectiveDirective), { once: true })
    try {
      new WebSocket('ws://192.0.2.1:9/ws').onerror = () => {}
    } catch {
      // Chromium may also throw; the violation event still names the directive.
    }
    setTimeout(() => resolve('allowed'), 3000)
  })`)
  expect(verdict).toBe('blocked by connect-src')
  await page.screenshot({ path: join(__dirname, '..', 'screenshots', 'smoke.png') })
})
