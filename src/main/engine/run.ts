/**
 * Entry point shared by both engine hosts: the headless host's worker thread
 * and Electron's utilityProcess call `runEngine` with their side of the port.
 *
 * `runEngine` owns shutdown: on `{t:'shutdown'}` it disposes the engine (once),
 * posts `{t:'stopped'}`, then calls `onStopped` so the entry can let go of its
 * port (worker thread) or exit (utility process). Entries do not handle
 * `shutdown` themselves.
 */
import { engineConfigSchema, type EngineConfigInput } from './config'
import { Engine } from './engine'
import { DemoFeed } from './ingest/demo-feed'
import { RedisFeed } from './ingest/redis-feed'
import type { EnginePort } from './port'

export interface RunningEngine {
  readonly engine: Engine
  /** Drain pending writes, close Redis and the database. Idempotent; does not post `stopped` or call `onStopped`. */
  dispose(): Promise<void>
}

export interface RunEngineOptions {
  /**
   * Called once after a `shutdown` message, when the engine is disposed and
   * `stopped` has been posted. `code` is 0 after a clean drain, 1 when
   * disposing failed (the failure was posted as an error log first).
   */
  onStopped?(code: number): void
}

const describeError = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e))

export async function runEngine(port: EnginePort, input: EngineConfigInput, options: RunEngineOptions = {}): Promise<RunningEngine> {
  const parsed = engineConfigSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const msg = `invalid engine configuration: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad input'}`
    port.post({ t: 'fatal', msg })
    throw new Error(msg)
  }
  const config = parsed.data
  const source = config.redis ? new RedisFeed(config.redis, [config.barChannel]) : new DemoFeed(config.demo)
  let engine: Engine
  try {
    engine = new Engine({ config, source, post: (m) => port.post(m) })
  } catch (e) {
    port.post({ t: 'fatal', msg: (e as Error).message })
    throw e
  }
  let disposing: Promise<void> | null = null
  const dispose = (): Promise<void> => (disposing ??= engine.dispose())
  const stop = async (): Promise<void> => {
    let code = 0
    try {
      await dispose()
    } catch (e) {
      port.post({ t: 'log', level: 'error', msg: `engine dispose failed: ${describeError(e)}` })
      code = 1
    }
    port.post({ t: 'stopped' })
    options.onStopped?.(code)
  }
  const off = port.onMessage((m) => {
    if (m.t === 'shutdown') {
      // Later messages (a second shutdown included) are not for a stopping engine.
      off()
      void stop()
      return
    }
    engine.onHostMessage(m)
  })
  engine.start()
  port.post({ t: 'ready', info: engine.info() })
  return { engine, dispose }
}
