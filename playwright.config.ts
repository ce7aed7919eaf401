import { defineConfig } from '@playwright/test'
// Debian's chromium: Playwright's own browser download is not available here.
import { CHROMIUM_ARGS, CHROMIUM_PATH } from './e2e/support/chromium'

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'e2e/test-results',
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 120_000,
  expect: { timeout: 15_000 },
  use: {
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    {
      // Against the headless host (e2e/support/fixtures.ts starts it per test).
      name: 'browser',
      testDir: 'e2e/browser',
      use: {
        browserName: 'chromium',
        viewport: { width: 1920, height: 1080 },
        launchOptions: { executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS },
      },
    },
    {
      name: 'electron',
      testDir: 'e2e/electron',
    },
  ],
})
