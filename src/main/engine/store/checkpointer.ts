/** Starts and stops the WAL checkpointer thread for a database file. */
import type { Worker } from 'node:worker_threads'
import { startWorker, stopWorker } from '../workers'
import type { CheckpointerData } from './checkpointer.worker'

export class Checkpointer {
  private worker: Worker | null

  constructor(data: CheckpointerData, log: (level: 'info' | 'warn' | 'error', msg: string) => void) {
    this.worker = startWorker('checkpointer', data as unknown as Record<string, unknown>, { name: 'tickstock-checkpointer' })
    this.worker.on('message', (m: { t: 'log'; level: 'warn'; msg: string }) => log(m.level, m.msg))
    this.worker.on('error', (e) => log('error', `checkpointer thread failed: ${e.message}`))
  }

  /** Stop it; the engine's own close then checkpoints what is left. */
  async stop(): Promise<void> {
    const w = this.worker
    if (!w) return
    this.worker = null
    await stopWorker(w, { t: 'stop' })
  }
}
