/** Starts and stops the WAL checkpointer thread for a database file. */
import type { Worker } from 'node:worker_threads'
import { startWorker, stopWorker } from '../workers'
import type { CheckpointerData } from './checkpointer.worker'

export class Checkpointer {
  private worker: Worker | null

  /**
   * `onLost` runs if the thread dies: the engine then turns SQLite's own
   * checkpointing back on, so the WAL file can never grow without bound.
   */
  constructor(data: CheckpointerData, log: (level: 'info' | 'warn' | 'error', msg: string) => void, onLost: () => void) {
    const w = startWorker('checkpointer', data as unknown as Record<string, unknown>, { name: 'tickstock-checkpointer' })
    this.worker = w
    w.on('message', (m: { t: 'log'; level: 'warn'; msg: string }) => log(m.level, m.msg))
    w.on('error', (e) => log('error', `checkpointer thread failed: ${e.message}`))
    w.on('exit', (code) => {
      if (this.worker !== w) return // stopped on purpose
      this.worker = null
      log('error', `checkpointer thread exited (${code}); SQLite checkpoints on the engine thread from now on`)
      onLost()
    })
  }

  /** Stop it; the engine's own close then checkpoints what is left. */
  async stop(): Promise<void> {
    const w = this.worker
    if (!w) return
    this.worker = null
    await stopWorker(w, { t: 'stop' })
  }
}
