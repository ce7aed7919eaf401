/**
 * `tickstock sim`: publish a realistic TickStockPL stream on Redis, for
 * development, demos and benchmarks without a producer.
 *
 *   tickstock sim --redis redis://127.0.0.1:6379 [--rate 50/s] [--symbols 500]
 *                 [--quirks all|none|LIST] [--duration 60s] [--seed N]
 *
 * Exit codes: 0 done, 1 Redis unreachable or failed, 2 bad arguments.
 */
import { redactUrl } from '../shared/redact'
import { Redis } from 'ioredis'
import { HEARTBEAT_KEY } from '../main/engine/ingest/channels'
import { parseQuirks, QUIRKS, TickStockSimulator, type Quirk, type SimStats } from '../main/engine/sim/simulator'

export interface SimTick {
  nowMs: number
  /** Messages published in this tick. */
  published: number
  stats: Readonly<SimStats>
}

export interface RunSimulatorOptions {
  redisUrl: string
  /** Pattern detections per second. */
  rate: number
  symbols: number
  quirks: Set<Quirk> | string
  seed: number
  /** How long to run; 0 runs until `signal` aborts. */
  durationMs: number
  signal?: AbortSignal
  /** Called after every tick's pipeline has been sent. */
  onTick?: (tick: SimTick) => void
  /** Publish interval. Default 10 ms. */
  tickMs?: number
  /** Heartbeat key refresh interval. Default 5 s. */
  heartbeatMs?: number
  /** Clock (epoch ms). Default Date.now. */
  now?: () => number
}

export interface SimRunResult {
  stats: SimStats
  /** Messages Redis accepted. */
  published: number
  /** Messages lost because Redis was not connected or rejected them. */
  dropped: number
  startedAt: number
  stoppedAt: number
  durationMs: number
}

const DEFAULT_TICK_MS = 10
const DEFAULT_HEARTBEAT_MS = 5_000

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve()
    const done = (): void => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, Math.max(0, ms))
    signal?.addEventListener('abort', done, { once: true })
  })
}

/**
 * Run the simulator against a Redis server: session start, then every tick
 * the due messages in one pipeline, the heartbeat key every `heartbeatMs`,
 * and session stop at the end (duration elapsed or `signal` aborted).
 * Rejects when Redis cannot be reached at the start.
 */
export async function runSimulator(opts: RunSimulatorOptions): Promise<SimRunResult> {
  const quirks = typeof opts.quirks === 'string' ? parseQuirks(opts.quirks) : opts.quirks
  const now = opts.now ?? Date.now
  const tickMs = opts.tickMs ?? DEFAULT_TICK_MS
  const heartbeatMs = opts.heartbeatMs ?? DEFAULT_HEARTBEAT_MS
  const redis = new Redis(opts.redisUrl, {
    lazyConnect: true,
    // Pub/sub is lossy: while disconnected the producer's messages are simply gone, so don't queue them.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
    connectionName: 'tickstock-sim',
  })
  let lastError: string | null = null
  redis.on('error', (e: Error) => {
    lastError = e.message
  })
  try {
    await redis.connect()
  } catch (e) {
    redis.disconnect()
    throw new Error(`cannot connect to ${redactUrl(opts.redisUrl)}: ${lastError ?? (e as Error).message}`)
  }

  let published = 0
  let dropped = 0
  const send = async (messages: { channel: string; message: string }[], heartbeat: string | null): Promise<number> => {
    if (redis.status !== 'ready') {
      dropped += messages.length
      return 0
    }
    const p = redis.pipeline()
    if (heartbeat !== null) p.set(HEARTBEAT_KEY, heartbeat)
    for (const m of messages) p.publish(m.channel, m.message)
    try {
      const results = (await p.exec()) ?? []
      const offset = heartbeat !== null ? 1 : 0
      let ok = 0
      for (let i = offset; i < results.length; i++) if (!results[i]![0]) ok++
      published += ok
      dropped += messages.length - ok
      return ok
    } catch {
      dropped += messages.length
      return 0
    }
  }

  const startedAt = now()
  const endAt = opts.durationMs > 0 ? startedAt + opts.durationMs : Infinity
  const sim = new TickStockSimulator({ rate: opts.rate, symbols: opts.symbols, quirks, seed: opts.seed }, startedAt)
  let lastHeartbeat = startedAt
  try {
    await send(sim.start(startedAt), sim.heartbeat(startedAt))
    for (;;) {
      if (opts.signal?.aborted) break
      const t0 = now()
      if (t0 >= endAt) break
      await sleep(Math.min(tickMs, endAt - t0), opts.signal)
      const t = Math.min(now(), endAt)
      const due = sim.advance(t)
      let hb: string | null = null
      if (t - lastHeartbeat >= heartbeatMs) {
        hb = sim.heartbeat(t)
        lastHeartbeat = t
      }
      const n = due.length > 0 || hb !== null ? await send(due, hb) : 0
      opts.onTick?.({ nowMs: t, published: n, stats: sim.stats })
    }
    const stoppedAt = Math.min(now(), endAt)
    await send(sim.stop(stoppedAt), sim.heartbeat(stoppedAt))
    return { stats: sim.stats, published, dropped, startedAt, stoppedAt, durationMs: stoppedAt - startedAt }
  } finally {
    await redis.quit().catch(() => redis.disconnect())
  }
}

// ---------------------------------------------------------------------------
// Argument parsing

export interface SimArgs {
  redisUrl: string
  rate: number
  symbols: number
  quirks: Set<Quirk>
  quirksSpec: string
  durationMs: number
  seed: number
}

export class ArgError extends Error {
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(`${flag}: ${message}`)
  }
}

/** `50/s`, `3000/min`, `2/ms`... or a bare number (per second). */
export function parseRate(v: string): number {
  const m = /^(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*(s|sec|second|m|min|minute|h|hr|hour))?$/i.exec(v.trim())
  if (!m) throw new Error(`expected N, N/s, N/min or N/h (got "${v}")`)
  const n = Number(m[1])
  const unit = (m[2] ?? 's').toLowerCase()
  const perSec = unit.startsWith('h') ? n / 3600 : unit === 'm' || unit.startsWith('min') ? n / 60 : n
  if (!(perSec > 0) || perSec > 1_000_000) throw new Error(`must be above 0 and at most 1000000/s (got "${v}")`)
  return perSec
}

/** `60s`, `5m`, `1h`, `500ms`, a bare number of seconds; `0` = until stopped. */
export function parseDuration(v: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|sec|m|min|h|hr)?$/i.exec(v.trim())
  if (!m) throw new Error(`expected e.g. 60s, 5m, 1h or 0 (got "${v}")`)
  const n = Number(m[1])
  const unit = (m[2] ?? 's').toLowerCase()
  const ms = unit === 'ms' ? n : unit.startsWith('h') ? n * 3_600_000 : unit === 'm' || unit === 'min' ? n * 60_000 : n * 1000
  if (!Number.isFinite(ms) || ms > 30 * 24 * 3_600_000) throw new Error(`must be at most 30 days (got "${v}")`)
  return Math.round(ms)
}

const MAX_SYMBOLS = 20_000

export function parseSimArgs(argv: readonly string[], env: Record<string, string | undefined> = {}): SimArgs | 'help' {
  const args = argv[0] === 'sim' ? argv.slice(1) : argv
  const raw = new Map<string, string>()
  const KNOWN = new Set(['--redis', '--rate', '--symbols', '--quirks', '--duration', '--seed'])
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--help' || a === '-h') return 'help'
    if (!a.startsWith('--')) throw new ArgError(a, 'unexpected argument (flags are --redis, --rate, --symbols, --quirks, --duration, --seed)')
    const eq = a.indexOf('=')
    const flag = eq >= 0 ? a.slice(0, eq) : a
    if (!KNOWN.has(flag)) throw new ArgError(flag, 'unknown flag (flags are --redis, --rate, --symbols, --quirks, --duration, --seed)')
    let value: string | undefined
    if (eq >= 0) value = a.slice(eq + 1)
    else {
      value = args[i + 1]
      if (value === undefined || (value.startsWith('--') && value.length > 2)) throw new ArgError(flag, 'missing value')
      i++
    }
    raw.set(flag, value)
  }
  const get = (flag: string, dflt: string): string => raw.get(flag) ?? dflt
  const wrap = <T>(flag: string, fn: () => T): T => {
    try {
      return fn()
    } catch (e) {
      if (e instanceof ArgError) throw e
      throw new ArgError(flag, (e as Error).message)
    }
  }

  const redisUrl = wrap('--redis', () => {
    const v = get('--redis', env.REDIS_URL ?? 'redis://127.0.0.1:6379').trim()
    let u: URL
    try {
      u = new URL(v)
    } catch {
      throw new Error(`not a URL: "${v}" (expected redis://host:port)`)
    }
    if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`expected a redis:// or rediss:// URL (got "${v}")`)
    if (!u.hostname) throw new Error(`missing host in "${v}"`)
    return v
  })
  const rate = wrap('--rate', () => parseRate(get('--rate', '50/s')))
  const symbols = wrap('--symbols', () => {
    const v = get('--symbols', '500').trim()
    if (!/^\d+$/.test(v)) throw new Error(`expected a whole number (got "${v}")`)
    const n = Number(v)
    if (n < 1 || n > MAX_SYMBOLS) throw new Error(`must be between 1 and ${MAX_SYMBOLS} (got ${v})`)
    return n
  })
  const quirksSpec = get('--quirks', 'all').trim()
  const quirks = wrap('--quirks', () => parseQuirks(quirksSpec))
  const durationMs = wrap('--duration', () => parseDuration(get('--duration', '0')))
  const seed = wrap('--seed', () => {
    const v = get('--seed', '1').trim()
    if (!/^-?\d+$/.test(v) || Math.abs(Number(v)) > 0xffffffff) throw new Error(`expected an integer (got "${v}")`)
    return Number(v) >>> 0
  })
  return { redisUrl, rate, symbols, quirks, quirksSpec, durationMs, seed }
}

export const SIM_USAGE = `usage: tickstock sim [--redis redis://host:port] [--rate 50/s] [--symbols 500] [--quirks all|none|LIST] [--duration 60s] [--seed N]
  --redis     Redis URL (default $REDIS_URL or redis://127.0.0.1:6379)
  --rate      pattern detections per second: 50, 50/s, 3000/min (default 50/s)
  --symbols   universe size, 1-${MAX_SYMBOLS} (default 500)
  --quirks    producer quirks to reproduce: all, none, or a comma list of
              ${QUIRKS.join(', ')} (default all)
  --duration  60s, 5m, 1h; 0 runs until Ctrl-C (default 0)
  --seed      PRNG seed: the same seed gives the same stream (default 1)`

export interface SimIo {
  out: (line: string) => void
  err: (line: string) => void
  env: Record<string, string | undefined>
  /** Install SIGINT/SIGTERM handlers for a clean stop. Default true. */
  handleSignals: boolean
}

function formatDuration(ms: number): string {
  if (ms === 0) return 'until stopped (Ctrl-C)'
  if (ms % 3_600_000 === 0) return `for ${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `for ${ms / 60_000}m`
  return `for ${ms / 1000}s`
}

export async function main(argv: string[], io: Partial<SimIo> = {}): Promise<number> {
  const out = io.out ?? ((l: string) => void process.stdout.write(`${l}\n`))
  const err = io.err ?? ((l: string) => void process.stderr.write(`${l}\n`))
  let args: SimArgs | 'help'
  try {
    args = parseSimArgs(argv, io.env ?? process.env)
  } catch (e) {
    err(`tickstock sim: ${(e as Error).message}`)
    return 2
  }
  if (args === 'help') {
    out(SIM_USAGE)
    return 0
  }

  const abort = new AbortController()
  const onSignal = (): void => abort.abort()
  const handleSignals = io.handleSignals ?? true
  if (handleSignals) {
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
  }
  const rateText = Number.isInteger(args.rate) ? `${args.rate}/s` : `${args.rate.toFixed(3)}/s`
  out(
    `tickstock sim: publishing to ${redactUrl(args.redisUrl)} at ${rateText}, ${args.symbols} symbols, quirks ${args.quirksSpec || 'none'}, seed ${args.seed}, ${formatDuration(args.durationMs)}`,
  )
  try {
    const r = await runSimulator({
      redisUrl: args.redisUrl,
      rate: args.rate,
      symbols: args.symbols,
      quirks: args.quirks,
      seed: args.seed,
      durationMs: args.durationMs,
      signal: abort.signal,
    })
    const secs = r.durationMs / 1000
    out(
      JSON.stringify({
        durationMs: r.durationMs,
        detections: r.stats.detections,
        detectionsPerSecond: secs > 0 ? Math.round((r.stats.detections / secs) * 10) / 10 : 0,
        messages: r.stats.messages,
        published: r.published,
        dropped: r.dropped,
        byTier: r.stats.byTier,
        duplicates: r.stats.duplicates,
        junk: r.stats.junk,
        batches: r.stats.batches,
      }),
    )
    return 0
  } catch (e) {
    err(`tickstock sim: ${(e as Error).message}`)
    return 1
  } finally {
    if (handleSignals) {
      process.off('SIGINT', onSignal)
      process.off('SIGTERM', onSignal)
    }
  }
}

// Direct run: `tsx src/cli/sim.ts --duration 10s`
const entry = process.argv[1] ?? ''
if (/[\\/]cli[\\/]sim\.[cm]?[jt]s$/.test(entry)) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code
  })
}
