/**
 * Child processes for end-to-end tests: spawned in their own process group
 * (so `npx tsx ...` and whatever it starts are stopped together), output kept
 * for the report, and readiness awaited on a printed line, never a sleep.
 */
import { spawn, type ChildProcess } from 'node:child_process'

export interface ManagedProcess {
  readonly name: string
  readonly child: ChildProcess
  /** Everything written to stdout and stderr so far. */
  output(): string
  /** Resolve with the first match of `pattern` in the output; reject if the process exits or time runs out. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>
  /** SIGTERM the process group, then SIGKILL it if it has not gone within `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

const MAX_LOG = 200_000

export function startProcess(name: string, command: string, args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): ManagedProcess {
  const child = spawn(command, args, {
    cwd: opts.cwd,
    env: { ...process.env, FORCE_COLOR: '0', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  })
  let log = ''
  const waiters = new Set<() => void>()
  const append = (chunk: Buffer) => {
    log += chunk.toString()
    if (log.length > MAX_LOG) log = log.slice(-MAX_LOG)
    for (const w of waiters) w()
  }
  child.stdout!.on('data', append)
  child.stderr!.on('data', append)
  let exited = child.exitCode !== null
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true
      log += `\n[${name} exited: ${signal ?? code}]\n`
      for (const w of waiters) w()
      resolve()
    })
    child.once('error', (err) => {
      exited = true
      log += `\n[${name} failed to start: ${err.message}]\n`
      for (const w of waiters) w()
      resolve()
    })
  })

  const groupAlive = (): boolean => {
    if (child.pid === undefined) return false
    try {
      process.kill(-child.pid, 0)
      return true
    } catch {
      return false
    }
  }
  const signalGroup = (sig: NodeJS.Signals) => {
    if (child.pid === undefined) return
    try {
      process.kill(-child.pid, sig)
    } catch {
      // already gone
    }
  }

  return {
    name,
    child,
    output: () => log,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = log.match(pattern)
          if (m) {
            done()
            resolve(m)
          } else if (exited) {
            done()
            reject(new Error(`${name} exited before printing ${pattern}:\n${log.slice(-4000)}`))
          }
        }
        const timer = setTimeout(() => {
          done()
          reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${log.slice(-4000)}`))
        }, timeoutMs)
        const done = () => {
          clearTimeout(timer)
          waiters.delete(check)
        }
        waiters.add(check)
        check()
      })
    },
    async stop(graceMs = 5000) {
      if (!groupAlive()) return
      signalGroup('SIGTERM')
      const deadline = Date.now() + graceMs
      await exitedPromise.then(() => undefined, () => undefined)
      // The direct child may exit before the rest of its group (npx -> tsx -> node).
      while (groupAlive() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      if (groupAlive()) signalGroup('SIGKILL')
    },
  }
}
