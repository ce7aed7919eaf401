/**
 * The live feed: starts the Redis reader thread and relays what it reads to
 * the engine. Queue depth comes from a counter the reader bumps in shared
 * memory, minus what the engine has processed.
 */
import type { Worker } from 'node:worker_threads'
import { epochMs } from '../../../shared/domain'
import type { RedisConfig } from '../config'
import type { FeedSink, FeedSource } from '../engine'
import { startWorker, stopWorker } from '../workers'
import { ALL_CHANNELS, HEARTBEAT_KEY } from './channels'
import type { EngineToReader, ReaderData, ReaderToEngine } from './redis-protocol'

export class RedisFeed implements FeedSource {
  private worker: Worker | null = null
  private readonly forwarded = new SharedArrayBuffer(8)
  private processed = 0
  private stopping = false

  constructor(
    private readonly redis: RedisConfig,
    private readonly extraChannels: readonly string[] = [],
    private readonly heartbeatIntervalMs = 2000,
  ) {}

  start(sink: FeedSink): void {
    const data: ReaderData = {
      url: this.redis.url,
      options: this.redis.options,
      forwarded: this.forwarded,
      heartbeatKey: HEARTBEAT_KEY,
      channels: [...new Set([...ALL_CHANNELS, ...this.extraChannels])],
      heartbeatIntervalMs: this.heartbeatIntervalMs,
    }
    const w = startWorker('redis-reader', data as unknown as Record<string, unknown>, { name: 'tickstock-redis-reader' })
    this.worker = w
    w.on('message', (m: ReaderToEngine) => {
      switch (m.t) {
        case 'msgs':
          this.processed += m.ch.length
          sink.messages(m.ch, m.msg)
          return
        case 'state':
          sink.redisState(m.state, epochMs(m.at), m.detail)
          return
        case 'heartbeat':
          sink.heartbeat(m.value)
          return
        case 'log':
          sink.log(m.level, m.msg)
          return
      }
    })
    w.on('error', (e) => sink.log('error', `redis reader thread failed: ${e.message}`))
    w.on('exit', (code) => {
      if (!this.stopping) sink.log('error', `redis reader thread exited with ${code}`)
    })
  }

  queueDepth(): number {
    return Math.max(0, Number(Atomics.load(new BigInt64Array(this.forwarded), 0)) - this.processed)
  }

  async stop(): Promise<void> {
    const w = this.worker
    if (!w) return
    this.stopping = true
    this.worker = null
    await stopWorker(w, { t: 'stop' } satisfies EngineToReader)
  }
}
