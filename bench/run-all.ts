/**
 * Runs every benchmark, one after the other (never two at once on this
 * 2-core machine), and prints their JSON as one array. `npm run bench`.
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const BENCHES: { file: string; nodeArgs: string[] }[] = [
  { file: 'ingest.ts', nodeArgs: ['--expose-gc'] },
  { file: 'latency.ts', nodeArgs: [] },
  { file: 'rest.ts', nodeArgs: [] },
  // Reads the real ETF history from ../shared/data/etf-daily.
  { file: 'market.ts', nodeArgs: [] },
  { file: 'alerts.ts', nodeArgs: [] },
  // Runs latency.ts twice, without and with 10,000 alert rules.
  { file: 'alert-latency.ts', nodeArgs: [] },
  // Needs the built renderer (npm run build); drives Debian Chromium.
  { file: 'terminal.ts', nodeArgs: [] },
]

const results: unknown[] = []
let failed = false
for (const b of BENCHES) {
  process.stderr.write(`bench/${b.file} ...\n`)
  const r = spawnSync(process.execPath, [...b.nodeArgs, '--import', 'tsx', join(__dirname, b.file)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 1024 * 1024 })
  if (r.status !== 0) {
    failed = true
    results.push({ benchmark: b.file, error: `exited with ${r.status}` })
  } else results.push(JSON.parse(r.stdout) as unknown)
}
console.log(JSON.stringify(results, null, 2))
process.exitCode = failed ? 1 : 0
