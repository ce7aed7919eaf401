/**
 * The engine's side of Electron's utilityProcess channel. The host's first
 * message is `{t:'config', config}` (chosen over argv/env so that a Redis
 * password in the URL never shows up in `ps` or /proc/<pid>/environ, and the
 * config stays structured). Later messages are the engine protocol, passed to
 * `runEngine` as they are, `shutdown` included: runEngine owns shutdown
 * (dispose once, post 'stopped', then `onStopped`, which exits here). The one
 * exception is a shutdown before any config, when there is no engine to stop.
 * No Electron import: the parent port is passed in.
 */
import type { EngineConfigInput } from '../engine/config'
import type { EngineToHost, EnginePort, HostToEngine } from '../engine/port'
import type { RunEngineOptions } from '../engine/run'

/** The host's first message to a freshly forked engine process. */
export interface EngineBootMessage {
  t: 'config'
  config: EngineConfigInput
}

/** `process.parentPort` in an Electron utility process, narrowed to what we use. */
export interface ParentPortLike {
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown
  postMessage(message: unknown): void
}

export interface EngineUtilityDeps {
  parentPort: ParentPortLike
  runEngine(port: EnginePort, config: EngineConfigInput, options: RunEngineOptions): Promise<unknown>
  exit(code: number): void
}

const isBoot = (m: unknown): m is EngineBootMessage =>
  typeof m === 'object' && m !== null && (m as { t?: unknown }).t === 'config' && typeof (m as { config?: unknown }).config === 'object'

const isHostMessage = (m: unknown): m is HostToEngine =>
  typeof m === 'object' && m !== null && typeof (m as { t?: unknown }).t === 'string'

const describeError = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e))

/** Wire the parent port to `runEngine`. Returns a promise that settles when the engine has started (or failed to). */
export function serveEngineOverParentPort(deps: EngineUtilityDeps): { started: Promise<void> } {
  const { parentPort } = deps
  const post = (msg: EngineToHost): void => parentPort.postMessage(msg)
  const listeners = new Set<(msg: HostToEngine) => void>()
  // Messages that arrive after the config but before runEngine has subscribed.
  let early: HostToEngine[] | null = []
  let configured = false

  let resolveStarted!: () => void
  const started = new Promise<void>((r) => (resolveStarted = r))

  const port: EnginePort = {
    post,
    onMessage(listener) {
      listeners.add(listener)
      if (early) {
        const held = early
        early = null
        queueMicrotask(() => {
          for (const m of held) for (const l of [...listeners]) l(m)
        })
      }
      return () => listeners.delete(listener)
    },
  }

  parentPort.on('message', (e) => {
    const m = e.data
    if (!configured) {
      if (isHostMessage(m) && m.t === 'shutdown') {
        // No engine was started: nothing to dispose.
        post({ t: 'stopped' })
        deps.exit(0)
        return
      }
      if (!isBoot(m)) {
        post({ t: 'log', level: 'warn', msg: 'engine process: message before config ignored' })
        return
      }
      configured = true
      deps.runEngine(port, m.config, { onStopped: (code) => deps.exit(code) }).then(
        () => resolveStarted(),
        (err: unknown) => {
          post({ t: 'fatal', msg: `engine failed to start: ${describeError(err)}` })
          resolveStarted()
          deps.exit(1)
        },
      )
      return
    }
    if (!isHostMessage(m)) return
    if (early) early.push(m)
    else for (const l of [...listeners]) l(m)
  })

  return { started }
}
