/** Shared helpers for benchmarks: each script prints one JSON object (figures, units, conditions). */
import { spawn } from 'node:child_process'
import { cpus, totalmem } from 'node:os'
import { join } from 'node:path'

export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))]!
}

export function conditions(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { node: process.version, cpus: cpus().length, cpuModel: cpus()[0]?.model, memGiB: Math.round(totalmem() / 2 ** 30), at: new Date().toISOString(), ...extra }
}

export const round = (n: number, d = 1): number => Math.round(n * 10 ** d) / 10 ** d

/** Run bench/publisher.ts in its own process (so it never shares an event loop with what is measured). */
export function publish(args: { mode: 'raw' | 'pipeline' | 'paced' | 'latency'; url: string; count?: number; rate?: number; seconds?: number; seed: number; symbols?: number }): Promise<{ published: number; ms: number }> {
  const argv = [join(__dirname, 'publisher.ts'), args.mode, args.url, String(args.seed), String(args.count ?? 0), String(args.rate ?? 0), String(args.seconds ?? 0), String(args.symbols ?? 500)]
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...argv], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d: Buffer) => (out += d.toString()))
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`publisher exited with ${code}`))
      else resolve(JSON.parse(out.trim().split('\n').at(-1)!) as { published: number; ms: number })
    })
  })
}

export async function waitFor(cond: () => boolean, ms: number, what: string, stepMs = 5): Promise<void> {
  const deadline = Date.now() + ms
  while (!cond()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, stepMs))
  }
}

/** Wait until `count()` reaches `target`, or stops moving for `stallMs` (a dropped subscriber). */
export async function drain(count: () => number, target: number, stallMs = 3000): Promise<{ complete: boolean; at: number }> {
  let last = count()
  let lastMove = performance.now()
  for (;;) {
    const n = count()
    const now = performance.now()
    if (n >= target) return { complete: true, at: now }
    if (n !== last) {
      last = n
      lastMove = now
    } else if (now - lastMove > stallMs) return { complete: false, at: lastMove }
    await new Promise((r) => setTimeout(r, 1))
  }
}
