/** Locate the real ETF history (../shared/data/etf-daily next to the repo) for tests. Never copied into the repo. */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { loadDailyDir } from '../load-dir'
import { computeDailyMarketState, MARKET_UNIVERSE, type DailyMarketState } from '../market-state'
import type { DailyBar } from '../daily-bars'

/** <repo>/../shared/data/etf-daily */
export const REAL_DATA_DIR = path.resolve(__dirname, '..', '..', '..', '..', '..', '..', 'shared', 'data', 'etf-daily')

export function assertRealData(): string {
  if (!existsSync(path.join(REAL_DATA_DIR, 'SPY.csv'))) {
    throw new Error(`real ETF data not found: expected ${REAL_DATA_DIR}/SPY.csv (see shared/data/README.md); these tests read it from outside the repo`)
  }
  return REAL_DATA_DIR
}

let cache: Promise<Map<string, DailyBar[]>> | null = null

export function loadRealBars(): Promise<Map<string, DailyBar[]>> {
  cache ??= loadDailyDir(assertRealData(), MARKET_UNIVERSE).then((l) => l.bars)
  return cache
}

export async function realMarketState(): Promise<DailyMarketState> {
  return computeDailyMarketState(await loadRealBars())
}
