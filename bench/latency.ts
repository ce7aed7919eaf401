/**
 * Redis publish -> event received by a subscribed WebSocket client of the
 * headless host (engine in its worker thread, Redis reader thread, 16 ms push
 * coalescing included), at 1,000 and 10,000 events/s. Each message carries its
 * publish time (ms) as the detection time; latency = receive time - that.
 * BENCH_RULES=10000 first stores that many alert rules in the data folder
 * (see seedRules): the same path with alerting on, for bench/alert-latency.ts.
 * Run: node --import tsx bench/latency.ts   (or npm run bench)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import type { ServerMessage } from '../src/shared/contract'
import type { PatternEvent } from '../src/shared/domain'
import { startHeadless } from '../src/main/headless/server'
import { startRedis } from '../test/redis-server'
import { alertRuleInputSchema } from '../src/shared/alerts'
import { AlertStore } from '../src/main/engine/alerts/alert-store'
import { openDatabase } from '../src/main/engine/store/db'
import { conditions, percentile, publish, round } from './lib'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const RATES = (process.env.BENCH_RATES ?? '1000,10000').split(',').map(Number)
const RULES = Number(process.env.BENCH_RULES ?? 0)
/** The publisher's symbols (S0..S499) and patterns (bench/publisher.ts LATENCY_PATTERNS, a sample). */
const BENCH_SYMBOLS = 500
const BENCH_PATTERNS = ['Doji', 'Hammer', 'ShootingStar', 'BullishEngulfing', 'DoubleBottom', 'HighOfDay', 'MomentumSpike', 'BullFlag', 'VolumeSpike', 'GapFill']

/**
 * Alert rules as a busy desk might hold them: 1% watch one of the published
 * symbols for one pattern (these fire: a few per cent of events alert, each
 * written to SQLite and pushed), 97% watch 1-20 other tickers (indexed, never
 * candidates here), 2% are broad (confidence >= 0.99 with a regime filter:
 * checked on every event, never matching the 0.85 events). Most have a
 * cooldown, so repeated pairs are recorded as suppressed.
 */
function seedRules(dataDir: string, n: number): number {
  const db = openDatabase(join(dataDir, 'tickstock.db'))
  const store = new AlertStore(db)
  let x = 12345
  const rnd = (): number => ((x = (Math.imul(x, 1103515245) + 12345) >>> 0) / 4294967296)
  const pick = <T>(a: readonly T[]): T => a[Math.floor(rnd() * a.length)] as T
  let firing = 0
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const kind = i % 100
      let items: unknown[]
      if (kind === 0) {
        firing++
        items = [{ kind: 'symbol', include: [`S${Math.floor(rnd() * BENCH_SYMBOLS)}`] }, { kind: 'pattern', names: [pick(BENCH_PATTERNS)] }]
      } else if (kind < 3) items = [{ kind: 'confidence', min: 0.99 }, { kind: 'regime', in: ['Bull'] }]
      else items = [{ kind: 'symbol', include: Array.from({ length: 1 + Math.floor(rnd() * 20) }, (_, k) => `T${i}X${k}`) }, { kind: 'pattern', names: [pick(BENCH_PATTERNS)] }]
      const rule = alertRuleInputSchema.parse({
        name: `bench ${i}`,
        when: { kind: 'group', op: 'and', items },
        actions: { desktop: true, toast: true, sound: null },
        noise: { cooldownMinutes: kind === 0 && i % 200 === 0 ? 0 : 5 },
      })
      store.saveRule(rule, Date.now())
    }
  })()
  db.close()
  return firing
}

async function main(): Promise<void> {
  const redis = await startRedis()
  const dataDir = mkdtempSync(join(tmpdir(), 'tickstock-lat-'))
  const firingRules = RULES > 0 ? seedRules(dataDir, RULES) : 0
  let alerts = 0
  const host = await startHeadless({ config: { dataDir, redis: { url: redis.url, options: {} } }, port: 0, rendererDir: null, log: () => {} })
  try {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ws`)
    await new Promise<void>((res, rej) => {
      ws.once('open', () => res())
      ws.once('error', rej)
    })
    let samples: number[] = []
    let pushes = 0
    ws.on('message', (data) => {
      const now = Date.now()
      const m = JSON.parse(data.toString()) as ServerMessage
      if (m.t === 'push' && m.topic === 'alerts') for (const part of m.parts) alerts += (part.payload as unknown[]).length
      if (m.t !== 'push' || m.topic !== 'patterns') return
      pushes++
      for (const part of m.parts) for (const e of part.payload as PatternEvent[]) if (e.sessionId === 'bench') samples.push(now - e.detectedAt)
    })
    ws.send(JSON.stringify({ t: 'sub', sid: 1, topic: 'patterns', filter: {} }))
    // A terminal with alerts on also receives them (and their channel updates).
    if (RULES > 0) ws.send(JSON.stringify({ t: 'sub', sid: 2, topic: 'alerts', filter: {} }))
    await new Promise((r) => setTimeout(r, 1500))

    const results: Record<string, unknown> = {}
    for (const [i, rate] of RATES.entries()) {
      samples = []
      pushes = 0
      alerts = 0
      const pub = await publish({ mode: 'latency', url: redis.url, rate, seconds: SECONDS, seed: i * 7919, symbols: 500 })
      await new Promise((r) => setTimeout(r, 1000))
      const sorted = Float64Array.from(samples).sort()
      results[`at${rate}PerSecond`] = {
        p50: { value: percentile(sorted, 0.5), unit: 'ms' },
        p99: { value: percentile(sorted, 0.99), unit: 'ms', target: rate <= 1000 ? '< 25' : '< 50' },
        max: { value: sorted[sorted.length - 1] ?? null, unit: 'ms' },
        received: samples.length,
        published: pub.published,
        achievedRate: round(pub.published / (pub.ms / 1000), 0),
        eventsPerPush: round(samples.length / Math.max(1, pushes), 1),
        alertsPushed: alerts,
      }
    }
    ws.close()
    console.log(
      JSON.stringify(
        {
          benchmark: 'latency',
          figures: results,
          conditions: conditions({
            seconds: SECONDS,
            alertRules: RULES,
            firingRules,
            path: 'redis-server -> reader thread -> engine thread (normalize, tiers, SQLite, 16 ms coalescing) -> host main thread -> WebSocket -> client',
            clock: 'publisher and client on this machine; ms resolution',
          }),
        },
        null,
        2,
      ),
    )
  } finally {
    await host.close()
    await redis.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
