/**
 * A believable demo market for the ETF universe when there is no data: daily
 * bars from a factor model driven by a scripted regime sequence. Pure and
 * deterministic: the same options give the same bars.
 *
 * Model, per session t and fund i (log returns):
 *
 *   r_i = beta_i * m + sum_k L_ik * f_k + s(v) * idio_i * e_i + rotation_i
 *
 * m is SPY's return. Its volatility is the script leg's volatility, eased in
 * fast and out slowly, times a GARCH(1,1) multiplier; each leg ends at a
 * scripted level against SPY's 52-week high (the shocks are conditioned on
 * their sum, a Brownian bridge), so drawdowns are as deep as scripted while
 * the path between legs is random. f_k are five style factors on SPY
 * residuals (G growth, D defensive/rate-sensitive, E energy, S small caps,
 * H haven) with a drift per phase; H also moves against the market in
 * selloffs. In the scripted phases (everything but the long bull runs) the
 * factors' and funds' own noise is pinned to sum to zero too, so who falls
 * harder in the crash is the script's, not the dice's. Factor and
 * idiosyncratic vols scale with s(v), rising with market vol v, so
 * correlations rise in a selloff. rotation_i is a slow cycle per sector
 * fund, phases spread over the sectors so that the rotation graph ends
 * populated; it pauses in selloffs.
 *
 * Random draws come from streams keyed by (seed, phase, symbol), and only
 * the first bull run stretches to fill the history, so the story, counted
 * back from `end`, is the same whatever the end date. DEMO_DEFAULT_SEED was picked among seeds 1-300 for a clean story:
 * 11 regime changes, a Bear in the crash, Bull for the last ~100 sessions,
 * sectors in all four quadrants.
 *
 * Calibration (printed by testing/calibrate-demo.ts; real data in
 * ../shared/data/etf-daily, last session 2025-12-24):
 * - beta, loadings, factor vols, idio vols: daily log returns 2018-06-20..
 *   2025-12-24, the 1873 days on which all 17 funds trade (XLC's inception).
 *   beta = cov(r, SPY)/var(SPY); residual e = r - beta * SPY; factor proxies
 *   on residuals, orthogonalised in this order: G = mean(QQQ, XLK), D =
 *   mean(XLU, XLP, XLRE, XLV), E = XLE, S = IWM, H = mean(GLD, TLT);
 *   loadings = cov(e, f)/var(f); idio = sd of what is left (floored at 3%
 *   for the funds that are a proxy themselves). Annualised (x sqrt 252).
 * - s(v) = (0.063 + 0.229 v) / (0.063 + 0.229 * 0.197): mean residual vol of
 *   the nine original sector funds regressed on SPY vol, per quarter,
 *   2010-2025 (64 quarters); 0.197 is SPY's vol over the loadings window.
 * - Leg vols (SPY annualised): bull 0.13 (2019 0.125, 2021 0.130, 2023-24
 *   0.128), the closing bull 0.11-0.12; range 0.13-0.19 (2015-08..2016-02
 *   0.198); correction 0.21-0.24 (Q4 2018 0.237, 2022 0.243); crash
 *   0.30-0.50, bottoming 0.26-0.42 (2020-02-20..04-30 0.666, Mar-May 2025
 *   0.334); recovery 0.14-0.19 (May-Aug 2020 0.197).
 * - GARCH alpha 0.14, beta 0.74: grid MLE on SPY 2010-2025 returns divided by
 *   their centred 126-day vol (the slow part is the script's); the variance
 *   multiplier is capped at 2.5.
 * - Overnight gap share of variance q = (sd(gap)/sd(close-to-close))^2 and
 *   mean ln(high/low) / sd(close-to-close), per fund, 2015-2025.
 * - Volume: mean of each fund's last 252 sessions, scaled by (v/0.13)^0.7 and
 *   the day's |move| (shape chosen, not fitted); end levels: last closes +-2%.
 * - Crash tilts follow the shape of 2020-02-19..03-23 (SPY -34%, IWM -41%,
 *   XLF -43%, XLE -56%, XLP -24%, TLT +14%) and 2018-09-20..12-24 (SPY -19%,
 *   XLU -2%, XLP -10%, GLD +5%, TLT +5%).
 *
 * Result on the default seed (real / generated, printed by the tests): SPY
 * vol 0.173 (2010-2025) / 0.177; mean sector-fund correlation with SPY 0.788
 * (2015-2025) / 0.785; GLD 0.04 / -0.03, TLT -0.18 / -0.23; betas QQQ 1.15 /
 * 1.14, XLK 1.24 / 1.24, XLP 0.57 / 0.56, XLU 0.60 / 0.65.
 */
import type { DailyBar } from './daily-bars'
import { MARKET_UNIVERSE } from './market-state'
import { SECTOR_FUNDS } from './rotation'

const YEAR = 252
const SQRT_YEAR = Math.sqrt(YEAR)
export const DEMO_DEFAULT_SEED = 179

// ---- calibration ----------------------------------------------------------

/** Factor order: G growth, D defensive, E energy, S small caps, H haven. */
export type Loadings = readonly [g: number, d: number, e: number, s: number, h: number]
/** Annualised vol of each style factor at the reference market vol. */
export const STYLE_FACTOR_VOL: Loadings = [0.086, 0.086, 0.207, 0.115, 0.12]

export interface FundModel {
  beta: number
  load: Loadings
  /** Annualised idiosyncratic vol at the reference market vol. */
  idio: number
  /** Share of close-to-close variance that happens overnight. */
  gapShare: number
  /** Mean ln(high/low) over sd of close-to-close returns. */
  rangeRatio: number
  /** Mean daily volume of the last 252 sessions. */
  volume: number
  /** Last close of the real history: where the generated history ends (± a few %). */
  close: number
}

/** `gapSd`: sd(overnight gap) / sd(close-to-close); the table below is calibrate-demo.ts's output. */
const fund = (beta: number, load: Loadings, idio: number, gapSd: number, rangeRatio: number, volume: number, close: number): FundModel => ({
  beta,
  load,
  idio: Math.max(0.03, idio),
  gapShare: gapSd * gapSd,
  rangeRatio,
  volume,
  close,
})

/** Columns: beta, loadings [G, D, E, S, H], idio, gapSd, rangeRatio, volume, last close. */
export const FUND_MODELS: ReadonlyMap<string, FundModel> = new Map([
  ['SPY', fund(1, [0, 0, 0, 0, 0], 0, 0.65, 1.01, 72_207_891, 690.38)],
  ['QQQ', fund(1.16, [0.93, 0, -0.03, 0.02, 0.02], 0.027, 0.62, 1.06, 48_396_103, 623.93)],
  ['IWM', fund(1.11, [-0.42, -0.27, 0.08, 1, 0], 0, 0.62, 1.15, 35_400_253, 252.08)],
  ['DIA', fund(0.92, [-0.46, 0.02, 0.02, 0.02, -0.05], 0.047, 0.65, 0.97, 4_114_189, 473.32)],
  ['GLD', fund(0.07, [0.06, 0.34, 0.09, 0.09, 0.97], 0.092, 0.75, 0.92, 11_667_357, 411.93)],
  ['TLT', fund(-0.12, [0.15, 0.36, -0.07, 0.14, 1.03], 0.092, 0.73, 0.95, 36_866_624, 88.03)],
  ['XLK', fund(1.26, [1.07, 0, 0.03, -0.02, -0.02], 0.027, 0.64, 1.03, 13_705_498, 146.3)],
  ['XLV', fund(0.71, [-0.44, 0.6, -0.04, -0.08, -0.06], 0.085, 0.58, 1.17, 11_696_450, 155.8)],
  ['XLF', fund(1.03, [-1.03, -0.36, 0.01, 0.13, -0.17], 0.082, 0.7, 1.04, 42_566_208, 55.73)],
  ['XLE', fund(1.02, [-1.51, -0.94, 1, 0, 0], 0, 0.64, 1.09, 33_196_442, 44.37)],
  ['XLY', fund(1.11, [0.19, -0.25, -0.12, 0.26, 0.06], 0.094, 0.65, 1.07, 9_914_291, 122.59)],
  ['XLP', fund(0.55, [-0.58, 0.8, -0.04, -0.16, -0.04], 0.072, 0.56, 1.17, 14_055_255, 78.12)],
  ['XLI', fund(0.97, [-0.72, -0.19, 0.02, 0.19, -0.05], 0.073, 0.65, 1.06, 10_418_520, 157.5)],
  ['XLU', fund(0.63, [-0.84, 1.41, 0.05, -0.03, 0.04], 0.087, 0.46, 1.22, 22_024_513, 42.81)],
  ['XLB', fund(0.95, [-0.72, -0.08, 0.06, 0.22, 0.1], 0.097, 0.67, 1.09, 12_555_773, 45.84)],
  ['XLRE', fund(0.84, [-0.75, 1.19, 0.03, 0.27, 0.06], 0.088, 0.55, 1.11, 6_384_421, 40.44)],
  ['XLC', fund(1, [0.37, -0.11, -0.07, 0.01, 0.04], 0.106, 0.66, 1.08, 5_447_604, 118.09)],
])

/** A symbol without a calibrated model moves with the market. */
export const DEFAULT_FUND_MODEL: FundModel = fund(1, [0, 0, 0, 0, 0], 0.12, 0.65, 1.05, 1_000_000, 100)

const RESID_INTERCEPT = 0.063
const RESID_SLOPE = 0.229
const RESID_REF_VOL = 0.197
/** Factor and idiosyncratic vol multiplier at annualised market vol v. */
export function residualScale(v: number): number {
  return (RESID_INTERCEPT + RESID_SLOPE * v) / (RESID_INTERCEPT + RESID_SLOPE * RESID_REF_VOL)
}

const GARCH_ALPHA = 0.14
const GARCH_BETA = 0.74
/** Cap on the GARCH variance multiplier, so a run of big days cannot take a scripted leg's vol past 1.6x. */
const GARCH_MAX = 2.5
/**
 * Bridge sd for the day's high and low, per unit of rangeRatio x the day's sd:
 * a Brownian bar's E[ln(H/L)] is ~1.6 sd of its move, real ETF bars are
 * tighter (mean reversion, ticks). Tuned so generated SPY bars match the real
 * mean ln(H/L) / sd of 1.01.
 */
export const RANGE_K = 0.63

/** Annualised residual variance (factors + idio) of a fund at the reference market vol. */
export function residualVariance(m: FundModel): number {
  let v = m.idio * m.idio
  for (let k = 0; k < 5; k++) v += ((m.load[k] as number) * (STYLE_FACTOR_VOL[k] as number)) ** 2
  return v
}

// ---- random numbers -------------------------------------------------------

/** mulberry32 with Box-Muller normals. */
export class Rng {
  private state: number
  private spare = NaN

  constructor(seed: number) {
    this.state = seed | 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0
    let t = Math.imul(this.state ^ (this.state >>> 15), 1 | this.state)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }

  /** Uniform in [-1, 1). */
  signed(): number {
    return 2 * this.next() - 1
  }

  normal(): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare
      this.spare = NaN
      return z
    }
    const u = 1 - this.next()
    const v = this.next()
    const r = Math.sqrt(-2 * Math.log(u))
    this.spare = r * Math.sin(2 * Math.PI * v)
    return r * Math.cos(2 * Math.PI * v)
  }
}

/** A 32-bit hash of a few integers (seeds per date / minute). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b)
    h ^= h >>> 13
    h = Math.imul(h, 0xc2b2ae35)
    h ^= h >>> 16
  }
  return h >>> 0
}

/**
 * High and low (log, relative to the open) of a Brownian path from 0 to x
 * with standard deviation s over the bar: the inverse CDF of the bridge's
 * maximum and minimum at the uniforms uUp, uDown in [0, 1).
 */
export function bridgeExtremes(x: number, s: number, uUp: number, uDown: number): { up: number; down: number } {
  const s2 = 2 * s * s
  const up = (x + Math.sqrt(x * x - s2 * Math.log(1 - uUp))) / 2
  const down = (x - Math.sqrt(x * x - s2 * Math.log(1 - uDown))) / 2
  return { up, down }
}

/** Independent random streams by key, so each phase's draws do not depend on how long the phases before it are. */
type Streams = (...keys: number[]) => Rng
const STREAM = { market: 1, factor: 2, idio: 3, bars: 4, rotation: 5, level: 6 } as const

export function hashSymbol(s: string): number {
  let h = 2166136261
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619)
  return h >>> 0
}

export const round2 = (x: number): number => Math.round(x * 100) / 100

// ---- calendar -------------------------------------------------------------

const DAY_MS = 86_400_000
const isoOf = (dayNumber: number): string => new Date(dayNumber * DAY_MS).toISOString().slice(0, 10)
const dayNumberOf = (iso: string): number => Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS)

/** Day of month of the n-th (1-based; -1 = last) weekday `dow` (0 = Sunday) of a month (0-based). */
function nthWeekday(year: number, month: number, dow: number, n: number): number {
  if (n > 0) {
    const first = new Date(Date.UTC(year, month, 1)).getUTCDay()
    return 1 + ((dow - first + 7) % 7) + 7 * (n - 1)
  }
  const lastDay = new Date(Date.UTC(year, month + 1, 0))
  return lastDay.getUTCDate() - ((lastDay.getUTCDay() - dow + 7) % 7)
}

/** Easter Sunday (anonymous Gregorian algorithm) as [month 0-based, day]. */
function easter(y: number): [number, number] {
  const a = y % 19
  const b = Math.floor(y / 100)
  const c = y % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  return [month - 1, ((h + l - 7 * m + 114) % 31) + 1]
}

const holidayCache = new Map<number, ReadonlySet<string>>()

/** The regular NYSE full-day holidays of a year (not one-off closures). */
function nyseHolidays(year: number): ReadonlySet<string> {
  const cached = holidayCache.get(year)
  if (cached) return cached
  const iso = (m: number, d: number): string => new Date(Date.UTC(year, m, d)).toISOString().slice(0, 10)
  // Saturday -> Friday, Sunday -> Monday.
  const observed = (m: number, d: number): string => {
    const dow = new Date(Date.UTC(year, m, d)).getUTCDay()
    return iso(m, d + (dow === 6 ? -1 : dow === 0 ? 1 : 0))
  }
  const [em, ed] = easter(year)
  const days = [
    iso(0, nthWeekday(year, 0, 1, 3)), // Martin Luther King Jr. Day
    iso(1, nthWeekday(year, 1, 1, 3)), // Washington's Birthday
    iso(em, ed - 2), // Good Friday
    iso(4, nthWeekday(year, 4, 1, -1)), // Memorial Day
    observed(6, 4),
    iso(8, nthWeekday(year, 8, 1, 1)), // Labor Day
    iso(10, nthWeekday(year, 10, 4, 4)), // Thanksgiving
    observed(11, 25),
  ]
  // New Year's Day on a Saturday is not observed on the Friday before (NYSE rule).
  if (new Date(Date.UTC(year, 0, 1)).getUTCDay() !== 6) days.push(observed(0, 1))
  if (year >= 2022) days.push(observed(5, 19)) // Juneteenth
  const set = new Set(days)
  if (holidayCache.size > 200) holidayCache.clear()
  holidayCache.set(year, set)
  return set
}

/** A weekday that is not a regular NYSE holiday (ISO date). */
export function isSessionDay(date: string): boolean {
  const dow = new Date(`${date}T00:00:00Z`).getUTCDay()
  return dow !== 0 && dow !== 6 && !nyseHolidays(Number(date.slice(0, 4))).has(date)
}

/** Session dates in (end - years, end], ascending. */
function sessionDates(end: string, years: number): string[] {
  const last = dayNumberOf(end)
  if (!Number.isFinite(last) || isoOf(last) !== end) throw new Error(`demo market: end ${JSON.stringify(end)} is not an ISO date (YYYY-MM-DD)`)
  if (!(years > 0)) throw new Error(`demo market: years must be positive, got ${years}`)
  const out: string[] = []
  for (let d = last - Math.round(years * 365.25) + 1; d <= last; d++) {
    const iso = isoOf(d)
    if (isSessionDay(iso)) out.push(iso)
  }
  return out
}

// ---- the script -----------------------------------------------------------

export type DemoPhaseKind = 'Bull' | 'Consolidation' | 'RiskOff' | 'Bottoming' | 'Recovery' | 'Correction' | 'Rebound'

/**
 * [sessions, SPY level at the leg's end relative to its 52-week high at the
 * phase's start (-0.1 = 10% below it), SPY annualised vol]. Levels rather
 * than moves, so a drawdown is as deep as scripted whatever the bull run
 * before it did.
 */
type LegSpec = readonly [days: number, level: number, vol: number]

interface PhaseSpec {
  kind: DemoPhaseKind
  /** Scripted legs, or a bull run of `days` sessions (null: stretched to fill the history) rising `annual` a year. */
  legs: readonly LegSpec[] | { days: number | null; annual: number; vol: number }
  /** Annualised drift of each style factor (G, D, E, S, H). */
  tilt: Loadings
  /** Annualised extra drift of a few funds (the episode's losers and winners). */
  fundTilt?: Readonly<Record<string, number>>
  /** Haven factor's response to the market's shock (flight to safety). */
  havenBeta: number
}

const SCRIPT: readonly PhaseSpec[] = [
  { kind: 'Bull', legs: { days: null, annual: 0.15, vol: 0.13 }, tilt: [0.04, -0.02, 0, 0.01, 0], havenBeta: 0 },
  {
    // A top, then a sagging range under the 200-day average (the 50-day crosses under it), then a breakout.
    kind: 'Consolidation',
    legs: [
      [20, -0.075, 0.19],
      [15, -0.04, 0.17],
      [18, -0.075, 0.16],
      [15, -0.055, 0.15],
      [18, -0.088, 0.15],
      [15, -0.065, 0.14],
      [15, -0.085, 0.14],
      [20, -0.02, 0.13],
    ],
    tilt: [-0.08, 0.12, 0.06, -0.08, 0.08],
    havenBeta: -0.1,
  },
  { kind: 'Bull', legs: { days: 270, annual: 0.2, vol: 0.13 }, tilt: [0.06, -0.03, -0.02, 0.02, -0.01], havenBeta: 0 },
  {
    // ~40 sessions, SPY -26%: G +2%, D +7%, E -14%, S -9%, H +10%; IWM, XLF, XLY a further 5-7% down.
    kind: 'RiskOff',
    legs: [
      [7, -0.06, 0.3],
      [6, -0.12, 0.38],
      [5, -0.075, 0.42],
      [9, -0.18, 0.48],
      [7, -0.155, 0.5],
      [6, -0.26, 0.5],
    ],
    tilt: [0.12, 0.45, -0.9, -0.55, 0.6],
    fundTilt: { IWM: -0.3, XLF: -0.45, XLY: -0.35, XLRE: -0.15 },
    havenBeta: -0.25,
  },
  {
    kind: 'Bottoming',
    legs: [
      [10, -0.18, 0.42],
      [8, -0.21, 0.36],
      [10, -0.16, 0.32],
      [14, -0.225, 0.3],
      [16, -0.19, 0.26],
    ],
    tilt: [0, 0.1, -0.1, -0.1, 0.15],
    havenBeta: -0.15,
  },
  {
    kind: 'Recovery',
    legs: [
      [40, -0.13, 0.19],
      [35, -0.075, 0.16],
      [35, -0.025, 0.14],
    ],
    tilt: [0.05, -0.15, 0.2, 0.2, -0.15],
    fundTilt: { XLF: 0.15, XLY: 0.1 },
    havenBeta: 0,
  },
  { kind: 'Bull', legs: { days: 300, annual: 0.17, vol: 0.13 }, tilt: [0.05, -0.02, -0.02, 0, 0], havenBeta: 0 },
  {
    kind: 'Correction',
    legs: [
      [20, -0.095, 0.24],
      [8, -0.065, 0.24],
      [8, -0.085, 0.21],
    ],
    tilt: [-0.3, 0.3, 0, -0.2, 0.3],
    havenBeta: -0.15,
  },
  { kind: 'Rebound', legs: [[30, 0.01, 0.16]], tilt: [0.15, -0.1, 0, 0.15, -0.1], havenBeta: 0 },
  {
    // The demo opens here: new highs a few months after the correction.
    kind: 'Bull',
    legs: [
      [30, 0.035, 0.12],
      [30, 0.055, 0.115],
      [30, 0.08, 0.11],
    ],
    tilt: [0.03, 0, 0, 0.02, 0],
    havenBeta: 0,
  },
]

/** The stretched first bull run is never shorter than this (sessions). */
const MIN_FIRST_BULL = 120
const BULL_CHUNK = 40

interface Leg {
  start: number
  /** Exclusive. */
  end: number
  /** Bull chunk: SPY log move. */
  move: number
  /** Scripted leg: target level against the phase's reference high (NaN for a bull chunk). */
  level: number
  vol: number
}

interface PlannedPhase {
  kind: DemoPhaseKind
  start: number
  end: number
  legs: Leg[]
  tilt: Loadings
  fundTilt: Readonly<Record<string, number>>
  havenBeta: number
  /** Scripted phases pin every move (SPY's, the factors', each fund's own) to the script; bull runs leave them free. */
  pinned: boolean
}

interface Plan {
  phases: PlannedPhase[]
  /** Sessions planned; the history is the last `n` of them. */
  total: number
}

/** Lay the script out over at least `n` sessions: legs jittered by the seed, the first bull run filling the rest. */
function planScript(n: number, seed: number): Plan {
  const rng = new Rng(mixSeed(seed, 0x5c2197))
  const legsOf = (spec: PhaseSpec, fill: number): (Omit<Leg, 'start' | 'end'> & { days: number })[] => {
    const L = spec.legs
    if (!('annual' in L)) {
      return L.map(([days, level, vol]) => ({ days: Math.max(3, Math.round(days * (1 + 0.15 * rng.signed()))), move: NaN, level: level * (1 + 0.1 * rng.signed()), vol }))
    }
    const days = L.days ?? fill
    const chunks = Math.max(1, Math.round(days / BULL_CHUNK))
    return Array.from({ length: chunks }, (_, c) => {
      const d = c < chunks - 1 ? Math.floor(days / chunks) : days - Math.floor(days / chunks) * (chunks - 1)
      return { days: d, move: (L.annual * d) / YEAR + 0.01 * rng.normal(), level: NaN, vol: L.vol * (1 + 0.1 * rng.signed()) }
    })
  }
  const fixed = SCRIPT.slice(1).map((spec) => legsOf(spec, 0))
  const fixedDays = fixed.reduce((s, legs) => s + legs.reduce((x, l) => x + l.days, 0), 0)
  const first = legsOf(SCRIPT[0] as PhaseSpec, Math.max(MIN_FIRST_BULL, n - fixedDays))
  const phases: PlannedPhase[] = []
  let t = 0
  ;[first, ...fixed].forEach((specLegs, p) => {
    const spec = SCRIPT[p] as PhaseSpec
    const start = t
    const legs = specLegs.map(({ days, move, level, vol }) => {
      const leg = { start: t, end: t + days, move, level, vol }
      t += days
      return leg
    })
    phases.push({ kind: spec.kind, start, end: t, legs, tilt: spec.tilt, fundTilt: spec.fundTilt ?? {}, havenBeta: spec.havenBeta, pinned: !('annual' in spec.legs) })
  })
  return { phases, total: t }
}

export interface DemoDailyOptions {
  /** Last session date (YYYY-MM-DD); a weekend or holiday ends the history on the session before. */
  end: string
  /** Calendar years of history. Default 6. */
  years?: number
  seed?: number
}

export interface DemoPhase {
  kind: DemoPhaseKind
  /** First and last session of the phase within the history. */
  from: string
  to: string
}

/** The scripted phases that `generateDemoDaily(opts)` follows, clipped to its history (for tests and explanations). */
export function demoMarketPhases(opts: DemoDailyOptions): DemoPhase[] {
  const dates = sessionDates(opts.end, opts.years ?? 6)
  const plan = planScript(dates.length, opts.seed ?? DEMO_DEFAULT_SEED)
  const offset = plan.total - dates.length
  return plan.phases
    .filter((p) => p.end > offset)
    .map((p) => ({ kind: p.kind, from: dates[Math.max(0, p.start - offset)] as string, to: dates[p.end - 1 - offset] as string }))
}

// ---- the generator --------------------------------------------------------

/**
 * Noise with standard deviation sd[t] (ready in `out`) conditioned to sum to
 * zero over [start, end): the Brownian bridge, each day's share of the
 * correction proportional to its variance.
 */
function pinToZero(out: Float64Array, sd: Float64Array, start: number, end: number): void {
  let sum = 0
  let sumVar = 0
  for (let t = start; t < end; t++) {
    sum += out[t] as number
    sumVar += (sd[t] as number) ** 2
  }
  if (sumVar === 0) return
  for (let t = start; t < end; t++) out[t] = (out[t] as number) - (sum * (sd[t] as number) ** 2) / sumVar
}

/** SPY's daily log returns and annualised vol over the plan. */
function marketPath(plan: Plan, streams: Streams): { market: Float64Array; shock: Float64Array; vol: Float64Array } {
  const T = plan.total
  const vol = new Float64Array(T)
  const sd = new Float64Array(T)
  const shock = new Float64Array(T)
  const market = new Float64Array(T)
  const logLevel = new Float64Array(T + 1)
  let base = plan.phases[0]?.legs[0]?.vol ?? 0.12
  let h = 1
  let zPrev = 0
  plan.phases.forEach((phase, p) => {
    const rng = streams(STREAM.market, p)
    let refHigh = -Infinity
    for (let t = Math.max(0, phase.start - YEAR); t <= phase.start; t++) refHigh = Math.max(refHigh, logLevel[t] as number)
    for (const leg of phase.legs) {
      for (let t = leg.start; t < leg.end; t++) {
        // Vol eases in fast and out slowly; the GARCH multiplier clusters it day to day.
        base += (leg.vol > base ? 0.5 : 0.08) * (leg.vol - base)
        h = Math.min(GARCH_MAX, 1 - GARCH_ALPHA - GARCH_BETA + GARCH_ALPHA * zPrev * zPrev * h + GARCH_BETA * h)
        const z = rng.normal()
        zPrev = z
        vol[t] = base * Math.sqrt(h)
        sd[t] = (vol[t] as number) / SQRT_YEAR
        shock[t] = (sd[t] as number) * z
      }
      pinToZero(shock, sd, leg.start, leg.end)
      const move = Number.isNaN(leg.level) ? leg.move : refHigh + Math.log(1 + leg.level) - (logLevel[leg.start] as number)
      for (let t = leg.start; t < leg.end; t++) {
        market[t] = move / (leg.end - leg.start) + (shock[t] as number)
        logLevel[t + 1] = (logLevel[t] as number) + (market[t] as number)
      }
    }
  })
  return { market, shock, vol }
}

/** Sector rotation: a slow relative cycle per sector fund; QQQ and DIA follow their main sectors. */
interface Rotation {
  amp: number
  period: number
  /** Phase at the last planned session; spread over the sectors so the graph ends populated. */
  phaseAtEnd: number
}

const ROTATION_MIX: ReadonlyMap<string, readonly [string, number][]> = new Map([
  ['QQQ', [['XLK', 0.45], ['XLC', 0.2], ['XLY', 0.2]]],
  ['DIA', [['XLF', 0.2], ['XLI', 0.2], ['XLV', 0.2], ['XLK', 0.15]]],
])

function rotations(rng: Rng): Map<string, Rotation> {
  const order = SECTOR_FUNDS.map((s) => ({ s, key: rng.next() }))
  order.sort((a, b) => a.key - b.key)
  const out = new Map<string, Rotation>()
  order.forEach(({ s }, k) => {
    out.set(s, { amp: 0.05 * (1 + 0.2 * rng.signed()), period: 105 + 25 * rng.signed(), phaseAtEnd: (2 * Math.PI * (k + 0.5 + 0.3 * rng.signed())) / SECTOR_FUNDS.length })
  })
  return out
}

const STRESS: ReadonlySet<DemoPhaseKind> = new Set(['RiskOff', 'Bottoming', 'Correction'])

function rotationLevel(rot: Rotation | undefined, t: number, last: number): number {
  return rot ? rot.amp * Math.sin((2 * Math.PI * (t - last)) / rot.period + rot.phaseAtEnd) : 0
}

/**
 * Daily bars for every symbol of MARKET_UNIVERSE over `years` (default 6) up
 * to `end`, on one calendar of weekdays less the regular NYSE holidays. See
 * the top of this file for the model and its calibration.
 */
export function generateDemoDaily(opts: DemoDailyOptions): Map<string, DailyBar[]> {
  const seed = opts.seed ?? DEMO_DEFAULT_SEED
  const dates = sessionDates(opts.end, opts.years ?? 6)
  const n = dates.length
  const plan = planScript(n, seed)
  const T = plan.total
  const streams: Streams = (...keys) => new Rng(mixSeed(seed, ...keys))
  const { market, shock, vol } = marketPath(plan, streams)
  const scale = vol.map(residualScale)

  // Style factors: drift + noise (+ flight to safety for the haven factor).
  const factors = STYLE_FACTOR_VOL.map((fv, k) => {
    const sd = scale.map((s) => (fv / SQRT_YEAR) * s)
    const f = new Float64Array(T)
    plan.phases.forEach((p, i) => {
      const rng = streams(STREAM.factor, k, i)
      for (let t = p.start; t < p.end; t++) f[t] = (sd[t] as number) * rng.normal()
      if (p.pinned) pinToZero(f, sd, p.start, p.end)
    })
    return f
  })
  for (const p of plan.phases) {
    for (let t = p.start; t < p.end; t++) {
      factors.forEach((f, k) => (f[t] = (f[t] as number) + (p.tilt[k] as number) / YEAR))
      const haven = factors[4] as Float64Array
      haven[t] = (haven[t] as number) + p.havenBeta * (shock[t] as number)
    }
  }

  // Daily increments of each sector's rotation cycle, paused in a selloff (everything falls together).
  const rotationSteps = new Map<string, Float64Array>()
  for (const [sector, r] of rotations(streams(STREAM.rotation))) {
    const steps = new Float64Array(T)
    for (const p of plan.phases) {
      if (STRESS.has(p.kind)) continue
      for (let t = p.start; t < p.end; t++) steps[t] = rotationLevel(r, t, T - 1) - rotationLevel(r, t - 1, T - 1)
    }
    rotationSteps.set(sector, steps)
  }

  const out = new Map<string, DailyBar[]>()
  for (const symbol of MARKET_UNIVERSE) {
    const id = hashSymbol(symbol)
    const m = FUND_MODELS.get(symbol) ?? DEFAULT_FUND_MODEL
    const residVar = residualVariance(m)
    const rotation = new Float64Array(T)
    for (const [sector, w] of ROTATION_MIX.get(symbol) ?? [[symbol, 1]]) {
      const steps = rotationSteps.get(sector)
      if (steps) for (let t = 0; t < T; t++) rotation[t] = (rotation[t] as number) + w * (steps[t] as number)
    }
    const idioSd = symbol === 'SPY' ? new Float64Array(T) : scale.map((s) => (m.idio / SQRT_YEAR) * s)
    const ret = new Float64Array(T)
    plan.phases.forEach((p, i) => {
      const rng = streams(STREAM.idio, id, i)
      for (let t = p.start; t < p.end; t++) ret[t] = (idioSd[t] as number) * rng.normal()
      if (p.pinned) pinToZero(ret, idioSd, p.start, p.end)
      const tilt = (p.fundTilt[symbol] ?? 0) / YEAR
      for (let t = p.start; t < p.end; t++) {
        let r = (ret[t] as number) + tilt + m.beta * (market[t] as number) + (rotation[t] as number)
        for (let k = 0; k < 5; k++) r += (m.load[k] as number) * ((factors[k] as Float64Array)[t] as number)
        ret[t] = r
      }
    })
    let logClose = 0
    for (let t = 0; t < T; t++) logClose += ret[t] as number
    // Anchor the end near the real fund's recent level.
    let level = Math.log(m.close) + 0.02 * streams(STREAM.level, id).normal() - logClose
    for (let t = 0; t < T - n; t++) level += ret[t] as number
    const gapSd = Math.sqrt(m.gapShare * (1 - m.gapShare))
    const bars: DailyBar[] = []
    plan.phases.forEach((p, i) => {
      const rng = streams(STREAM.bars, id, i)
      // Draw from the phase's end backwards, so a longer first bull run changes only its own oldest bars.
      const from = Math.max(p.start, T - n)
      const draws = new Float64Array(4 * Math.max(0, p.end - from))
      for (let k = draws.length - 4; k >= 0; k -= 4) {
        draws[k] = rng.normal()
        draws[k + 1] = rng.next()
        draws[k + 2] = rng.next()
        draws[k + 3] = rng.normal()
      }
      for (let t = from; t < p.end; t++) {
        const k = 4 * (t - from)
        const zGap = draws[k] as number
        const uUp = draws[k + 1] as number
        const uDown = draws[k + 2] as number
        const zVolume = draws[k + 3] as number
        const v = vol[t] as number
        const sd = Math.sqrt(m.beta ** 2 * v * v + (scale[t] as number) ** 2 * residVar) / SQRT_YEAR
        const r = ret[t] as number
        const prev = Math.exp(level)
        level += r
        // Overnight: the gap's share of the day's move plus its own noise, so gap and session are uncorrelated.
        const gap = m.gapShare * r + gapSd * sd * zGap
        const open = round2(prev * Math.exp(gap))
        const close = round2(Math.exp(level))
        const { up, down } = bridgeExtremes(Math.log(close / open), RANGE_K * m.rangeRatio * sd, uUp, uDown)
        const high = Math.max(open, close, round2(open * Math.exp(up)))
        const low = Math.min(open, close, round2(open * Math.exp(down)))
        // Busier when the market is volatile and on the fund's big days.
        const activity = (v / 0.13) ** 0.7 * (0.75 + (0.3 * Math.abs(r)) / sd) * Math.exp(0.25 * zVolume - 0.03)
        const volume = Math.max(100, Math.round((m.volume * activity) / 100) * 100)
        bars.push({ date: dates[t - (T - n)] as string, open, high, low, close, adjClose: close, volume })
      }
    })
    out.set(symbol, bars)
  }
  return out
}
