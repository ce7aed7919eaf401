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
 * fast and out slowly, times a GARCH(1,1) multiplier; each leg's total move is
 * pinned (the shocks are conditioned on their sum, a Brownian bridge), so the
 * skeleton of drawdowns and rallies is the script's while the path between
 * legs is random. f_k are five style factors on SPY residuals (G growth, D
 * defensive/rate-sensitive, E energy, S small caps, H haven), each with its
 * scripted drift per phase; H also moves against the market in risk-off
 * phases. Factor and idiosyncratic volatilities scale with s(v), which rises
 * with market volatility v, so correlations between funds rise in a selloff.
 * rotation_i is a slow sinusoid per sector fund, phases spread over the
 * sectors so that the rotation graph is populated in every quadrant.
 *
 * Calibration (printed by testing/calibrate-demo.ts, real data in
 * ../shared/data/etf-daily, last session 2025-12-24):
 * - beta, loadings, factor vols, idio vols: daily log returns 2018-06-20..
 *   2025-12-24, the 1873 days on which all 17 funds trade (XLC's inception).
 *   beta = cov(r, SPY)/var(SPY); residual e = r - beta * SPY; factor proxies
 *   on residuals, orthogonalised in this order: G = mean(QQQ, XLK), D =
 *   mean(XLU, XLP, XLRE, XLV), E = XLE, S = IWM, H = mean(GLD, TLT);
 *   loadings = cov(e, f)/var(f); idio = sd of what is left (floored at 3%
 *   for the funds that are a proxy themselves). Annualised (x sqrt 252).
 *   Real over 2015-01-01..2025-12-24: mean sector-fund correlation with SPY
 *   0.788; GLD 0.04, TLT -0.18; betas QQQ 1.15, XLK 1.24, XLP 0.57, XLU 0.60.
 * - s(v) = (0.063 + 0.229 v) / (0.063 + 0.229 * 0.197): mean residual vol of
 *   the nine original sector funds regressed on SPY vol, per quarter,
 *   2010-2025 (64 quarters); 0.197 is SPY's vol over the loadings window.
 * - Leg vols (SPY annualised): bull 0.12 (2019 0.125, 2021 0.130, 2023-24
 *   0.128; 2017 0.067); range 0.15-0.21 (2015-08..2016-02 0.198); correction
 *   0.21-0.24 (Q4 2018 0.237, 2022 0.243, Mar-May 2025 0.334); crash
 *   0.38-0.60 (2020-02-20..04-30 0.666); recovery 0.16-0.21 (May-Aug 2020
 *   0.197). Real SPY 2010-2025: 0.173.
 * - GARCH alpha 0.14, beta 0.74: grid MLE on SPY 2010-2025 returns divided by
 *   their centred 126-day vol (the regime part is the script's).
 * - Overnight gap share of variance q = (sd(gap)/sd(close-to-close))^2 and
 *   mean ln(high/low) / sd(close-to-close), per fund, 2015-2025.
 * - Volume: mean of each fund's last 252 sessions; end levels: last closes.
 * - Crash tilts follow the shape of 2020-02-19..03-23 (SPY -34%, IWM -41%,
 *   XLF -43%, XLE -56%, XLP -24%, TLT +14%) and 2018-09-20..12-24 (SPY -19%,
 *   XLU -2%, XLP -10%, GLD +5%, TLT +5%).
 */
import type { DailyBar } from './daily-bars'
import { MARKET_UNIVERSE } from './market-state'
import { SECTOR_FUNDS } from './rotation'

const YEAR = 252
const SQRT_YEAR = Math.sqrt(YEAR)
export const DEMO_DEFAULT_SEED = 20_251_224

// ---- calibration ----------------------------------------------------------

/** Factor order: G growth, D defensive, E energy, S small caps, H haven. */
type Loadings = readonly [g: number, d: number, e: number, s: number, h: number]
const FACTOR_VOL: Loadings = [0.086, 0.086, 0.207, 0.115, 0.12]

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

const fund = (beta: number, load: Loadings, idio: number, gapSd: number, rangeRatio: number, volume: number, close: number): FundModel => ({
  beta,
  load,
  idio: Math.max(0.03, idio),
  gapShare: gapSd * gapSd,
  rangeRatio,
  volume,
  close,
})

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
/** Brownian-bridge extremes give E[ln(H/L)] ~ 1.6 sd of the intraday move; real ETF bars are tighter (mean reversion, ticks). Tuned so SPY's generated ratio matches its real 1.01. */
const RANGE_TIGHTNESS = 0.8

/** Annualised residual variance (factors + idio) of a fund at the reference market vol. */
export function residualVariance(m: FundModel): number {
  let v = m.idio * m.idio
  for (let k = 0; k < 5; k++) v += ((m.load[k] as number) * (FACTOR_VOL[k] as number)) ** 2
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
 * High and low of a Brownian path from 0 to x with standard deviation s over
 * the bar (inverse CDF of the bridge's maximum and minimum).
 */
export function bridgeExtremes(x: number, s: number, rng: Rng): { up: number; down: number } {
  const s2 = 2 * s * s
  const up = (x + Math.sqrt(x * x - s2 * Math.log(1 - rng.next()))) / 2
  const down = (x - Math.sqrt(x * x - s2 * Math.log(1 - rng.next()))) / 2
  return { up, down }
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

/** [sessions, SPY move (fraction), SPY annualised vol] */
type LegSpec = readonly [days: number, move: number, vol: number]

interface PhaseSpec {
  kind: DemoPhaseKind
  /** Fixed legs, or a bull run of `days` sessions (null: stretched to fill the history) rising `annual` a year. */
  legs: readonly LegSpec[] | { days: number | null; annual: number; vol: number }
  /** Annualised drift of each style factor (G, D, E, S, H) during the phase. */
  tilt: Loadings
  /** Haven factor's response to the market's shock (flight to safety). */
  havenBeta: number
}

const SCRIPT: readonly PhaseSpec[] = [
  { kind: 'Bull', legs: { days: null, annual: 0.16, vol: 0.12 }, tilt: [0.04, -0.02, 0, 0.01, 0], havenBeta: 0 },
  {
    kind: 'Consolidation',
    legs: [
      [26, -0.1, 0.21],
      [20, 0.045, 0.18],
      [26, -0.05, 0.18],
      [24, 0.035, 0.16],
      [20, -0.01, 0.15],
    ],
    tilt: [-0.06, 0.1, 0.05, -0.06, 0.06],
    havenBeta: -0.1,
  },
  { kind: 'Bull', legs: { days: 270, annual: 0.2, vol: 0.12 }, tilt: [0.06, -0.03, -0.02, 0.02, -0.01], havenBeta: 0 },
  {
    kind: 'RiskOff',
    legs: [
      [12, -0.1, 0.38],
      [6, 0.04, 0.45],
      [22, -0.21, 0.6],
    ],
    tilt: [0.1, 0.45, -0.9, -0.55, 0.8],
    havenBeta: -0.25,
  },
  {
    kind: 'Bottoming',
    legs: [
      [15, 0.11, 0.42],
      [18, -0.07, 0.34],
      [25, 0.05, 0.27],
    ],
    tilt: [0, 0.1, -0.1, -0.1, 0.15],
    havenBeta: -0.15,
  },
  {
    kind: 'Recovery',
    legs: [
      [40, 0.09, 0.21],
      [35, 0.06, 0.18],
      [35, 0.05, 0.16],
    ],
    tilt: [0.05, -0.15, 0.2, 0.2, -0.15],
    havenBeta: 0,
  },
  { kind: 'Bull', legs: { days: 300, annual: 0.16, vol: 0.12 }, tilt: [0.05, -0.02, -0.02, 0, 0], havenBeta: 0 },
  {
    kind: 'Correction',
    legs: [
      [22, -0.105, 0.24],
      [10, 0.03, 0.24],
      [10, -0.02, 0.21],
    ],
    tilt: [-0.3, 0.3, 0, -0.2, 0.3],
    havenBeta: -0.15,
  },
  { kind: 'Rebound', legs: [[35, 0.1, 0.16]], tilt: [0.15, -0.1, 0, 0.15, -0.1], havenBeta: 0 },
  { kind: 'Bull', legs: { days: 80, annual: 0.22, vol: 0.11 }, tilt: [0.03, 0, 0, 0.02, 0], havenBeta: 0 },
]

/** The stretched first bull run is never shorter than this (sessions). */
const MIN_FIRST_BULL = 120
const BULL_CHUNK = 60

interface Leg {
  start: number
  /** Exclusive. */
  end: number
  /** SPY log move over the leg. */
  move: number
  vol: number
}

interface PlannedPhase {
  kind: DemoPhaseKind
  start: number
  end: number
  legs: Leg[]
  tilt: Loadings
  havenBeta: number
}

interface Plan {
  phases: PlannedPhase[]
  /** Sessions planned; the history is the last `n` of them. */
  total: number
}

/** Lay the script out over at least `n` sessions: fixed legs jittered by the seed, the first bull run filling the rest. */
function planScript(n: number, seed: number): Plan {
  const rng = new Rng(mixSeed(seed, 0x5c_21_97))
  const legsOf = (spec: PhaseSpec, fill: number): [number, number, number][] => {
    const L = spec.legs
    if (!('annual' in L)) return L.map(([days, move, vol]) => [Math.max(3, Math.round(days * (1 + 0.15 * rng.signed()))), Math.log(1 + move * (1 + 0.1 * rng.signed())), vol])
    const days = L.days ?? fill
    const chunks = Math.max(1, Math.round(days / BULL_CHUNK))
    const out: [number, number, number][] = []
    for (let c = 0; c < chunks; c++) {
      const d = c < chunks - 1 ? Math.floor(days / chunks) : days - Math.floor(days / chunks) * (chunks - 1)
      out.push([d, (L.annual * d) / YEAR + 0.012 * rng.normal(), L.vol * (1 + 0.1 * rng.signed())])
    }
    return out
  }
  const fixed = SCRIPT.slice(1).map((spec) => legsOf(spec, 0))
  const fixedDays = fixed.reduce((s, legs) => s + legs.reduce((x, [d]) => x + d, 0), 0)
  const first = legsOf(SCRIPT[0] as PhaseSpec, Math.max(MIN_FIRST_BULL, n - fixedDays))
  const phases: PlannedPhase[] = []
  let t = 0
  ;[first, ...fixed].forEach((specLegs, p) => {
    const spec = SCRIPT[p] as PhaseSpec
    const start = t
    const legs = specLegs.map(([days, move, vol]) => {
      const leg = { start: t, end: t + days, move, vol }
      t += days
      return leg
    })
    phases.push({ kind: spec.kind, start, end: t, legs, tilt: spec.tilt, havenBeta: spec.havenBeta })
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
    out.set(s, { amp: 0.04 * (1 + 0.3 * rng.signed()), period: 110 + 40 * rng.signed(), phaseAtEnd: (2 * Math.PI * (k + 0.5 + 0.3 * rng.signed())) / SECTOR_FUNDS.length })
  })
  return out
}

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
  const rng = new Rng(mixSeed(seed, 0xda11))

  // Market: leg vol eased in fast and out slowly, GARCH multiplier, bridge-pinned legs.
  const volAnnual = new Float64Array(T)
  const shock = new Float64Array(T)
  const market = new Float64Array(T)
  const phaseOf = new Int32Array(T)
  let base = (plan.phases[0]?.legs[0]?.vol ?? 0.12) as number
  let h = 1
  let zPrev = 0
  plan.phases.forEach((phase, p) => {
    for (const leg of phase.legs) {
      let sum = 0
      let sumVar = 0
      for (let t = leg.start; t < leg.end; t++) {
        base += (leg.vol > base ? 0.5 : 0.08) * (leg.vol - base)
        h = 1 - GARCH_ALPHA - GARCH_BETA + GARCH_ALPHA * Math.min(zPrev * zPrev, 16) * h + GARCH_BETA * h
        const v = base * Math.sqrt(h)
        const z = rng.normal()
        zPrev = z
        volAnnual[t] = v
        shock[t] = (v / SQRT_YEAR) * z
        sum += shock[t] as number
        sumVar += (v * v) / YEAR
        phaseOf[t] = p
      }
      const days = leg.end - leg.start
      for (let t = leg.start; t < leg.end; t++) {
        const w = (volAnnual[t] as number) ** 2 / YEAR / sumVar
        shock[t] = (shock[t] as number) - sum * w
        market[t] = leg.move / days + (shock[t] as number)
      }
    }
  })

  // Style factors.
  const factors = Array.from({ length: 5 }, () => new Float64Array(T))
  for (let t = 0; t < T; t++) {
    const phase = plan.phases[phaseOf[t] as number] as PlannedPhase
    const s = residualScale(volAnnual[t] as number)
    for (let k = 0; k < 5; k++) {
      let f = (phase.tilt[k] as number) / YEAR + ((FACTOR_VOL[k] as number) / SQRT_YEAR) * s * rng.normal()
      if (k === 4) f += phase.havenBeta * (shock[t] as number)
      ;(factors[k] as Float64Array)[t] = f
    }
  }

  const rot = rotations(rng)
  const out = new Map<string, DailyBar[]>()
  for (const symbol of MARKET_UNIVERSE) {
    const m = FUND_MODELS.get(symbol) ?? DEFAULT_FUND_MODEL
    const residVar = residualVariance(m)
    const mix = ROTATION_MIX.get(symbol) ?? [[symbol, 1]]
    const rotAt = (t: number): number => mix.reduce((s, [sec, w]) => s + w * rotationLevel(rot.get(sec), t, T - 1), 0)
    const logClose = new Float64Array(T)
    const ret = new Float64Array(T)
    const sigma = new Float64Array(T)
    let acc = 0
    for (let t = 0; t < T; t++) {
      const s = residualScale(volAnnual[t] as number)
      let r = m.beta * (market[t] as number) + (symbol === 'SPY' ? 0 : (m.idio / SQRT_YEAR) * s * rng.normal())
      for (let k = 0; k < 5; k++) r += (m.load[k] as number) * ((factors[k] as Float64Array)[t] as number)
      r += rotAt(t) - rotAt(t - 1)
      acc += r
      ret[t] = r
      logClose[t] = acc
      sigma[t] = Math.sqrt(m.beta ** 2 * (volAnnual[t] as number) ** 2 + s * s * residVar) / SQRT_YEAR
    }
    const scale = Math.log(m.close) + 0.03 * rng.normal() - (logClose[T - 1] as number)
    const bars: DailyBar[] = []
    const gapSd = Math.sqrt(m.gapShare * (1 - m.gapShare))
    const intraSd = Math.sqrt(1 - m.gapShare)
    const rangeK = (RANGE_TIGHTNESS * m.rangeRatio) / 1.05
    for (let t = T - n; t < T; t++) {
      const sd = sigma[t] as number
      const r = ret[t] as number
      const prev = Math.exp(scale + (logClose[t] as number) - r)
      // Overnight: the gap's share of the day's move plus its own noise, so gap and session are uncorrelated.
      const gap = m.gapShare * r + gapSd * sd * rng.normal()
      const open = round2(prev * Math.exp(gap))
      const close = round2(Math.exp(scale + (logClose[t] as number)))
      const x = Math.log(close / open)
      const { up, down } = bridgeExtremes(x, rangeK * intraSd * sd, rng)
      const high = Math.max(open, close, round2(open * Math.exp(up)))
      const low = Math.min(open, close, round2(open * Math.exp(down)))
      const activity = ((volAnnual[t] as number) / 0.13) ** 0.7 * (0.75 + (0.3 * Math.abs(r)) / sd) * Math.exp(0.25 * rng.normal() - 0.03)
      const volume = Math.max(100, Math.round((m.volume * activity) / 100) * 100)
      bars.push({ date: dates[t - (T - n)] as string, open, high, low, close, adjClose: close, volume })
    }
    out.set(symbol, bars)
  }
  return out
}
