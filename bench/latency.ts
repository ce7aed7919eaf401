/**
 * Redis publish -> event received by a subscribed WebSocket client of the
 * headless host (engine in its worker thread, Redis reader thread, 16 ms push
 * coalescing included), at 1,000 and 10,000 events/s. Each message carries its
 * publish time (ms) as the detection time; latency = receive time - that.
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
import { conditions, percentile, publish, round } from './lib'

const SECONDS = Number(process.env.BENCH_SECONDS ?? 20)
const RATES = (process.env.BENCH_RATES ?? '1000,10000').split(',').map(Number)

async function main(): Promise<void> {
  const redis = await startRedis()
  const dataDir = mkdtempSync(join(tmpdir(), 'tickstock-lat-'))
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
      if (m.t !== 'push' || m.topic !== 'patterns') return
      pushes++
      for (const part of m.parts) for (const e of part.payload as PatternEvent[]) if (e.sessionId === 'bench') samples.push(now - e.detectedAt)
    })
    ws.send(JSON.stringify({ t: 'sub', sid: 1, topic: 'patterns', filter: {} }))
    await new Promise((r) => setTimeout(r, 1500))

    const results: Record<string, unknown> = {}
    for (const [i, rate] of RATES.entries()) {
      samples = []
      pushes = 0
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
