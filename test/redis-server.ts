/**
 * Starts a real redis-server on a free loopback port for tests and benchmarks.
 * Fails with a clear message when redis-server is not installed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'

export interface RedisHandle {
  port: number
  url: string
  /** Stop the server (SIGTERM) and wait for it to exit. */
  stop(): Promise<void>
  /** Start it again on the same port. */
  start(): Promise<void>
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

export function assertRedisInstalled(): void {
  const r = spawnSync('redis-server', ['--version'], { encoding: 'utf8' })
  if (r.error || r.status !== 0) {
    throw new Error(
      'redis-server is not installed: the integration tests need a real Redis. Install it with `apt-get install -y redis-server` (or set REDIS_URL to a running server).',
    )
  }
}

export async function startRedis(port?: number): Promise<RedisHandle> {
  assertRedisInstalled()
  const p = port ?? (await freePort())
  let child: ChildProcess | null = null
  const start = async (): Promise<void> => {
    const proc = spawn('redis-server', ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    child = proc
    await new Promise<void>((resolve, reject) => {
      let out = ''
      const timer = setTimeout(() => reject(new Error(`redis-server on port ${p} did not start within 10 s:\n${out}`)), 10_000)
      proc.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        if (out.includes('Ready to accept connections')) {
          clearTimeout(timer)
          resolve()
        }
      })
      proc.on('exit', (code) => {
        clearTimeout(timer)
        reject(new Error(`redis-server exited with ${code} before it was ready:\n${out}`))
      })
    })
    proc.stdout!.resume()
  }
  const stop = async (): Promise<void> => {
    const c = child
    child = null
    if (!c || c.exitCode !== null) return
    await new Promise<void>((resolve) => {
      c.once('exit', () => resolve())
      c.kill('SIGTERM')
    })
  }
  await start()
  return { port: p, url: `redis://127.0.0.1:${p}`, stop, start }
}
