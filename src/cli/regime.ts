/**
 * `tickstock regime --data DIR [--from DATE] [--to DATE]`: one CSV row per
 * SPY trading day, `date,regime,confidence,risk_score`, computed only from the
 * `SYMBOL.csv` files in DIR (SPY.csv required; the files of MARKET_UNIVERSE
 * that are present are used, others such as VIX.csv are ignored). Indicators warm up on the
 * whole file; --from/--to only filter the rows printed.
 *
 * Exit codes: 0 done, 1 unreadable data, 2 bad arguments or no SPY.csv.
 * Bad CSV rows are reported on stderr by file and line and skipped.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { loadDailyDir } from '../main/engine/market/load-dir'
import { computeDailyMarketState, MARKET_UNIVERSE } from '../main/engine/market/market-state'

export const REGIME_HELP = `tickstock regime --data DIR [--from YYYY-MM-DD] [--to YYYY-MM-DD]

  Prints date,regime,confidence,risk_score for every SPY trading day, from the
  daily bars in DIR (files named SYMBOL.csv; SPY.csv is required).`

export interface RegimeArgs {
  data: string
  from?: string
  to?: string
}

export interface RegimeIo {
  out: (line: string) => void
  err: (line: string) => void
}

const ISO = /^\d{4}-\d{2}-\d{2}$/

/** Parse flags; returns a one-line error message on bad input. */
export function parseRegimeArgs(argv: readonly string[]): RegimeArgs | string {
  const args: Partial<RegimeArgs> = {}
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string
    const eq = flag.indexOf('=')
    const name = eq > 0 ? flag.slice(0, eq) : flag
    const value = eq > 0 ? flag.slice(eq + 1) : argv[++i]
    if (name !== '--data' && name !== '--from' && name !== '--to') return `unknown option ${JSON.stringify(flag)}`
    if (value === undefined || value === '') return `${name} needs a value`
    if (name === '--data') args.data = value
    else {
      if (!ISO.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) return `${name} ${JSON.stringify(value)} is not a date (YYYY-MM-DD)`
      if (name === '--from') args.from = value
      else args.to = value
    }
  }
  if (!args.data) return '--data DIR is required'
  if (args.from && args.to && args.from > args.to) return `--from ${args.from} is after --to ${args.to}`
  return args as RegimeArgs
}

function fmt(x: number): string {
  return Number.isNaN(x) ? '' : x.toFixed(3)
}

export async function main(argv: readonly string[], io: Partial<RegimeIo> = {}): Promise<number> {
  const out = io.out ?? ((l: string) => void process.stdout.write(`${l}\n`))
  const err = io.err ?? ((l: string) => void process.stderr.write(`${l}\n`))
  if (argv.includes('--help') || argv.includes('-h')) {
    out(REGIME_HELP)
    return 0
  }
  const args = parseRegimeArgs(argv)
  if (typeof args === 'string') {
    err(`tickstock regime: ${args}`)
    return 2
  }
  if (!existsSync(args.data) || !statSync(args.data).isDirectory()) {
    err(`tickstock regime: --data ${args.data} is not a directory`)
    return 2
  }
  const spyPath = join(args.data, 'SPY.csv')
  if (!existsSync(spyPath)) {
    err(`tickstock regime: missing ${spyPath}`)
    return 2
  }
  let loaded
  try {
    loaded = await loadDailyDir(args.data, MARKET_UNIVERSE)
  } catch (e) {
    err(`tickstock regime: ${(e as Error).message}`)
    return 1
  }
  for (const [file, rows] of loaded.badRows) for (const r of rows) err(`tickstock regime: ${file} line ${r.line}: ${r.reason} (skipped)`)
  const spyBars = loaded.bars.get('SPY')
  if (!spyBars || spyBars.length === 0) {
    err(`tickstock regime: ${spyPath} has no valid rows`)
    return 2
  }
  const state = computeDailyMarketState(loaded.bars)
  out('date,regime,confidence,risk_score')
  state.regime.days.forEach((d, t) => {
    if ((args.from && d.date < args.from) || (args.to && d.date > args.to)) return
    out(`${d.date},${d.regime},${fmt(d.confidence)},${fmt(state.risk.score[t] as number)}`)
  })
  return 0
}
