/**
 * The built-in demo feed: the TickStockPL simulator running in-process, its
 * wire messages fed through the same normalizer as Redis messages. No Redis.
 */
import type { EngineConfig } from '../config'
import type { FeedSink, FeedSource } from '../engine'
import { TickStockSimulator, parseQuirks } from '../sim/simulator'

const TICK_MS = 100

export class DemoFeed implements FeedSource {
  private timer: ReturnType<typeof setInterval> | null = null
  private sim: TickStockSimulator | null = null

  constructor(
    private readonly opts: EngineConfig['demo'],
    private readonly now: () => number = Date.now,
  ) {}

  start(sink: FeedSink): void {
    const t0 = this.now()
    const sim = new TickStockSimulator(
      { rate: this.opts.rate, symbols: this.opts.symbols, seed: this.opts.seed, quirks: parseQuirks('all'), ...(sink.referencePrice ? { referencePrice: (s: string) => sink.referencePrice!(s) } : {}) },
      t0,
    )
    this.sim = sim
    const deliver = (msgs: { channel: string; message: string }[]): void => {
      if (msgs.length === 0) return
      sink.messages(
        msgs.map((m) => m.channel),
        msgs.map((m) => m.message),
      )
    }
    deliver(sim.start(t0))
    sink.heartbeat(Number(sim.heartbeat(t0)))
    sink.log('info', `demo feed: simulated TickStockPL at ${this.opts.rate} patterns/s over ${this.opts.symbols} symbols (no Redis)`)
    this.timer = setInterval(() => {
      const now = this.now()
      deliver(sim.advance(now))
      sink.heartbeat(Number(sim.heartbeat(now)))
    }, TICK_MS)
    this.timer.unref?.()
  }

  queueDepth(): number {
    return 0
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.sim = null
  }
}
