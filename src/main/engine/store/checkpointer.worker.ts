/**
 * The WAL checkpointer thread. The engine's own connection never checkpoints
 * (wal_autocheckpoint = 0): copying WAL pages into the database and syncing
 * it takes tens of milliseconds, which on the engine thread would stall
 * ingest and pushes. Here it runs on its own connection, PASSIVE (it never
 * waits on the writer), every few seconds, and TRUNCATE once at the end.
 */
import { parentPort, workerData } from 'node:worker_threads'
import BetterSqlite3 from 'better-sqlite3'

export interface CheckpointerData {
  file: string
  intervalMs: number
  nativeBinding?: string
}

const data = workerData as CheckpointerData
const port = parentPort!
const db = new BetterSqlite3(data.file, data.nativeBinding ? { nativeBinding: data.nativeBinding } : {})
db.pragma('busy_timeout = 1000')

const checkpoint = (mode: 'PASSIVE' | 'TRUNCATE'): void => {
  try {
    db.pragma(`wal_checkpoint(${mode})`)
  } catch (e) {
    port.postMessage({ t: 'log', level: 'warn', msg: `checkpoint failed: ${(e as Error).message}` })
  }
}

const timer = setInterval(() => checkpoint('PASSIVE'), data.intervalMs)

port.on('message', (m: { t: 'stop' }) => {
  if (m.t !== 'stop') return
  clearInterval(timer)
  // Leave a small file behind: the WAL of a burst is reset to zero length.
  checkpoint('TRUNCATE')
  db.close()
  port.close()
})
