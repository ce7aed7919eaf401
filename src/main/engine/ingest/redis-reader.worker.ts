/**
 * The Redis reader thread. It does nothing but read: subscribe to every
 * TickStockPL channel, hand messages to the engine thread in batches, and
 * report connection state and the producer heartbeat. It never waits on
 * SQLite or on clients, so Redis never sees this subscriber fall behind
 * (its pub/sub output-buffer limit would disconnect us and lose messages).
 */
import { parentPort, workerData } from 'node:worker_threads'
import Redis, { type RedisOptions } from 'ioredis'
import type { EngineToReader, ReaderData, ReaderToEngine } from './redis-protocol'

const data = workerData as ReaderData
const port = parentPort!
const forwarded = new BigInt64Array(data.forwarded)
const post = (m: ReaderToEngine): void => port.postMessage(m)

/** Reconnect with capped exponential backoff and jitter. */
const retryStrategy = (times: number): number => Math.min(5000, 100 * 2 ** Math.min(times, 6)) + Math.floor(Math.random() * 100)

const base: RedisOptions = {
  ...(data.options as RedisOptions),
  retryStrategy,
  maxRetriesPerRequest: null,
  enableReadyCheck: true,
  autoResubscribe: true,
}

const sub = new Redis(data.url, { ...base, connectionName: 'tickstock-terminal:sub' })
const cmd = new Redis(data.url, { ...base, connectionName: 'tickstock-terminal:cmd', enableOfflineQueue: false })

let ch: string[] = []
let msg: string[] = []
let scheduled = false
const flush = (): void => {
  scheduled = false
  if (ch.length === 0) return
  const n = ch.length
  post({ t: 'msgs', ch, msg })
  Atomics.add(forwarded, 0, BigInt(n))
  ch = []
  msg = []
}

sub.on('message', (channel: string, message: string) => {
  ch.push(channel)
  msg.push(message)
  if (!scheduled) {
    scheduled = true
    setImmediate(flush)
  }
})

let lastState = ''
const state = (s: Exclude<ReaderToEngine & { t: 'state' }, never>['state'], detail: string | null = null): void => {
  // Every reconnect attempt is reported (health counts them); other states once.
  if (s === lastState && s !== 'reconnecting') return
  lastState = s
  post({ t: 'state', state: s, at: Date.now(), detail })
}
let lastError: string | null = null
sub.on('connect', () => state('connecting'))
sub.on('ready', () => state('ready'))
sub.on('reconnecting', () => state('reconnecting', lastError))
sub.on('close', () => {
  if (lastState === 'ready') state('reconnecting', lastError ?? 'connection closed')
})
sub.on('end', () => state('closed', lastError))
sub.on('error', (e: Error) => {
  // ioredis keeps retrying; remember why for the health view, never log secrets.
  lastError = e.message.replace(/\/\/[^@/]*@/g, '//***@').slice(0, 200)
})
cmd.on('error', () => {
  /* the heartbeat poll reports through its own result */
})

let polling = false
async function pollHeartbeat(): Promise<void> {
  // Only when connected, one at a time: queued polls would pile up in the
  // offline queue during an outage and all fire on reconnect.
  if (polling || cmd.status !== 'ready') return
  polling = true
  try {
    const v = await cmd.get(data.heartbeatKey)
    const n = v === null ? null : Number(v)
    post({ t: 'heartbeat', value: n !== null && Number.isFinite(n) ? n : null, at: Date.now() })
  } catch {
    /* disconnected: the state events already say so */
  } finally {
    polling = false
  }
}

const heartbeatTimer = setInterval(() => void pollHeartbeat(), data.heartbeatIntervalMs)

function start(): void {
  state('connecting')
  // Queued until the first connection succeeds (however long that takes);
  // ioredis then renews the subscription after every reconnect.
  sub.subscribe(...data.channels).then(
    () => void pollHeartbeat(),
    (e: Error) => post({ t: 'log', level: 'error', msg: `redis subscribe failed: ${e.message}` }),
  )
}

port.on('message', (m: EngineToReader) => {
  if (m.t === 'stop') {
    clearInterval(heartbeatTimer)
    flush()
    Promise.allSettled([sub.quit(), cmd.quit()]).finally(() => {
      sub.disconnect()
      cmd.disconnect()
      port.close()
    })
  }
})

start()
