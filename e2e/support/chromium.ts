/**
 * Debian's chromium and the flags it runs with, shared by playwright.config.ts
 * and bench/terminal.ts. Playwright's own browser download is not available
 * on these machines: never `npx playwright install`.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
]
