/**
 * Market-state engine speed on the real ETF history (../shared/data/etf-daily,
 * read in place): 20 funds x 25 years of daily bars in a SQLite bar store.
 * The 17 real funds plus 3 more made from real ones (a fund's returns with
 * its own noise), so the universe is 20 wide as the issue asks.
 *
 * - full recompute: from the store to regime, risk, breadth, key levels, the
 *   ETF snapshots, the rotation graph and the 60-day correlation matrix
 *   (what a new day's bars or an import costs); also the computation alone.
 * - incremental: one new 1-minute bar reaching the intraday figures (the
 *   service takes the bar, then the ETF snapshot with today's change is read).
 * Run: node --import tsx bench/market.ts   (or npm run bench)
 */
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { loadDailyDir } from '../src/main/engine/market/load-dir'
import { computeDailyMarketState, MARKET_UNIVERSE } from '../src/main/engine/market/market-state'
import { MarketService } from '../src/main/engine/market/market-service'
import type { DailyBar } from '../src/main/engine/market/daily-bars'
import { BarStore } from '../src/main/engine/store/bar-store'
import { openDatabase } from '../src/main/engine/store/db'
import { conditions, percentile, round } from './lib'

const DATA = join(__dirname, '..', '..', 'shared', 'data', 'etf-daily')
const FROM = '2001-01-01'
const EXTRA = [
  ['XQQ', 'QQQ'],
  ['XIW', 'IWM'],
  ['XGL', 'GLD'],
] as const
const RECOMPUTES = 20
const MINUTE_BARS = 100_000

/** A fund following `base` with its own daily noise (deterministic). */
function derived(base: readonly DailyBar[], seed: number): DailyBar[] {
  let s = seed
  const rnd = (): number => {
    s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0
    return s / 4294967296 - 0.5
  }
  let level = 1
  return base.map((b, i) => {
    if (i > 0) level *= 1 + rnd() * 0.01
    return { ...b, open: b.open * level, high: b.high * level * 1.002, low: b.low * level * 0.998, close: b.close * level, adjClose: b.adjClose * level }
  })
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) throw new Error(`bench/market.ts needs the real ETF history at ${DATA} (../shared/data beside the repo)`)
  const { bars } = await loadDailyDir(DATA, MARKET_UNIVERSE)
  const series = new Map<string, DailyBar[]>()
  for (const [sym, b] of bars) series.set(sym, b.filter((x) => x.date >= FROM))
  EXTRA.forEach(([name, base], i) => series.set(name, derived(series.get(base) as DailyBar[], 1000 + i)))
  const universe = [...series.keys()]
  const db = openDatabase(':memory:')
  const store = new BarStore(db)
  store.transaction(() => {
    for (const [sym, b] of series) store.upsertDaily(sym, b)
  })
  const totalBars = [...series.values()].reduce((n, b) => n + b.length, 0)

  // Full recompute, through the service (store read included).
  let clock = Date.parse('2025-12-26T15:00:00Z')
  const svc = new MarketService(store, db, { universe, now: () => clock })
  const full: number[] = []
  for (let i = 0; i < RECOMPUTES + 3; i++) {
    svc.invalidate()
    const t0 = performance.now()
    svc.state()
    svc.etfs()
    svc.sectors(8)
    svc.correlation(60)
    const ms = performance.now() - t0
    if (i >= 3) full.push(ms)
  }
  full.sort((a, b) => a - b)

  const computeOnly: number[] = []
  for (let i = 0; i < RECOMPUTES + 3; i++) {
    const t0 = performance.now()
    computeDailyMarketState(series, { universe })
    const ms = performance.now() - t0
    if (i >= 3) computeOnly.push(ms)
  }
  computeOnly.sort((a, b) => a - b)

  // Incremental: one 1-minute bar in, today's figures out.
  const spyClose = (series.get('SPY') as DailyBar[]).at(-1)!.close
  const incremental = new Float64Array(MINUTE_BARS)
  const open = Date.parse('2025-12-26T14:30:00Z')
  for (let i = 0; i < MINUTE_BARS; i++) {
    const sym = universe[i % universe.length] as string
    const t = open + Math.floor(i / universe.length) * 60_000
    clock = t + 60_000
    const t0 = performance.now()
    svc.onMinuteBars([{ symbol: sym, row: { t, close: spyClose * (1 + 0.001 * Math.sin(i)) } }])
    svc.etfs()
    incremental[i] = performance.now() - t0
  }
  incremental.sort()

  console.log(
    JSON.stringify(
      {
        benchmark: 'market',
        figures: {
          fullRecompute: { p50: { value: round(percentile(full, 0.5)), unit: 'ms' }, max: { value: round(full.at(-1)!), unit: 'ms', target: '< 100' } },
          computeOnly: { p50: { value: round(percentile(computeOnly, 0.5)), unit: 'ms' }, max: { value: round(computeOnly.at(-1)!), unit: 'ms' } },
          incrementalMinuteBar: {
            p50: { value: round(percentile(incremental, 0.5), 4), unit: 'ms' },
            p99: { value: round(percentile(incremental, 0.99), 4), unit: 'ms', target: '< 1' },
            max: { value: round(incremental[incremental.length - 1]!, 3), unit: 'ms' },
          },
        },
        conditions: conditions({
          funds: universe.length,
          from: FROM,
          dailyBars: totalBars,
          recomputes: RECOMPUTES,
          minuteBars: MINUTE_BARS,
          store: 'SQLite in memory (better-sqlite3), real history from ../shared/data/etf-daily plus 3 derived funds',
          fullRecomputeIncludes: 'store read, alignment, regime, risk, breadth, key levels, ETF snapshots, rotation graph (8-week tails), 60-day correlation',
        }),
      },
      null,
      2,
    ),
  )
  db.close()
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
