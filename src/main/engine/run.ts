/**
 * Entry point shared by both engine hosts: the headless host's worker thread
 * and Electron's utilityProcess call `runEngine` with their side of the port.
 */
import { engineConfigSchema, type EngineConfigInput } from './config'
import { Engine } from './engine'
import { DemoFeed } from './ingest/demo-feed'
import { RedisFeed } from './ingest/redis-feed'
import type { EnginePort } from './port'

export interface RunningEngine {
  readonly engine: Engine
  /** Drain pending writes, close Redis and the database. */
  dispose(): Promise<void>
}

export async function runEngine(port: EnginePort, input: EngineConfigInput): Promise<RunningEngine> {
  const parsed = engineConfigSchema.safeParse(input)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const msg = `invalid engine configuration: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'bad input'}`
    port.post({ t: 'fatal', msg })
    throw new Error(msg)
  }
  const config = parsed.data
  const source = config.redis ? new RedisFeed(config.redis) : new DemoFeed(config.demo)
  let engine: Engine
  try {
    engine = new Engine({ config, source, post: (m) => port.post(m) })
  } catch (e) {
    port.post({ t: 'fatal', msg: (e as Error).message })
    throw e
  }
  let disposing: Promise<void> | null = null
  const dispose = (): Promise<void> => (disposing ??= engine.dispose())
  const off = port.onMessage((m) => {
    if (m.t === 'shutdown') {
      off()
      void dispose().then(() => port.post({ t: 'stopped' }))
      return
    }
    engine.onHostMessage(m)
  })
  engine.start()
  port.post({ t: 'ready', info: engine.info() })
  return { engine, dispose }
}
