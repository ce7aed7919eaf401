/**
 * The demo market, checked for what a trader would notice: a sane calendar and
 * bars, volatility and correlations like the real funds', and a regime history
 * the terminal's own engine reads as bull runs, a range, a crash and a recovery.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { toEt } from '../../../shared/exchange-time'
import type { DailyBar } from './daily-bars'
import { demoMarketPhases, generateDemoDaily, isSessionDay, type DemoPhase, type DemoPhaseKind } from './demo-market'
import { DemoMinuteBars, SESSION_MINUTES, type DemoMinuteBar } from './demo-minutes'
import { logReturns } from './indicators'
import { computeDailyMarketState, MARKET_UNIVERSE, type DailyMarketState } from './market-state'
import { computeRrg, SECTOR_FUNDS } from './rotation'
import { loadRealBars } from './testing/real-data'

const END = '2025-12-24'
const YEAR = 252

let demo: Map<string, DailyBar[]>
let state: DailyMarketState
let phases: DemoPhase[]
let real: Map<string, DailyBar[]>

beforeAll(async () => {
  demo = generateDemoDaily({ end: END })
  state = computeDailyMarketState(demo)
  phases = demoMarketPhases({ end: END })
  real = await loadRealBars()
})

// ---- helpers ----------------------------------------------------------------

const mean = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0) / a.length
const sd = (a: readonly number[]): number => {
  const m = mean(a)
  return Math.sqrt(a.reduce((s, x) => s + (x - m) ** 2, 0) / (a.length - 1))
}
function corr(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a)
  const mb = mean(b)
  let c = 0
  let va = 0
  let vb = 0
  for (let i = 0; i < a.length; i++) {
    c += ((a[i] as number) - ma) * ((b[i] as number) - mb)
    va += ((a[i] as number) - ma) ** 2
    vb += ((b[i] as number) - mb) ** 2
  }
  return c / Math.sqrt(va * vb)
}

/** Daily log returns of `sym` and SPY on the dates in [from, to] where both have bars. */
function pairedReturns(bars: ReadonlyMap<string, readonly DailyBar[]>, sym: string, from = '0000', to = '9999'): { x: number[]; m: number[] } {
  const spy = new Map((bars.get('SPY') ?? []).map((b) => [b.date, b.adjClose]))
  const own = (bars.get(sym) ?? []).filter((b) => b.date >= from && b.date <= to)
  const x: number[] = []
  const m: number[] = []
  for (let i = 1; i < own.length; i++) {
    const a = own[i - 1] as DailyBar
    const b = own[i] as DailyBar
    const sa = spy.get(a.date)
    const sb = spy.get(b.date)
    if (sa === undefined || sb === undefined) continue
    x.push(Math.log(b.adjClose / a.adjClose))
    m.push(Math.log(sb / sa))
  }
  return { x, m }
}

const annualVol = (r: readonly number[]): number => sd(r) * Math.sqrt(YEAR)
const beta = ({ x, m }: { x: number[]; m: number[] }): number => (corr(x, m) * sd(x)) / sd(m)
const avgSectorCorr = (bars: ReadonlyMap<string, readonly DailyBar[]>, from?: string, to?: string): number =>
  mean(SECTOR_FUNDS.map((s) => {
    const p = pairedReturns(bars, s, from, to)
    return corr(p.x, p.m)
  }))

function phase(kind: DemoPhaseKind, nth = 0): DemoPhase {
  const p = phases.filter((x) => x.kind === kind)[nth]
  if (!p) throw new Error(`no phase ${kind} #${nth}`)
  return p
}

const dateIndex = (d: string): number => state.aligned.dates.indexOf(d)
/** Move of a fund over a phase, from the close before it to its last close. */
function phaseMove(sym: string, p: DemoPhase): number {
  const a = state.aligned.adjClose.get(sym) as Float64Array
  return (a[dateIndex(p.to)] as number) / (a[dateIndex(p.from) - 1] as number) - 1
}

function labelShare(p: DemoPhase, label: string, skip = 0): number {
  const days = state.regime.days.slice(dateIndex(p.from) + skip, dateIndex(p.to) + 1)
  return days.filter((d) => d.regime === label).length / days.length
}

// ---- bars and calendar ----------------------------------------------------

describe('demo daily bars', () => {
  it('are deterministic for a seed and differ between seeds', () => {
    expect(generateDemoDaily({ end: END })).toEqual(demo)
    const other = generateDemoDaily({ end: END, seed: 7 })
    expect(other.get('SPY')?.map((b) => b.close)).not.toEqual(demo.get('SPY')?.map((b) => b.close))
  })

  it('cover the universe on one ascending calendar of weekdays, without the NYSE holidays', () => {
    expect([...demo.keys()]).toEqual(MARKET_UNIVERSE)
    const dates = (demo.get('SPY') ?? []).map((b) => b.date)
    expect(dates.length).toBeGreaterThan(6 * 250)
    expect(dates.length).toBeLessThan(6 * 254)
    expect(dates[dates.length - 1]).toBe(END)
    expect(dates[0]! > '2019-12-24').toBe(true)
    for (let i = 1; i < dates.length; i++) expect(dates[i]! > dates[i - 1]!).toBe(true)
    for (const d of dates) expect([0, 6]).not.toContain(new Date(`${d}T00:00:00Z`).getUTCDay())
    for (const holiday of ['2024-01-01', '2024-01-15', '2024-03-29', '2024-05-27', '2024-06-19', '2024-07-04', '2024-09-02', '2024-11-28', '2024-12-25', '2021-12-24']) {
      expect(dates, holiday).not.toContain(holiday)
    }
    for (const sym of MARKET_UNIVERSE) expect(demo.get(sym)?.map((b) => b.date), sym).toEqual(dates)
  })

  it('has the real NYSE calendar, but for one-off closures', () => {
    const dates = new Set((demo.get('SPY') ?? []).map((b) => b.date))
    const realDates = new Set((real.get('SPY') ?? []).map((b) => b.date).filter((d) => d >= (demo.get('SPY')?.[0]?.date ?? '') && d <= END))
    expect([...dates].filter((d) => !realDates.has(d))).toEqual(['2025-01-09']) // national day of mourning (President Carter)
    expect([...realDates].filter((d) => !dates.has(d))).toEqual([])
  })

  it('ends on the last session on or before `end`', () => {
    const sat = generateDemoDaily({ end: '2025-12-27', years: 1 })
    expect(sat.get('SPY')?.at(-1)?.date).toBe('2025-12-26')
    expect(isSessionDay('2025-12-25')).toBe(false)
    expect(isSessionDay('2026-01-02')).toBe(true)
    expect(() => generateDemoDaily({ end: '2025-13-01' })).toThrow(/ISO date/)
  })

  it('have valid OHLC, adjClose = close and positive volumes, no NaN', () => {
    for (const [sym, bars] of demo) {
      for (const b of bars) {
        const ok =
          [b.open, b.high, b.low, b.close, b.volume].every(Number.isFinite) &&
          b.low > 0 &&
          b.low <= Math.min(b.open, b.close) &&
          b.high >= Math.max(b.open, b.close) &&
          b.adjClose === b.close &&
          Number.isInteger(b.volume) &&
          b.volume > 0
        if (!ok) throw new Error(`${sym} ${JSON.stringify(b)}`)
      }
    }
  })

  it('end near the real funds’ recent levels and trade like them (volume, range, gaps)', () => {
    for (const sym of MARKET_UNIVERSE) {
      const g = demo.get(sym) ?? []
      const r = real.get(sym) ?? []
      const gLast = g.at(-1)?.close as number
      const rLast = r.at(-1)?.close as number
      expect(gLast / rLast, `${sym} level`).toBeGreaterThan(0.9)
      expect(gLast / rLast, `${sym} level`).toBeLessThan(1.1)
      const vol = (bars: readonly DailyBar[]): number => mean(bars.slice(-YEAR).map((b) => b.volume))
      expect(vol(g) / vol(r), `${sym} volume`).toBeGreaterThan(0.6)
      expect(vol(g) / vol(r), `${sym} volume`).toBeLessThan(1.6)
    }
    // Mean daily range over the sd of daily returns, and the overnight share of the move, against SPY 2015-2025.
    const shape = (bars: readonly DailyBar[]): { range: number; gap: number } => {
      const cc: number[] = []
      const gap: number[] = []
      const hl: number[] = []
      for (let i = 1; i < bars.length; i++) {
        const b = bars[i] as DailyBar
        const p = bars[i - 1] as DailyBar
        cc.push(Math.log(b.adjClose / p.adjClose))
        gap.push(Math.log((b.open * b.adjClose) / b.close / p.adjClose))
        hl.push(Math.log(b.high / b.low))
      }
      return { range: mean(hl) / sd(cc), gap: sd(gap) / sd(cc) }
    }
    const g = shape(demo.get('SPY') ?? [])
    const r = shape((real.get('SPY') ?? []).filter((b) => b.date >= '2015-01-01'))
    expect(g.range / r.range).toBeGreaterThan(0.8)
    expect(g.range / r.range).toBeLessThan(1.25)
    expect(g.gap / r.gap).toBeGreaterThan(0.75)
    expect(g.gap / r.gap).toBeLessThan(1.3)
  })

  it('generates six years of the universe in well under 50 ms', () => {
    generateDemoDaily({ end: END, seed: 1 })
    const times = [2, 3, 4].map((seed) => {
      const t0 = performance.now()
      generateDemoDaily({ end: END, seed })
      return performance.now() - t0
    })
    expect(Math.min(...times)).toBeLessThan(50)
  })
})

// ---- calibration against the real funds -------------------------------------

describe('calibration against the real history', () => {
  it('SPY’s volatility is in the band of the real one, and clusters', () => {
    const realVol = annualVol(pairedReturns(real, 'SPY', '2010-01-01').m)
    const genVol = annualVol(pairedReturns(demo, 'SPY').m)
    console.log(`SPY annualised vol: real 2010-2025 ${realVol.toFixed(3)}, generated ${genVol.toFixed(3)}`)
    expect(realVol).toBeGreaterThan(0.15)
    expect(realVol).toBeLessThan(0.2)
    expect(genVol).toBeGreaterThan(Math.max(0.12, realVol * 0.75))
    expect(genVol).toBeLessThan(Math.min(0.25, realVol * 1.35))
    // Clustering: squared returns are autocorrelated, as in real data.
    const r2 = pairedReturns(demo, 'SPY').m.map((x) => x * x)
    expect(corr(r2.slice(1), r2.slice(0, -1))).toBeGreaterThan(0.1)
  })

  it('sector funds are as correlated with SPY as the real ones; gold and Treasuries are not', () => {
    const realCorr = avgSectorCorr(real, '2015-01-01', '2025-12-31')
    const genCorr = avgSectorCorr(demo)
    console.log(`mean sector-fund correlation with SPY: real 2015-2025 ${realCorr.toFixed(3)}, generated ${genCorr.toFixed(3)}`)
    expect(Math.abs(genCorr - realCorr)).toBeLessThan(0.15)
    for (const sym of ['GLD', 'TLT']) {
      const p = pairedReturns(demo, sym)
      expect(corr(p.x, p.m), sym).toBeLessThan(0.3)
    }
    const rows = MARKET_UNIVERSE.map((s) => {
      const g = pairedReturns(demo, s)
      const r = pairedReturns(real, s, '2015-01-01')
      return `${s.padEnd(5)} beta ${beta(r).toFixed(2)} / ${beta(g).toFixed(2)}  corr ${corr(r.x, r.m).toFixed(2)} / ${corr(g.x, g.m).toFixed(2)}  vol ${annualVol(r.x).toFixed(3)} / ${annualVol(g.x).toFixed(3)}`
    })
    console.log(`real 2015-2025 / generated\n${rows.join('\n')}`)
  })

  it('tech and growth are high beta, staples and utilities low beta', () => {
    const b = (s: string): number => beta(pairedReturns(demo, s))
    for (const hi of ['QQQ', 'XLK']) for (const lo of ['XLP', 'XLU']) expect(b(hi), `${hi} vs ${lo}`).toBeGreaterThan(b(lo) + 0.3)
    expect(b('XLY')).toBeGreaterThan(1)
    expect(b('XLV')).toBeLessThan(0.9)
  })
})

// ---- what the regime engine makes of it -------------------------------------

describe('the market engine on the demo history', () => {
  it('finds bull runs, a range, a bear market and a recovery, and ends in a Bull', () => {
    const events = state.regime.events
    console.log(`phases:\n${phases.map((p) => `  ${p.kind.padEnd(13)} ${p.from} .. ${p.to}`).join('\n')}\nregime changes:\n${events.map((e) => `  ${e.date} ${e.from} -> ${e.to}`).join('\n')}`)
    expect(events.length).toBeGreaterThanOrEqual(3)
    for (const p of phases.filter((x) => x.kind === 'Bull').slice(1)) expect(labelShare(p, 'Bull', 30), `Bull ${p.from}`).toBeGreaterThan(0.8)
    // The first bull run, once the 200-day average exists.
    const first = phase('Bull')
    const warm = { ...first, from: state.aligned.dates[230] as string }
    expect(labelShare(warm, 'Bull')).toBeGreaterThan(0.8)
    expect(labelShare(phase('Consolidation'), 'Bull', 15)).toBeLessThan(0.3)
    const last = state.regime.days.at(-1)
    expect(last?.regime).toBe('Bull')
    // A few months after the correction, which the engine saw.
    expect(labelShare(phase('Correction'), 'Consolidation')).toBeGreaterThan(0.4)
    expect(last?.since && last.since >= phase('Correction').to).toBe(true)
    expect(state.aligned.dates.length - 1 - dateIndex(last?.since ?? '')).toBeGreaterThan(40)
  })

  it('reads the risk-off episode as a Bear with a negative risk score, defensives and havens holding up', () => {
    const riskOff = phase('RiskOff')
    const episode = { ...riskOff, to: phase('Bottoming').to }
    expect(labelShare(episode, 'Bear')).toBeGreaterThan(0.4)
    const score = Array.from(state.risk.score.slice(dateIndex(riskOff.from), dateIndex(riskOff.to) + 1))
    expect(mean(score)).toBeLessThan(-0.2)
    expect(score.at(-1)).toBeLessThan(-0.3)
    const move = (s: string): number => phaseMove(s, riskOff)
    expect(move('SPY')).toBeLessThan(-0.18)
    expect(move('SPY')).toBeGreaterThan(-0.32)
    for (const s of ['IWM', 'XLF', 'XLY']) expect(move(s), s).toBeLessThan(move('SPY') - 0.03)
    for (const s of ['XLP', 'XLU', 'XLV']) expect(move(s), s).toBeGreaterThan(move('SPY') + 0.03)
    for (const s of ['GLD', 'TLT']) expect(move(s), s).toBeGreaterThan(0.02)
  })

  it('makes volatility spike and equity correlations rise in the risk-off episode', () => {
    const riskOff = phase('RiskOff')
    const calm = phase('Bull', 1)
    const spyIn = (p: DemoPhase): number[] => pairedReturns(demo, 'SPY', p.from, p.to).m
    expect(annualVol(spyIn(riskOff))).toBeGreaterThan(2 * annualVol(spyIn(calm)))
    expect(avgSectorCorr(demo, riskOff.from, riskOff.to)).toBeGreaterThan(avgSectorCorr(demo, calm.from, calm.to) + 0.05)
  })

  it('ends with the sectors spread over the rotation graph', () => {
    const t = state.aligned.dates.length - 1
    const rrg = computeRrg(state.aligned.dates, state.aligned.adjClose, t)
    console.log(`rotation at ${state.aligned.dates[t]}: ${rrg.map((s) => `${s.symbol} ${s.quadrant}`).join(', ')}`)
    expect(new Set(rrg.map((s) => s.quadrant)).size).toBeGreaterThanOrEqual(3)
    expect(rrg.map((s) => s.quadrant)).not.toContain(null)
  })

  it('tells the same story whatever the end date: later ends shift it, shorter histories cut it', () => {
    const relative = (s: DailyMarketState): string[] => s.regime.events.map((e) => `${s.aligned.dates.length - 1 - s.aligned.dates.indexOf(e.date)} ${e.to}`)
    const later = computeDailyMarketState(generateDemoDaily({ end: '2026-04-15' }))
    expect(relative(later).slice(-8)).toEqual(relative(state).slice(-8))
    const short = generateDemoDaily({ end: END, years: 2 })
    expect(short.get('SPY')?.length).toBeGreaterThan(495)
    expect(short.get('SPY')?.length).toBeLessThan(510)
    expect(short.get('SPY')?.at(-1)?.close).toBe(demo.get('SPY')?.at(-1)?.close)
  })
})

// ---- minute bars ------------------------------------------------------------

describe('DemoMinuteBars', () => {
  const lastClose = (): Map<string, number> => new Map([...demo].map(([s, b]) => [s, b.at(-1)?.close as number]))
  // 2025-12-26 (Friday): EST, UTC-5, so the session is 14:30-21:00 UTC.
  const open = Date.UTC(2025, 11, 26, 14, 30)

  function etClock(t: number): { dow: number; minutes: number } {
    const p = toEt(t)
    return { dow: new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay(), minutes: p.hour * 60 + p.minute }
  }

  it('produces the session’s completed minutes, inside 09:30-16:00 New York, once each', () => {
    const feed = new DemoMinuteBars(lastClose())
    expect(feed.barsUpTo(open - 60_000)).toEqual([])
    expect(feed.barsUpTo(open + 59_999)).toEqual([])
    const polled: DemoMinuteBar[] = []
    for (let now = open; now <= open + 7 * 3600_000; now += 7_000) polled.push(...feed.barsUpTo(now))
    expect(polled.length).toBe(SESSION_MINUTES * MARKET_UNIVERSE.length)
    expect(new Set(polled.map((b) => `${b.symbol} ${b.t}`)).size).toBe(polled.length)
    for (const b of polled) {
      const { dow, minutes } = etClock(b.t)
      expect(dow >= 1 && dow <= 5).toBe(true)
      expect(minutes).toBeGreaterThanOrEqual(9 * 60 + 30)
      expect(minutes).toBeLessThan(16 * 60)
      expect(b.t % 60_000).toBe(0)
    }
    expect(polled[0]?.t).toBe(open)
    expect(polled.at(-1)?.t).toBe(open + (SESSION_MINUTES - 1) * 60_000)
  })

  it('is continuous from the previous close and valid bar by bar', () => {
    const prev = lastClose()
    const bars = new DemoMinuteBars(prev).barsUpTo(open + 7 * 3600_000)
    for (const sym of MARKET_UNIVERSE) {
      const own = bars.filter((b) => b.symbol === sym)
      expect(own).toHaveLength(SESSION_MINUTES)
      const first = own[0] as DemoMinuteBar
      expect(Math.abs(first.open / (prev.get(sym) as number) - 1), sym).toBeLessThan(0.02)
      const bad = own.filter((b, i) => (i > 0 && b.open !== own[i - 1]?.close) || !(b.low > 0 && b.low <= Math.min(b.open, b.close) && b.high >= Math.max(b.open, b.close) && b.volume > 0))
      expect(bad, sym).toEqual([])
      // A calm day: the session's move is a plausible daily move.
      expect(Math.abs(Math.log((own.at(-1)?.close as number) / first.open)), sym).toBeLessThan(0.06)
      // Volume over the session of the order of a real day's.
      const volume = own.reduce((s, b) => s + b.volume, 0)
      const realVolume = mean((real.get(sym) ?? []).slice(-YEAR).map((b) => b.volume))
      expect(volume / realVolume, sym).toBeGreaterThan(0.4)
      expect(volume / realVolume, sym).toBeLessThan(2.5)
    }
  })

  it('moves the funds together: market factor and beta', () => {
    const bars = new DemoMinuteBars(lastClose()).barsUpTo(open + 7 * 3600_000)
    const rets = (sym: string): number[] => bars.filter((b) => b.symbol === sym).map((b) => Math.log(b.close / b.open))
    const spy = rets('SPY')
    expect(corr(rets('QQQ'), spy)).toBeGreaterThan(0.75)
    expect(corr(rets('XLU'), spy)).toBeLessThan(corr(rets('XLK'), spy))
    expect(Math.abs(corr(rets('GLD'), spy))).toBeLessThan(0.35)
  })

  it('is deterministic per (seed, date, minute) whatever the polling', () => {
    const whole = new DemoMinuteBars(lastClose()).barsUpTo(open + 7 * 3600_000)
    const feed = new DemoMinuteBars(lastClose())
    const polled: DemoMinuteBar[] = []
    for (let now = open; now <= open + 7 * 3600_000; now += 37 * 60_000 + 13_000) polled.push(...feed.barsUpTo(now))
    polled.push(...feed.barsUpTo(open + 7 * 3600_000))
    expect(polled).toEqual(whole)
    const other = new DemoMinuteBars(lastClose(), 99).barsUpTo(open + 7 * 3600_000)
    expect(other.map((b) => b.close)).not.toEqual(whole.map((b) => b.close))
  })

  it('is quiet on weekends and holidays and opens the next session from the last close', () => {
    const feed = new DemoMinuteBars(lastClose())
    expect(feed.barsUpTo(Date.UTC(2025, 11, 25, 18, 0))).toEqual([]) // Christmas
    const friday = feed.barsUpTo(Date.UTC(2025, 11, 26, 15, 0)) // half an hour in
    expect(friday.length).toBe(30 * MARKET_UNIVERSE.length)
    expect(feed.barsUpTo(Date.UTC(2025, 11, 27, 16, 0))).toEqual([]) // Saturday
    // Monday: the rest of Friday was run without output, Monday opens near Friday's close.
    const fridayClose = new Map(new DemoMinuteBars(lastClose()).barsUpTo(open + 7 * 3600_000).slice(-MARKET_UNIVERSE.length).map((b) => [b.symbol, b.close]))
    const monday = feed.barsUpTo(Date.UTC(2025, 11, 29, 14, 32))
    expect(monday.map((b) => etClock(b.t).minutes)).toEqual([...new Array<number>(2 * MARKET_UNIVERSE.length)].map((_, i) => 9 * 60 + 30 + Math.floor(i / MARKET_UNIVERSE.length)))
    for (const b of monday.slice(0, MARKET_UNIVERSE.length)) expect(Math.abs(b.open / (fridayClose.get(b.symbol) as number) - 1)).toBeLessThan(0.02)
    // An earlier day than one served gives nothing.
    expect(feed.barsUpTo(Date.UTC(2025, 11, 26, 20, 0))).toEqual([])
  })

  it('follows New York time across daylight saving', () => {
    const summer = Date.UTC(2025, 6, 15, 13, 30) // EDT: 09:30 is 13:30 UTC
    const bars = new DemoMinuteBars(lastClose()).barsUpTo(summer + 60_000)
    expect(bars.map((b) => b.t)).toEqual(new Array<number>(MARKET_UNIVERSE.length).fill(summer))
  })
})
