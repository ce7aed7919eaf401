/** `tickstock serve`: the headless host. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { engineConfigSchema, type EngineConfigInput } from '../main/engine/config'
import { redactUrl } from '../shared/redact'
import { startHeadless } from '../main/headless/server'

export const REPO_ROOT = resolve(__dirname, '..', '..')
export const RENDERER_DIR = join(REPO_ROOT, 'out', 'renderer')

export const SERVE_HELP = `tickstock serve [--redis redis://...] [--demo] [--port 7420] [--host 127.0.0.1] [--data DIR]
  --redis URL            TickStockPL's Redis (redis:// or rediss:// for TLS); env TICKSTOCK_REDIS_URL
  --redis-options JSON   extra ioredis options (password, username, tls, sentinels, name, db); env TICKSTOCK_REDIS_OPTIONS
  --demo                 run the built-in demo feed (the default when no Redis is configured)
  --port N               HTTP/WebSocket port (default 7420; 0 picks a free one)
  --host ADDR            bind address (default 127.0.0.1; anything else requires a token)
  --token T              token for non-loopback binds (generated and printed when omitted)
  --data DIR             data folder for the SQLite database (default ~/.tickstock-terminal; env TICKSTOCK_DATA)
  --memory               keep everything in memory (nothing written to disk)
  --threshold-daily X    minimum confidence per tier (defaults 0.6 / 0.7 / 0.7)
  --threshold-intraday X
  --threshold-combo X
  --confluence-window-min N   cross-tier confluence window in minutes (default 1440)
  --retention-days N     keep this many days of events (default 90)
  --demo-rate N          demo feed patterns per second (default 8)`

export class UsageError extends Error {}

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) throw new UsageError(`--${flag}: ${JSON.stringify(v)} is not a number`)
  return n
}

/** parseArgs, with its errors (unknown flag, missing value) as UsageError like every other refusal. */
const parseFlags: typeof parseArgs = (config) => {
  try {
    return parseArgs(config)
  } catch (e) {
    throw new UsageError((e as Error).message)
  }
}

/** The flag that set a config field, so a refusal names what the user typed. */
const FLAG_FOR_CONFIG_PATH: Record<string, string> = {
  retentionDays: '--retention-days',
  confluenceWindowMs: '--confluence-window-min',
  'demo.rate': '--demo-rate',
  dataDir: '--data',
}

/** Build the engine configuration from flags and environment; throws UsageError naming the bad flag. */
export function serveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): { config: EngineConfigInput; port: number; host: string; token: string | null } {
  const { values } = parseFlags({
    args: argv,
    options: {
      redis: { type: 'string' },
      'redis-options': { type: 'string' },
      demo: { type: 'boolean', default: false },
      port: { type: 'string' },
      host: { type: 'string' },
      token: { type: 'string' },
      data: { type: 'string' },
      memory: { type: 'boolean', default: false },
      'threshold-daily': { type: 'string' },
      'threshold-intraday': { type: 'string' },
      'threshold-combo': { type: 'string' },
      'confluence-window-min': { type: 'string' },
      'retention-days': { type: 'string' },
      'demo-rate': { type: 'string' },
    },
    strict: true,
    allowPositionals: false,
  })
  const redisUrl = values.demo ? undefined : (values.redis ?? env.TICKSTOCK_REDIS_URL)
  let redisOptions: Record<string, unknown> = {}
  const optText = values['redis-options'] ?? env.TICKSTOCK_REDIS_OPTIONS
  if (optText) {
    const source = values['redis-options'] !== undefined ? '--redis-options' : 'TICKSTOCK_REDIS_OPTIONS'
    try {
      const o = JSON.parse(optText) as unknown
      if (typeof o !== 'object' || o === null || Array.isArray(o)) throw new Error('not an object')
      redisOptions = o as Record<string, unknown>
    } catch (e) {
      throw new UsageError(`${source}: not a JSON object (${(e as Error).message})`)
    }
  }
  const thresholds: Record<string, number> = {}
  for (const t of ['daily', 'intraday', 'combo'] as const) {
    const v = num(values[`threshold-${t}`], `threshold-${t}`)
    if (v !== undefined) thresholds[t] = v
  }
  const windowMin = num(values['confluence-window-min'], 'confluence-window-min')
  const config: EngineConfigInput = {
    dataDir: values.memory ? null : resolve(values.data ?? env.TICKSTOCK_DATA ?? join(homedir(), '.tickstock-terminal')),
    redis: redisUrl ? { url: redisUrl, options: redisOptions } : null,
    thresholds,
    ...(windowMin !== undefined ? { confluenceWindowMs: Math.round(windowMin * 60_000) } : {}),
    ...(values['retention-days'] !== undefined ? { retentionDays: num(values['retention-days'], 'retention-days') } : {}),
    ...(values['demo-rate'] !== undefined ? { demo: { rate: num(values['demo-rate'], 'demo-rate') } } : {}),
  }
  const checked = engineConfigSchema.safeParse(config)
  if (!checked.success) {
    const issue = checked.error.issues[0]!
    const path = issue.path.join('.')
    const flag = path.startsWith('thresholds.')
      ? `--threshold-${path.split('.')[1]}`
      : (FLAG_FOR_CONFIG_PATH[path] ?? (path.startsWith('redis.options') ? '--redis-options' : path.startsWith('redis') ? '--redis' : path))
    throw new UsageError(`${flag}: ${issue.message}`)
  }
  const port = num(values.port, 'port') ?? 7420
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: ${port} is not a port number`)
  return { config, port, host: values.host ?? '127.0.0.1', token: values.token ?? null }
}

export function ensureRendererBuilt(): void {
  if (existsSync(join(RENDERER_DIR, 'index.html'))) return
  console.log('The renderer is not built yet: building it once (npm run build)...')
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' })
  if (r.status !== 0) console.error('Build failed: the host still serves REST and WebSocket, but not the terminal page.')
}

export async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = serveConfig(argv)
  } catch (e) {
    console.error(`tickstock serve: ${(e as Error).message}\n\n${SERVE_HELP}`)
    return 2
  }
  ensureRendererBuilt()
  const { config, port, host, token } = parsed
  let engineExited!: (code: number) => void
  const engineExit = new Promise<number>((r) => (engineExited = r))
  const h = await startHeadless({ config, port, host, token, rendererDir: RENDERER_DIR, onEngineExit: (code) => engineExited(code) })
  const feed = config.redis ? `Redis at ${redactUrl(config.redis.url)}` : 'the built-in demo feed (no Redis configured)'
  const open = h.token ? `${h.url}?token=${h.token}` : h.url
  console.log(`TickStock headless host: ${open}  (feed: ${feed}; data: ${config.dataDir ?? 'in memory'})`)
  return new Promise<number>((resolveStop) => {
    const done = (code: number): void => {
      process.off('SIGINT', stop)
      process.off('SIGTERM', stop)
      void h.close().then(() => resolveStop(code))
    }
    const stop = (): void => {
      console.log('Stopping: draining pending writes...')
      done(0)
    }
    process.on('SIGINT', stop)
    process.on('SIGTERM', stop)
    // A host without its engine only answers 503: better to stop where a supervisor or the user sees it.
    void engineExit.then((code) => {
      console.error(`tickstock serve: engine stopped unexpectedly (exit ${code}); see the log above`)
      done(1)
    })
  })
}
