/**
 * Entry of the engine's Electron utilityProcess (out/main/engine-utility.js),
 * forked by the main process. The first message on process.parentPort is
 * `{t:'config', config}`; then the engine protocol (src/main/engine/port.ts).
 * No Electron import: process.parentPort is provided by the utility process.
 */
import { runEngine } from './engine/run'
import { serveEngineOverParentPort, type ParentPortLike } from './electron/engine-utility-host'

const parentPort = (process as unknown as { parentPort?: ParentPortLike | null }).parentPort
if (!parentPort) {
  console.error('engine-utility must run as an Electron utility process (process.parentPort is missing)')
  process.exit(2)
} else {
  // Give the last message (stopped, fatal) a moment to leave before exiting.
  // runEngine calls this (through onStopped) once it has disposed and posted 'stopped'.
  const exitSoon = (code: number): void => {
    setTimeout(() => process.exit(code), 25)
  }
  const fatal = (what: string) => (err: unknown) => {
    const msg = err instanceof Error ? (err.stack ?? err.message) : String(err)
    try {
      parentPort.postMessage({ t: 'fatal', msg: `${what}: ${msg}` })
    } finally {
      exitSoon(1)
    }
  }
  process.on('uncaughtException', fatal('uncaught exception in engine'))
  process.on('unhandledRejection', fatal('unhandled rejection in engine'))
  serveEngineOverParentPort({ parentPort, runEngine, exit: exitSoon })
}
