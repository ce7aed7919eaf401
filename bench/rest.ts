/**
 * REST latency with a large store: GET /api/patterns/daily?limit=200 against
 * `tickstock serve` (its own process, as a user runs it) with 1,000,000 events
 * stored, plus a symbol and a pattern filter for reference. Client-observed
 * time from this process, sequential requests over keep-alive, after a
 * warm-up. The demo feed keeps ingesting meanwhile.
 * Run: node --import tsx bench/rest.ts   (or npm run bench)
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { TIERS, epochMs, priorityFor, type PatternEvent } from '../src/shared/domain'
import { openDatabase } from '../src/main/engine/store/db'
import { PatternStore } from '../src/main/engine/store/pattern-store'
import { patternKey } from '../src/shared/patterns'
import { spawn } from 'node:child_process'
import { conditions, percentile, round } from './lib'

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000)
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000)
const PATTERNS = ['Doji', 'Hammer', 'BullishEngulfing', 'BearishEngulfing', 'MorningStar', 'HeadAndShoulders', 'DoubleBottom', 'WeeklyBO', 'VolumeSpike', 'BullFlag', 'Triangle', 'GapFill', 'MomentumSpike', 'HighOfDay', 'LowOfDay', 'SRBreakout']

function seed(dir: string): void {
  const store = new PatternStore(openDatabase(join(dir, 'tickstock.db')))
  const now = Date.now()
  const span = 30 * 24 * 3600_000
  let batch: PatternEvent[] = []
  for (let id = 1; id <= ROWS; id++) {
    const tier = TIERS[id % 10 === 0 ? 2 : id % 3 === 0 ? 0 : 1]!
    const pattern = PATTERNS[(id * 7) % PATTERNS.length]!
    const confidence = 0.6 + ((id * 13) % 40) / 100
    const detectedAt = now - span + Math.floor((id / ROWS) * span)
    batch.push({
      id,
      symbol: `S${(id * 7919) % 2000}`,
      pattern,
      patternKey: patternKey(pattern),
      tier,
      confidence,
      priority: priorityFor(confidence),
      detectedAt: epochMs(detectedAt),
      receivedAt: epochMs(detectedAt + 50),
      expiresAt: epochMs(detectedAt + 4 * 3600_000),
      timeframe: tier === 'intraday' ? '1min' : '1day',
      price: 100 + (id % 500) / 10,
      changePct: null,
      relativeVolume: 1.4,
      relativeStrength: 1.1,
      levels: [],
      channel: 'tickstock:patterns:streaming',
      flowId: null,
      sessionId: 'bench',
      confluence: [],
      market: null,
    })
    if (batch.length === 10_000) {
      store.insertPatterns(batch)
      batch = []
    }
  }
  store.insertPatterns(batch)
  store.close()
}

async function timeRequests(base: string, path: string, n: number, agent: Agent): Promise<{ p50: number; p99: number; max: number; count: number; engineP50: number; engineP99: number }> {
  const times: number[] = []
  const engineTimes: number[] = []
  let count = 0
  for (let i = 0; i < n; i++) {
    const t0 = performance.now()
    const body = await new Promise<string>((resolve, reject) => {
      request(`${base}${path}`, { agent }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve(text))
      })
        .on('error', reject)
        .end()
    })
    times.push(performance.now() - t0)
    const meta = (JSON.parse(body) as { metadata: { count: number; response_time_ms: number } }).metadata
    count = meta.count
    engineTimes.push(meta.response_time_ms)
  }
  times.sort((a, b) => a - b)
  engineTimes.sort((a, b) => a - b)
  return { p50: round(percentile(times, 0.5), 2), p99: round(percentile(times, 0.99), 2), max: round(times.at(-1)!, 2), count, engineP50: round(percentile(engineTimes, 0.5), 2), engineP99: round(percentile(engineTimes, 0.99), 2) }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'tickstock-rest-'))
  try {
    const t0 = performance.now()
    seed(dir)
    const seedMs = performance.now() - t0
    const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '..', 'src', 'cli', 'main.ts'), 'serve', '--demo', '--data', dir, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] })
    const base = await new Promise<string>((resolve, reject) => {
      let out = ''
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString()
        const m = /http:\/\/127\.0\.0\.1:\d+/.exec(out)
        if (m) resolve(m[0])
      })
      child.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${out}`)))
    })
    const agent = new Agent({ keepAlive: true, maxSockets: 1 })
    try {
      await timeRequests(base, '/api/patterns/daily?limit=200', 200, agent)
      const feed = await timeRequests(base, '/api/patterns/daily?limit=200', REQUESTS, agent)
      const symbol = await timeRequests(base, '/api/patterns/intraday?symbols=S42&limit=200', Math.min(REQUESTS, 500), agent)
      const pattern = await timeRequests(base, '/api/patterns/intraday?pattern=Weekly_Breakout&limit=200', Math.min(REQUESTS, 500), agent)
      console.log(
        JSON.stringify(
          {
            benchmark: 'rest',
            figures: {
              dailyLimit200: {
                p50: { value: feed.p50, unit: 'ms' },
                p99: { value: feed.p99, unit: 'ms', target: '< 5' },
                max: { value: feed.max, unit: 'ms' },
                rows: feed.count,
                engineQueryAndSerialize: { p50: feed.engineP50, p99: feed.engineP99, unit: 'ms' },
              },
              intradayOneSymbolLimit200: { p50: { value: symbol.p50, unit: 'ms' }, p99: { value: symbol.p99, unit: 'ms' }, rows: symbol.count },
              intradayPatternAliasLimit200: { p50: { value: pattern.p50, unit: 'ms' }, p99: { value: pattern.p99, unit: 'ms' }, rows: pattern.count },
            },
            conditions: conditions({ storedEvents: ROWS, requests: REQUESTS, seedSeconds: round(seedMs / 1000), client: 'sequential, keep-alive, separate process on the same machine', host: 'tickstock serve --demo', feed: 'demo feed ingesting meanwhile' }),
          },
          null,
          2,
        ),
      )
    } finally {
      agent.destroy()
      await new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
