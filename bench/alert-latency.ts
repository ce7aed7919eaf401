/**
 * What alerting adds to the Redis -> screen path: bench/latency.ts run twice
 * (each in its own process), without alert rules and with 10,000 stored
 * rules (BENCH_RULES), at 1,000 and 10,000 events/s. Target: p99 grows by
 * less than 2 ms.
 * Run: node --import tsx bench/alert-latency.ts   (or npm run bench)
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { conditions } from './lib'

type Figure = { value: number | null; unit: string }
type Run = { figures: Record<string, { p50: Figure; p99: Figure; max: Figure; received: number; alertsPushed?: number }>; conditions: Record<string, unknown> }

function run(rules: number): Run {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'latency.ts')], {
    encoding: 'utf8',
    env: { ...process.env, BENCH_RULES: String(rules) },
    stdio: ['ignore', 'pipe', 'inherit'],
    maxBuffer: 16 * 1024 * 1024,
  })
  if (r.status !== 0) throw new Error(`latency.ts with ${rules} rules exited with ${r.status}`)
  return JSON.parse(r.stdout) as Run
}

const without = run(0)
const withRules = run(10_000)
const figures: Record<string, unknown> = {}
for (const key of Object.keys(without.figures)) {
  const a = without.figures[key]!
  const b = withRules.figures[key]!
  figures[key] = {
    p99WithoutRules: a.p99,
    p99With10kRules: b.p99,
    p99Added: { value: (b.p99.value ?? 0) - (a.p99.value ?? 0), unit: 'ms', target: '< 2' },
    p50Added: { value: (b.p50.value ?? 0) - (a.p50.value ?? 0), unit: 'ms' },
    alertsPushed: b.alertsPushed ?? 0,
    received: { without: a.received, with: b.received },
  }
}
console.log(JSON.stringify({ benchmark: 'alert-latency', figures, conditions: conditions({ runs: 'latency.ts without rules, then with BENCH_RULES=10000, separate processes', withRules: withRules.conditions }) }, null, 2))
