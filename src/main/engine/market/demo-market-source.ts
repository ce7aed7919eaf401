/**
 * The demo ETF market, for demo mode when no daily bars have been imported:
 * a private in-memory bar store holding the generated daily history of the
 * universe (demo-market.ts) and today's session's 1-minute bars as each
 * minute completes (demo-minutes.ts). The market engine, the funds' charts
 * and the regime band read it like imported bars. Nothing of it is ever
 * written to the trader's data folder.
 *
 * A terminal left running across days keeps going: when a session closes,
 * its daily bar is made from its minutes and the history grows by a day.
 */
import type { MinuteAggregate } from '../bars/aggregate-minutes-feed'
import { nyDate, nyMidnight, StoreBars } from '../bars/store-bars'
import { BarStore } from '../store/bar-store'
import { openDatabase, type Database } from '../store/db'
import { DEMO_DEFAULT_SEED, generateDemoDaily, isSessionDay } from './demo-market'
import { DemoMinuteBars } from './demo-minutes'

const DAY_MS = 86_400_000
const CLOSE_MS = 16 * 3_600_000
const OPEN_MS = 9.5 * 3_600_000
/** 1-minute bars older than this many days are dropped (a demo left running for weeks stays small). */
const KEEP_MINUTE_DAYS = 5

export interface DemoMarketOptions {
  seed?: number
  /** Years of daily history. */
  years?: number
}

function prevDate(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10)
}

/** The last session whose daily bar is complete at `now` (today's once it has closed at 16:00 New York). */
export function lastClosedSession(now: number): string {
  const today = nyDate(now)
  let d = now >= nyMidnight(today) + CLOSE_MS ? today : prevDate(today)
  while (!isSessionDay(d)) d = prevDate(d)
  return d
}

export class DemoMarketSource {
  readonly db: Database
  readonly store: BarStore
  /** Chart bars of the demo funds (daily, weekly, and today's minutes once the session is open). */
  readonly bars: StoreBars
  private readonly minutes: DemoMinuteBars
  private readonly symbols: string[]
  private readonly lastClose = new Map<string, number>()
  private lastDaily: string

  constructor(now: number, opts: DemoMarketOptions = {}) {
    this.db = openDatabase(':memory:')
    this.store = new BarStore(this.db)
    this.bars = new StoreBars(this.store)
    this.lastDaily = lastClosedSession(now)
    const daily = generateDemoDaily({ end: this.lastDaily, years: opts.years ?? 6, seed: opts.seed ?? DEMO_DEFAULT_SEED })
    this.store.transaction(() => {
      for (const [symbol, bars] of daily) {
        this.store.upsertDaily(symbol, bars)
        const last = bars[bars.length - 1]
        if (last) this.lastClose.set(symbol, last.close)
      }
    })
    this.symbols = [...this.lastClose.keys()]
    this.minutes = new DemoMinuteBars(this.lastClose, opts.seed ?? DEMO_DEFAULT_SEED)
  }

  /** The fund's latest price (last 1-minute close today, else the last daily close); null for other symbols. */
  price(symbol: string): number | null {
    return this.lastClose.get(symbol) ?? null
  }

  /**
   * Store the minutes completed up to `now` and, once a session has closed,
   * its daily bar. Returns the new minute bars (the market's intraday figures
   * follow them). Call it often (every second); it is cheap when nothing is new.
   */
  poll(now: number): MinuteAggregate[] {
    // Minutes only for sessions after the last daily bar (a session with a daily bar is history).
    const fresh = nyDate(now) > this.lastDaily ? this.minutes.barsUpTo(now) : []
    const out: MinuteAggregate[] = fresh.map((b) => ({ symbol: b.symbol, row: { t: b.t, open: b.open, high: b.high, low: b.low, close: b.close, volume: b.volume } }))
    if (out.length > 0) {
      this.store.transaction(() => {
        for (const a of out) this.store.upsert1m(a.symbol, [a.row])
      })
      for (const a of out) this.lastClose.set(a.symbol, a.row.close)
    }
    const closed = lastClosedSession(now)
    if (closed > this.lastDaily) this.closeSession(closed)
    return out
  }

  /** The session `date` has closed: its daily bar from its minutes (when it has any), and old minutes dropped. */
  private closeSession(date: string): void {
    const open = nyMidnight(date) + OPEN_MS
    const close = nyMidnight(date) + CLOSE_MS
    this.store.transaction(() => {
      for (const symbol of this.symbols) {
        // Newest first: the session's minutes, 09:30 to 16:00.
        const rows = this.store.recent1m(symbol, close, 400).filter((r) => r.t >= open)
        const first = rows[rows.length - 1]
        const last = rows[0]
        if (!first || !last) continue
        let high = -Infinity
        let low = Infinity
        let volume = 0
        for (const r of rows) {
          if (r.high > high) high = r.high
          if (r.low < low) low = r.low
          volume += r.volume
        }
        this.store.upsertDaily(symbol, [{ date, open: first.open, high, low, close: last.close, adjClose: last.close, volume }])
      }
      this.db.prepare('DELETE FROM bars_1m WHERE t < ?').run(nyMidnight(date) - KEEP_MINUTE_DAYS * DAY_MS)
    })
    this.lastDaily = date
  }

  close(): void {
    this.db.close()
  }
}
