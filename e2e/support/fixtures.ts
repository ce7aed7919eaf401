/**
 * Per-test stack for the browser suite: a temp data folder, then either
 *  - feed 'sim' (the default): a real redis-server, the headless host on it,
 *    and the simulator publishing TickStockPL events into that Redis; or
 *  - feed 'demo': the headless host with its built-in demo feed (which also
 *    serves demo chart bars), no Redis.
 * Everything is stopped after the test; logs are attached when it fails.
 * The host can be restarted on the same port and data folder, and Redis
 * stopped and started on its port, for the restart tests.
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
  /** null with the demo feed. */
  redisUrl: string | null
  redis: RedisHandle | null
  dataDir: string
  /** The host running now (replaced by restartHost). */
  host: ManagedProcess
  /** null with the demo feed. */
  sim: ManagedProcess | null
  /** Stop the host (SIGTERM: it drains and closes its database) and start it again on the same port and data folder. */
  restartHost(): Promise<void>
}

export interface StackOptions {
  feed: 'sim' | 'demo'
  /** Simulator arguments after `--redis <url>` (feed 'sim'). */
  simArgs: string[]
  /** Demo feed patterns per second (feed 'demo'). */
  demoRate: number
}

const tickstock = (args: string[]) => ['tsx', 'src/cli/main.ts', ...args]
const HOST_READY_MS = 60_000
const HOST_URL = /(http:\/\/127\.0\.0\.1:\d+)/

export const test = base.extend<StackOptions & { stack: TerminalStack; terminal: TerminalPage }>({
  feed: ['sim', { option: true }],
  simArgs: [['--rate', '30/s', '--duration', '0', '--seed', '7'], { option: true }],
  demoRate: [8, { option: true }],

  stack: async ({ feed, simArgs, demoRate }, use, testInfo) => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tickstock-e2e-'))
    let redis: RedisHandle | null = null
    let host: ManagedProcess | null = null
    let sim: ManagedProcess | null = null
    const hostLogs: string[] = []
    try {
      if (feed === 'sim') redis = await startRedis()
      const port = await freePort()
      const feedArgs = redis ? ['--redis', redis.url] : ['--demo', '--demo-rate', String(demoRate)]
      const startHost = async (): Promise<{ proc: ManagedProcess; url: string }> => {
        const proc = startProcess('host', 'npx', tickstock(['serve', ...feedArgs, '--port', String(port), '--data', dataDir]), { cwd: PROJECT_ROOT })
        try {
          const [, url] = (await proc.waitFor(HOST_URL, HOST_READY_MS)) as RegExpMatchArray & [string, string]
          return { proc, url }
        } catch (e) {
          // A host that never came up must not outlive the test.
          await proc.stop(5_000)
          throw e
        }
      }
      const first = await startHost()
      host = first.proc
      if (redis) sim = startProcess('sim', 'npx', tickstock(['sim', '--redis', redis.url, ...simArgs]), { cwd: PROJECT_ROOT })
      const stack: TerminalStack = {
        url: first.url,
        redisUrl: redis?.url ?? null,
        redis,
        dataDir,
        host,
        sim,
        async restartHost() {
          const old = host!
          await old.stop(15_000)
          hostLogs.push(old.output())
          host = null
          const next = await startHost()
          host = next.proc
          stack.host = next.proc
          stack.url = next.url
        },
      }
      await use(stack)
    } finally {
      await sim?.stop()
      await host?.stop(15_000)
      await redis?.stop()
      if (testInfo.status !== testInfo.expectedStatus) {
        if (host) hostLogs.push(host.output())
        if (hostLogs.length) await testInfo.attach('host.log', { body: hostLogs.join('\n----- restarted -----\n'), contentType: 'text/plain' })
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
