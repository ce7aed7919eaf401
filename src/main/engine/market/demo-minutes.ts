/**
 * Demo 1-minute bars for today's regular session (09:30-16:00 New York),
 * continuing the demo daily history: the same factor model as demo-market.ts
 * (market factor x beta + style factors + idiosyncratic noise) at minute
 * scale, with the U-shaped intraday profile of volatility and volume.
 *
 * A minute's random draws are a function of (seed, New York date, minute,
 * symbol), so polling often or rarely yields the same bars; price levels
 * continue from the last close the instance knows (the constructor's, then
 * each finished session's). Memory is one price per symbol.
 */
import { etOffsetMs, toEt } from '../../../shared/exchange-time'
import {
  bridgeExtremes,
  DEFAULT_FUND_MODEL,
  DEMO_DEFAULT_SEED,
  FUND_MODELS,
  hashSymbol,
  isSessionDay,
  mixSeed,
  RANGE_K,
  residualScale,
  residualVariance,
  round2,
  Rng,
  STYLE_FACTOR_VOL,
  type FundModel,
} from './demo-market'

export interface DemoMinuteBar {
  symbol: string
  /** Bar start, epoch ms. */
  t: number
  open: number
  high: number
  low: number
  close: number
  volume: number
}

const MINUTE_MS = 60_000
export const SESSION_MINUTES = 390
/** SPY's annualised vol on a demo day (a calm bull tape: 2019, 2021, 2023-24 were 0.125-0.13). */
const DAY_MARKET_VOL = 0.13
/** Opening gap: a fraction of a day's sd, never more than this. */
const MAX_GAP = 0.015

/** Intraday variance and volume profiles, each summing to 1 over the session: heavy at the open, lighter at midday, up into the close. */
function profile(openWeight: number, openDecay: number, closeWeight: number, closeDecay: number): Float64Array {
  const w = new Float64Array(SESSION_MINUTES)
  let sum = 0
  for (let k = 0; k < SESSION_MINUTES; k++) {
    w[k] = 1 + openWeight * Math.exp(-k / openDecay) + closeWeight * Math.exp(-(SESSION_MINUTES - 1 - k) / closeDecay)
    sum += w[k] as number
  }
  for (let k = 0; k < SESSION_MINUTES; k++) w[k] = (w[k] as number) / sum
  return w
}
const VARIANCE_PROFILE = profile(2, 25, 1, 30)
const VOLUME_PROFILE = profile(3, 20, 2.5, 20)

/** 09:30 New York on the ET calendar date (y, m, d), epoch ms. */
function sessionOpenMs(year: number, month: number, day: number): number {
  // The offset at noon New York, after any 02:00 DST switch that day.
  const noon = Date.UTC(year, month - 1, day, 16, 0, 0)
  return Date.UTC(year, month - 1, day, 9, 30, 0) - etOffsetMs(noon)
}

interface Day {
  date: string
  dayNumber: number
  openMs: number
  /** Next minute to produce (0..390). */
  next: number
  /** The day's vol multiplier (some days are livelier than others). */
  volMult: number
}

export class DemoMinuteBars {
  private readonly symbols: string[]
  private readonly models: FundModel[]
  private readonly ids: number[]
  private readonly residVar: number[]
  private readonly last: Float64Array
  private day: Day | null = null

  /** `lastClose`: each symbol's previous close (e.g. the last bar of generateDemoDaily); bars are produced for these symbols, in this order. */
  constructor(
    lastClose: ReadonlyMap<string, number>,
    private readonly seed: number = DEMO_DEFAULT_SEED,
  ) {
    this.symbols = [...lastClose.keys()]
    this.models = this.symbols.map((s) => FUND_MODELS.get(s) ?? DEFAULT_FUND_MODEL)
    this.ids = this.symbols.map(hashSymbol)
    this.residVar = this.models.map(residualVariance)
    this.last = Float64Array.from(lastClose.values())
  }

  /**
   * Every completed minute bar of the session of `nowMs`'s New York date not
   * returned before, oldest first (within a minute, in constructor order).
   * Nothing on weekends and NYSE holidays, before 09:31 or for an earlier day
   * than one already served; after 16:00 the session's remaining bars.
   */
  barsUpTo(nowMs: number): DemoMinuteBar[] {
    const et = toEt(nowMs)
    const date = `${et.year}-${String(et.month).padStart(2, '0')}-${String(et.day).padStart(2, '0')}`
    if (this.day && date < this.day.date) return []
    if (!this.day || date !== this.day.date) {
      if (!isSessionDay(date)) return []
      this.finishDay()
      const dayNumber = Math.floor(Date.UTC(et.year, et.month - 1, et.day) / 86_400_000)
      this.day = { date, dayNumber, openMs: sessionOpenMs(et.year, et.month, et.day), next: 0, volMult: Math.exp(0.2 * new Rng(mixSeed(this.seed, dayNumber, -1)).normal()) }
    }
    const day = this.day
    const done = Math.min(SESSION_MINUTES, Math.floor((nowMs - day.openMs) / MINUTE_MS))
    const out: DemoMinuteBar[] = []
    while (day.next < done) this.minute(day, day.next++, out)
    return out
  }

  /** Run the rest of the current day without output, so the next day opens from its close. */
  private finishDay(): void {
    const day = this.day
    if (!day) return
    while (day.next < SESSION_MINUTES) this.minute(day, day.next++, null)
  }

  private minute(day: Day, k: number, out: DemoMinuteBar[] | null): void {
    const common = new Rng(mixSeed(this.seed, day.dayNumber, k))
    const marketVol = DAY_MARKET_VOL * day.volMult
    const step = Math.sqrt(VARIANCE_PROFILE[k] as number) / Math.sqrt(252)
    const scale = residualScale(marketVol)
    const m = marketVol * step * common.normal()
    const f = STYLE_FACTOR_VOL.map((v) => v * scale * step * common.normal())
    const gapMarket = k === 0 ? (0.3 * marketVol * common.normal()) / Math.sqrt(252) : 0
    const t = day.openMs + k * MINUTE_MS
    for (let i = 0; i < this.symbols.length; i++) {
      const model = this.models[i] as FundModel
      const rng = new Rng(mixSeed(this.seed, day.dayNumber, k, this.ids[i] as number))
      const prev = this.last[i] as number
      let open = prev
      if (k === 0) {
        const idioGap = (0.3 * model.idio * scale * rng.normal()) / Math.sqrt(252)
        open = round2(prev * Math.exp(Math.max(-MAX_GAP, Math.min(MAX_GAP, model.beta * gapMarket + idioGap))))
      }
      let r = model.beta * m + model.idio * scale * step * rng.normal()
      for (let j = 0; j < 5; j++) r += (model.load[j] as number) * (f[j] as number)
      const close = round2(open * Math.exp(r))
      const sd = Math.sqrt(model.beta ** 2 * marketVol ** 2 + scale ** 2 * (this.residVar[i] as number)) * step
      const { up, down } = bridgeExtremes(Math.log(close / open), RANGE_K * model.rangeRatio * sd, rng.next(), rng.next())
      this.last[i] = close
      if (!out) continue
      const volume = Math.max(100, Math.round((model.volume * (VOLUME_PROFILE[k] as number) * (0.8 + (0.2 * Math.abs(r)) / sd) * Math.exp(0.35 * rng.normal() - 0.06)) / 100) * 100)
      out.push({
        symbol: this.symbols[i] as string,
        t,
        open,
        high: Math.max(open, close, round2(open * Math.exp(up))),
        low: Math.min(open, close, round2(open * Math.exp(down))),
        close,
        volume,
      })
    }
  }
}
