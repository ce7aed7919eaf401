/**
 * Prints the calibration constants of demo-market.ts, measured on the real ETF
 * history (../shared/data/etf-daily). Re-run when the data is refreshed and
 * update the tables at the top of demo-market.ts by hand:
 *
 *   npx tsx src/main/engine/market/testing/calibrate-demo.ts
 */
import { alignBars, type AlignedBars } from '../daily-bars'
import { logReturns, TRADING_DAYS_PER_YEAR } from '../indicators'
import { MARKET_UNIVERSE } from '../market-state'
import { SECTOR_FUNDS } from '../rotation'
import { loadRealBars } from './real-data'

const ANNUAL = Math.sqrt(TRADING_DAYS_PER_YEAR)

const mean = (a: readonly number[]): number => a.reduce((x, y) => x + y, 0) / a.length
const cov = (a: readonly number[], b: readonly number[]): number => {
  const ma = mean(a)
  const mb = mean(b)
  let s = 0
  for (let i = 0; i < a.length; i++) s += ((a[i] as number) - ma) * ((b[i] as number) - mb)
  return s / (a.length - 1)
}
const sd = (a: readonly number[]): number => Math.sqrt(cov(a, a))
const fmt = (x: number, d = 3): string => x.toFixed(d)

/** Daily log returns of `syms` on the days in [from, to] where all of them (and SPY) have one. */
function jointReturns(a: AlignedBars, syms: readonly string[], from: string, to: string): Map<string, number[]> {
  const all = ['SPY', ...syms.filter((s) => s !== 'SPY')]
  const rets = all.map((s) => logReturns(a.adjClose.get(s) ?? []))
  const out = new Map<string, number[]>(all.map((s) => [s, []]))
  for (let t = 1; t < a.dates.length; t++) {
    const d = a.dates[t] as string
    if (d < from || d > to) continue
    if (rets.some((r) => Number.isNaN(r[t] as number))) continue
    all.forEach((s, k) => out.get(s)?.push(rets[k]?.[t] as number))
  }
  return out
}

function spyVol(a: AlignedBars, from: string, to: string): number {
  return sd(jointReturns(a, [], from, to).get('SPY') ?? []) * ANNUAL
}

/** Residual of x after its SPY beta. */
function residual(x: readonly number[], m: readonly number[]): number[] {
  const beta = cov(x, m) / cov(m, m)
  return x.map((v, i) => v - beta * (m[i] as number))
}

/** x minus its projections on the (mutually orthogonal) factors. */
function orthogonalize(x: readonly number[], factors: readonly number[][]): number[] {
  let out = [...x]
  for (const f of factors) {
    const l = cov(out, f) / cov(f, f)
    out = out.map((v, i) => v - l * (f[i] as number))
  }
  return out
}

function average(series: readonly number[][]): number[] {
  return (series[0] ?? []).map((_, i) => mean(series.map((s) => s[i] as number)))
}

async function main(): Promise<void> {
  const bars = await loadRealBars()
  const a = alignBars(new Map([['SPY', bars.get('SPY') ?? []], ...[...bars].filter(([s]) => s !== 'SPY')]), 'SPY')
  const last = a.dates[a.dates.length - 1] as string

  console.log(`\n# betas, vols, correlations with SPY, 2015-01-01..${last} (each fund from its first day)`)
  console.log('sym    vol   beta  corr  residVol')
  const corrs: number[] = []
  for (const s of MARKET_UNIVERSE) {
    const j = jointReturns(a, [s], '2015-01-01', last)
    const x = j.get(s) ?? []
    const m = j.get('SPY') ?? []
    const c = cov(x, m) / (sd(x) * sd(m))
    if ((SECTOR_FUNDS as readonly string[]).includes(s)) corrs.push(c)
    console.log(`${s.padEnd(5)} ${fmt(sd(x) * ANNUAL)} ${fmt(cov(x, m) / cov(m, m), 2)}  ${fmt(c, 2)}  ${fmt(sd(residual(x, m)) * ANNUAL)}`)
  }
  console.log(`average sector-fund correlation with SPY: ${fmt(mean(corrs))}`)

  const common = MARKET_UNIVERSE.filter((s) => s !== 'SPY')
  const j = jointReturns(a, common, '2018-06-20', last)
  const m = j.get('SPY') ?? []
  const e = new Map(common.map((s) => [s, residual(j.get(s) ?? [], m)]))
  const res = (s: string): number[] => e.get(s) ?? []
  const G = average([res('QQQ'), res('XLK')])
  const D = orthogonalize(average([res('XLU'), res('XLP'), res('XLRE'), res('XLV')]), [G])
  const E = orthogonalize(res('XLE'), [G, D])
  const S = orthogonalize(res('IWM'), [G, D, E])
  const H = orthogonalize(average([res('GLD'), res('TLT')]), [G, D, E, S])
  const factors: [string, number[]][] = [['G', G], ['D', D], ['E', E], ['S', S], ['H', H]]
  console.log(`\n# style factors on SPY residuals, ${(j.get('SPY') ?? []).length} days 2018-06-20..${last} (all 17 funds trading), SPY vol ${fmt(sd(m) * ANNUAL)}`)
  console.log(`factor vols: ${factors.map(([n, f]) => `${n} ${fmt(sd(f) * ANNUAL)}`).join('  ')}`)
  console.log('sym    beta  ' + factors.map(([n]) => n.padStart(6)).join('') + '  idio')
  for (const s of common) {
    const x = res(s)
    const loads = factors.map(([, f]) => cov(x, f) / cov(f, f))
    const left = factors.reduce((v, [, f], k) => v.map((y, i) => y - (loads[k] as number) * (f[i] as number)), x)
    console.log(`${s.padEnd(5)} ${fmt(cov(j.get(s) ?? [], m) / cov(m, m), 2)}  ${loads.map((l) => fmt(l, 2).padStart(6)).join('')}  ${fmt(sd(left) * ANNUAL)}`)
  }

  console.log('\n# SPY annualised vol by episode')
  const windows: [string, string, string][] = [
    ['2010-01-01', last, 'all 2010-2025'],
    ['2017-01-01', '2017-12-31', 'calm bull 2017'],
    ['2019-01-01', '2019-12-31', 'bull 2019'],
    ['2021-01-01', '2021-12-31', 'bull 2021'],
    ['2023-01-01', '2024-12-31', 'bull 2023-24'],
    ['2015-08-01', '2016-02-29', 'range 2015-16'],
    ['2018-10-01', '2018-12-31', 'correction Q4 2018'],
    ['2020-02-20', '2020-04-30', 'crash 2020'],
    ['2020-05-01', '2020-08-31', 'recovery 2020'],
    ['2022-01-01', '2022-12-31', 'bear 2022'],
    ['2025-03-01', '2025-05-31', 'correction 2025'],
  ]
  for (const [from, to, label] of windows) console.log(`${label.padEnd(20)} ${fmt(spyVol(a, from, to))}`)

  // Residual vol against market vol, per quarter: how much correlations rise in a selloff.
  const xs: number[] = []
  const ys: number[] = []
  for (let y = 2010; y <= Number(last.slice(0, 4)); y++) {
    for (let q = 0; q < 4; q++) {
      const from = `${y}-${String(q * 3 + 1).padStart(2, '0')}-01`
      const to = `${y}-${String(q * 3 + 3).padStart(2, '0')}-31`
      const sect = ['XLK', 'XLV', 'XLF', 'XLE', 'XLY', 'XLP', 'XLI', 'XLU', 'XLB']
      const jq = jointReturns(a, sect, from, to)
      const mq = jq.get('SPY') ?? []
      if (mq.length < 40) continue
      xs.push(sd(mq) * ANNUAL)
      ys.push(mean(sect.map((s) => sd(residual(jq.get(s) ?? [], mq)) * ANNUAL)))
    }
  }
  const c1 = cov(xs, ys) / cov(xs, xs)
  console.log(`\n# quarterly mean sector residual vol = ${fmt(mean(ys) - c1 * mean(xs))} + ${fmt(c1)} * SPY vol (${xs.length} quarters 2010-${last.slice(0, 4)})`)

  // GARCH(1,1) on SPY returns scaled by a centred 126-day vol (the slow, regime part), grid MLE.
  const spyR = jointReturns(a, [], '2010-01-01', last).get('SPY') ?? []
  const z = spyR.map((r, i) => {
    const w = spyR.slice(Math.max(0, i - 63), i + 63)
    return r / sd(w)
  })
  let best = { a: 0, b: 0, ll: -Infinity }
  for (let ga = 0.02; ga <= 0.2; ga += 0.01) {
    for (let gb = 0.5; gb + ga < 0.995; gb += 0.01) {
      let h = 1
      let ll = 0
      for (let t = 1; t < z.length; t++) {
        h = 1 - ga - gb + ga * (z[t - 1] as number) ** 2 + gb * h
        ll += -0.5 * (Math.log(h) + (z[t] as number) ** 2 / h)
      }
      if (ll > best.ll) best = { a: ga, b: gb, ll }
    }
  }
  console.log(`\n# GARCH(1,1) on SPY 2010-${last.slice(0, 4)} returns / centred 126-day vol: alpha ${fmt(best.a, 2)} beta ${fmt(best.b, 2)}`)

  console.log(`\n# gaps, ranges 2015-01-01..${last}; volume = mean of the last 252 sessions; last close`)
  console.log('sym   gapSd/ccSd  mean ln(H/L)/ccSd  volume      close')
  for (const s of MARKET_UNIVERSE) {
    const bs = (a.bars.get(s) ?? []).filter((b, i) => b !== undefined && (a.dates[i] as string) >= '2015-01-01')
    const cc: number[] = []
    const gap: number[] = []
    const hl: number[] = []
    for (let i = 1; i < bs.length; i++) {
      const b = bs[i]
      const p = bs[i - 1]
      if (!b || !p) continue
      cc.push(Math.log(b.adjClose / p.adjClose))
      gap.push(Math.log((b.open * b.adjClose) / b.close / p.adjClose))
      hl.push(Math.log(b.high / b.low))
    }
    const recent = bs.slice(-252)
    const lastBar = bs[bs.length - 1]
    console.log(`${s.padEnd(5)} ${fmt(sd(gap) / sd(cc), 2)}        ${fmt(mean(hl) / sd(cc), 2)}               ${String(Math.round(mean(recent.map((b) => b?.volume ?? 0)))).padEnd(11)} ${lastBar?.close ?? NaN}`)
  }
}

void main()
