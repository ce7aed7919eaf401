/**
 * The headless host's engine thread: runEngine over worker_threads' parentPort.
 * Shutdown belongs to runEngine; once it has posted `stopped`, the port is
 * closed here so the thread can end.
 */
import { parentPort, workerData } from 'node:worker_threads'
import type { EngineConfigInput } from '../engine/config'
import type { EnginePort, EngineToHost, HostToEngine } from '../engine/port'
import { runEngine } from '../engine/run'

const parent = parentPort!
const port: EnginePort = {
  post: (m: EngineToHost) => parent.postMessage(m),
  onMessage(listener) {
    const h = (m: HostToEngine): void => listener(m)
    parent.on('message', h)
    return () => parent.off('message', h)
  },
}

runEngine(port, (workerData as { config: EngineConfigInput }).config, { onStopped: () => parent.close() }).catch(() => {
  // runEngine already posted a fatal message naming the problem.
  parent.close()
})
