/**
 * Per-test stack for the browser suite: a temp data folder, a real
 * redis-server, the headless host serving the built renderer, and the
 * simulator publishing TickStockPL events into that Redis. Everything is
 * stopped after the test; logs are attached when it fails.
 */
import { test as base, expect } from '@playwright/test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { freePort, startRedis, type RedisHandle } from '../../test/redis-server'
import { TerminalPage } from '../pages/terminal-page'
import { startProcess, type ManagedProcess } from './processes'

export const PROJECT_ROOT = resolve(__dirname, '../..')

export interface TerminalStack {
  /** The host's base URL as it printed it, e.g. http://127.0.0.1:41234 */
  url: string
  redisUrl: string
  dataDir: string
  host: ManagedProcess
  sim: ManagedProcess
}

export interface StackOptions {
  /** Simulator arguments after `--redis <url>`. */
  simArgs: string[]
}

const tickstock = (args: string[]) => ['tsx', 'src/cli/main.ts', ...args]
const HOST_READY_MS = 60_000

export const test = base.extend<StackOptions & { stack: TerminalStack; terminal: TerminalPage }>({
  simArgs: [['--rate', '30/s', '--duration', '0', '--seed', '7'], { option: true }],

  stack: async ({ simArgs }, use, testInfo) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tickstock-e2e-'))
    let redis: RedisHandle | null = null
    let host: ManagedProcess | null = null
    let sim: ManagedProcess | null = null
    try {
      redis = await startRedis()
      const port = await freePort()
      host = startProcess('host', 'npx', tickstock(['serve', '--redis', redis.url, '--port', String(port), '--data', dataDir]), {
        cwd: PROJECT_ROOT,
      })
      const [, url] = (await host.waitFor(/(http:\/\/127\.0\.0\.1:\d+)/, HOST_READY_MS)) as RegExpMatchArray & [string, string]
      sim = startProcess('sim', 'npx', tickstock(['sim', '--redis', redis.url, ...simArgs]), { cwd: PROJECT_ROOT })
      await use({ url, redisUrl: redis.url, dataDir, host, sim })
    } finally {
      await sim?.stop()
      await host?.stop()
      await redis?.stop()
      if (testInfo.status !== testInfo.expectedStatus) {
        if (host) await testInfo.attach('host.log', { body: host.output(), contentType: 'text/plain' })
        if (sim) await testInfo.attach('sim.log', { body: sim.output(), contentType: 'text/plain' })
      }
      await rm(dataDir, { recursive: true, force: true })
    }
  },

  baseURL: async ({ stack }, use) => {
    await use(stack.url)
  },

  terminal: async ({ page }, use) => {
    const terminal = new TerminalPage(page)
    await use(terminal)
  },
})

export { expect }
