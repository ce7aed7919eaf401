/**
 * The simulator's symbol universe: the sector ETFs and large caps TickStockPL
 * really streams, padded with generated tickers. Pure and deterministic.
 */
import { mulberry32 } from './prng'

/** Ticker and a plausible reference price. ETFs first: they are always in the universe. */
const REAL: readonly (readonly [string, number])[] = [
  ['SPY', 662], ['QQQ', 598], ['IWM', 243], ['XLF', 53.4], ['XLE', 89.2], ['GLD', 388], ['XLK', 281], ['XLV', 139],
  ['XLY', 238], ['XLP', 79.6], ['XLI', 154], ['XLU', 86.1], ['XLB', 90.3], ['XLRE', 42.2], ['XLC', 114], ['TLT', 89.9],
  ['AAPL', 245], ['MSFT', 511], ['NVDA', 177], ['AMZN', 229], ['GOOGL', 251], ['META', 776], ['BRK.B', 492], ['TSLA', 421],
  ['AVGO', 344], ['JPM', 309], ['LLY', 781], ['V', 347], ['UNH', 341], ['XOM', 113], ['MA', 581], ['JNJ', 177],
  ['PG', 156], ['HD', 418], ['COST', 958], ['ABBV', 216], ['MRK', 81.4], ['ORCL', 302], ['CVX', 157], ['CRM', 245],
  ['BAC', 50.9], ['NFLX', 1206], ['AMD', 158], ['KO', 67.8], ['PEP', 142], ['ADBE', 351], ['WMT', 102], ['TMO', 471],
  ['MCD', 303], ['CSCO', 68.2], ['ACN', 246], ['ABT', 132], ['LIN', 471], ['DIS', 113], ['WFC', 81.7], ['INTC', 24.9],
  ['QCOM', 160], ['TXN', 186], ['DHR', 196], ['VZ', 43.6], ['CMCSA', 33.1], ['PFE', 24.3], ['NKE', 71.2], ['AMGN', 282],
  ['IBM', 253], ['INTU', 663], ['CAT', 438], ['GE', 287], ['UBER', 97.5], ['NOW', 921], ['ISRG', 452], ['GS', 782],
  ['MS', 153], ['BA', 216], ['SBUX', 84.1], ['PLTR', 171], ['COIN', 318], ['SHOP', 148], ['MU', 157], ['PYPL', 68.9],
]

export const ETFS = REAL.slice(0, 16).map(([s]) => s)

export interface Universe {
  symbols: string[]
  /** Reference (session open) price per symbol, same index. */
  prices: Float64Array
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'

/** `count` symbols: the real ones first, then generated 3-4 letter tickers (unique, seeded). */
export function buildUniverse(count: number, seed: number): Universe {
  const n = Math.max(1, Math.floor(count))
  const symbols: string[] = []
  const prices = new Float64Array(n)
  const seen = new Set<string>()
  for (const [s, p] of REAL) {
    if (symbols.length >= n) break
    prices[symbols.length] = p
    symbols.push(s)
    seen.add(s)
  }
  const rand = mulberry32(seed ^ 0x5eed1234)
  while (symbols.length < n) {
    const len = rand() < 0.6 ? 4 : 3
    let s = ''
    for (let i = 0; i < len; i++) s += LETTERS[Math.floor(rand() * 26)]
    // 5-letter names when the 3-4 letter space gets crowded (only for huge universes).
    if (seen.has(s)) s += LETTERS[Math.floor(rand() * 26)]
    if (seen.has(s)) continue
    seen.add(s)
    // Log-uniform 4..400: most small and mid caps trade in this band.
    prices[symbols.length] = Math.round(4 * Math.pow(100, rand()) * 100) / 100
    symbols.push(s)
  }
  return { symbols, prices }
}
