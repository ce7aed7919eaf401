/**
 * Ingest throughput, burst safety and memory, against a real redis-server
 * (default pub/sub output-buffer limits: a subscriber 32 MB behind is dropped).
 *
 *  throughput  raw-socket publisher (faster than any subscriber), THROUGHPUT
 *              messages: a bare ioredis subscriber that only JSON.parses,
 *              then the engine (reader thread -> normalize -> tiers -> SQLite
 *              file), same messages. Rate from the first message received to
 *              the last one processed and stored.
 *  burst       BURST messages from a pipelined ioredis publisher at full
 *              speed: the engine must receive every one and record no gap.
 *              Also reported for the raw-socket publisher, for both consumers.
 *  memory      1,000,000 messages through the engine in rounds; heap after a
 *              GC against the heap after the first round; RSS.
 * Run: node --expose-gc --import tsx bench/ingest.ts   (or npm run bench)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Redis from 'ioredis'
import { ALL_CHANNELS } from '../src/main/engine/ingest/channels'
import { engineConfigSchema } from '../src/main/engine/config'
import { Engine } from '../src/main/engine/engine'
import { RedisFeed } from '../src/main/engine/ingest/redis-feed'
import { startRedis } from '../test/redis-server'
import { conditions, drain, publish, round, waitFor } from './lib'

const THROUGHPUT = Number(process.env.BENCH_THROUGHPUT ?? 100_000)
const BURST = Number(process.env.BENCH_BURST ?? 200_000)
const TOTAL = Number(process.env.BENCH_TOTAL ?? 1_000_000)
const gc = (globalThis as { gc?: () => void }).gc

type Mode = 'raw' | 'pipeline'

async function bare(url: string, mode: Mode, count: number, seed: number): Promise<{ rate: number; received: number; published: number; publishRate: number }> {
  const sub = new Redis(url)
  sub.on('error', () => {})
  await sub.subscribe(...ALL_CHANNELS)
  let received = 0
  let first = 0
  let sink = 0
  sub.on('message', (_ch: string, msg: string) => {
    if (received === 0) first = performance.now()
    sink += Object.keys(JSON.parse(msg) as object).length
    received++
  })
  const pub = await publish({ mode, url, count, seed })
  const d = await drain(() => received, pub.published)
  sub.disconnect()
  if (sink < 0) console.error(sink)
  return { rate: received / ((d.at - first) / 1000), received, published: pub.published, publishRate: pub.published / (pub.ms / 1000) }
}

class EngineUnderTest {
  readonly engine: Engine
  private ready = false

  constructor(url: string, dataDir: string) {
    const config = engineConfigSchema.parse({ dataDir, redis: { url, options: {} } })
    this.engine = new Engine({ config, source: new RedisFeed(config.redis!), post: () => {} })
    const orig = this.engine['onRedisState'].bind(this.engine)
    this.engine['onRedisState'] = (s, at, d) => {
      if (s === 'ready') this.ready = true
      orig(s, at, d)
    }
    this.engine.start()
  }

  async connected(): Promise<void> {
    await waitFor(() => this.ready, 10_000, 'engine connected to redis', 20)
    await new Promise((r) => setTimeout(r, 300))
  }

  /** Read the counter directly: a full health report per poll would itself load the engine thread. */
  received(): number {
    return (this.engine['counters'] as { received: number }).received
  }

  async run(url: string, mode: Mode, count: number, seed: number): Promise<{ rate: number; received: number; published: number; stored: number; publishRate: number }> {
    const before = this.engine.healthReport().ingest
    let first = 0
    const poll = setInterval(() => {
      if (first === 0 && this.received() > before.received) first = performance.now()
    }, 1)
    const pub = await publish({ mode, url, count, seed })
    const d = await drain(() => this.received() - before.received, pub.published)
    this.engine['patternWriter'].flushNow()
    const end = performance.now()
    clearInterval(poll)
    const h = this.engine.healthReport()
    return {
      rate: (h.ingest.received - before.received) / (((d.complete ? end : d.at) - first) / 1000),
      received: h.ingest.received - before.received,
      published: pub.published,
      stored: h.ingest.stored - before.stored,
      publishRate: pub.published / (pub.ms / 1000),
    }
  }
}

function heapAfterGc(): number {
  gc?.()
  gc?.()
  return process.memoryUsage().heapUsed
}

async function main(): Promise<void> {
  const redis = await startRedis()
  const dirs: string[] = []
  const newDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'tickstock-bench-'))
    dirs.push(d)
    return d
  }
  try {
    // Throughput: same messages, same publisher, each consumer alone.
    const base = await bare(redis.url, 'raw', THROUGHPUT, 1)
    let eut = new EngineUnderTest(redis.url, newDir())
    await eut.connected()
    const eng = await eut.run(redis.url, 'raw', THROUGHPUT, 1)
    await eut.engine.dispose()

    // Burst from a real client library at full speed.
    const burstBase = await bare(redis.url, 'pipeline', BURST, 2)
    eut = new EngineUnderTest(redis.url, newDir())
    await eut.connected()
    const burst = await eut.run(redis.url, 'pipeline', BURST, 2)
    const burstGaps = eut.engine.healthReport().gaps.length
    await eut.engine.dispose()

    // Burst from the raw socket: faster than any subscriber can read; reported, not a target.
    const rawBase = await bare(redis.url, 'raw', BURST, 3)
    eut = new EngineUnderTest(redis.url, newDir())
    await eut.connected()
    const rawBurst = await eut.run(redis.url, 'raw', BURST, 3)
    await eut.engine.dispose()

    // Memory over 1,000,000 messages.
    eut = new EngineUnderTest(redis.url, newDir())
    await eut.connected()
    const rounds: { received: number; heapMiB: number; rssMiB: number }[] = []
    let total = 0
    for (let i = 0; total < TOTAL; i++) {
      const n = Math.min(THROUGHPUT, TOTAL - total)
      const r = await eut.run(redis.url, 'raw', n, 100 + i)
      total += r.received
      await new Promise((res) => setTimeout(res, 300))
      rounds.push({ received: total, heapMiB: round(heapAfterGc() / 2 ** 20), rssMiB: round(process.memoryUsage().rss / 2 ** 20) })
      if (r.received < n) break
    }
    await eut.engine.dispose()

    const result = {
      benchmark: 'ingest',
      figures: {
        baselineBareSubscriber: { value: round(base.rate, 0), unit: 'messages/s', note: 'ioredis subscriber, JSON.parse only' },
        engineIngest: { value: round(eng.rate, 0), unit: 'messages/s', note: 'Redis -> normalized -> tiered -> stored (SQLite WAL file)', stored: eng.stored },
        engineVsBaseline: { value: round(eng.rate / base.rate, 2), unit: 'ratio', target: '>= 0.5' },
        burstPipelinedLost: { value: burst.published - burst.received, unit: 'messages', of: burst.published, publishRate: round(burst.publishRate, 0), target: 0 },
        burstPipelinedGaps: { value: burstGaps, unit: 'gaps', target: 0 },
        burstPipelinedBaselineLost: { value: burstBase.published - burstBase.received, unit: 'messages', of: burstBase.published },
        burstRawSocketLost: { value: rawBurst.published - rawBurst.received, unit: 'messages', of: rawBurst.published, publishRate: round(rawBurst.publishRate, 0), note: 'informational: faster than any subscriber' },
        burstRawSocketBaselineLost: { value: rawBase.published - rawBase.received, unit: 'messages', of: rawBase.published },
        heapAfterFirstRound: { value: rounds[0]?.heapMiB ?? null, unit: 'MiB', after: rounds[0]?.received ?? 0 },
        heapAfterAll: { value: rounds.at(-1)?.heapMiB ?? null, unit: 'MiB', after: total },
        rssAfterAll: { value: rounds.at(-1)?.rssMiB ?? null, unit: 'MiB' },
      },
      rounds,
      conditions: conditions({
        throughputMessages: THROUGHPUT,
        burst: BURST,
        gcExposed: Boolean(gc),
        messageBytesApprox: 316,
        store: 'SQLite file, WAL, checkpoints on their own thread',
        redis: 'redis-server, default pub/sub output-buffer limits (32 MB hard, 8 MB for 60 s)',
        publisherRates: { raw: round(eng.publishRate, 0), pipelined: round(burst.publishRate, 0) },
      }),
    }
    console.log(JSON.stringify(result, null, 2))
  } finally {
    await redis.stop()
    for (const d of dirs) rmSync(d, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
