/**
 * Starting a worker thread from source (dev, tests: through the tsx shim) or
 * from the bundle (electron-vite output: a sibling .js entry). One factory so
 * the rest of the code never cares which.
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Worker, type WorkerOptions } from 'node:worker_threads'

declare const __TICKSTOCK_BUILT__: boolean | undefined

/** Worker entries: source path (relative to src/main) and bundle name (in out/main). */
const ENTRIES = {
  'redis-reader': { src: 'engine/ingest/redis-reader.worker.ts', built: 'redis-reader.js' },
  'engine-worker': { src: 'headless/engine-worker.ts', built: 'engine-worker.js' },
  checkpointer: { src: 'engine/store/checkpointer.worker.ts', built: 'checkpointer.js' },
} as const
export type WorkerName = keyof typeof ENTRIES

const isBuilt = typeof __TICKSTOCK_BUILT__ !== 'undefined' && __TICKSTOCK_BUILT__

export function startWorker(name: WorkerName, workerData: Record<string, unknown>, options: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  const entry = ENTRIES[name]
  if (isBuilt) return new Worker(join(__dirname, entry.built), { ...options, workerData })
  // __dirname is src/main/engine in source form.
  const srcMain = resolve(__dirname, '..')
  const tsEntry = join(srcMain, entry.src)
  if (!existsSync(tsEntry)) throw new Error(`worker entry ${tsEntry} is missing`)
  const shim = join(__dirname, 'ts-worker-shim.mjs')
  return new Worker(shim, { ...options, workerData: { ...workerData, __entry: pathToFileURL(tsEntry).href } })
}

/** Ask a worker to stop (it closes its own resources and exits); terminate it if it has not within `timeoutMs`. */
export function stopWorker(w: Worker, stopMessage: unknown, timeoutMs = 3000): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(() => void w.terminate().then(() => resolve()), timeoutMs)
    w.once('exit', () => {
      clearTimeout(timer)
      resolve()
    })
    w.postMessage(stopMessage)
  })
}
