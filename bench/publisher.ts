/**
 * Benchmark publisher, run as its own process: realistic TickStockPL pattern
 * messages from the simulator (no quirks) published on Redis.
 *   raw:       publisher.ts raw URL SEED COUNT 0 0 SYMBOLS        RESP written straight to a socket: faster than any subscriber
 *   pipeline:  publisher.ts pipeline URL SEED COUNT 0 0 SYMBOLS   ioredis, pipelined, flat out: a real client library at full speed
 *   paced:     publisher.ts paced URL SEED 0 RATE SECONDS SYMBOLS
 *   latency:   publisher.ts latency URL SEED 0 RATE SECONDS SYMBOLS
 *              streaming detections stamped with their publish time (ms), for
 *              publish -> client latency; (symbol, pattern) pairs rotate so no
 *              two in the same second are duplicates of each other
 * Paced messages carry their publish time as the detection time (2 ms ticks).
 */
import { connect } from 'node:net'
import Redis from 'ioredis'
import { TickStockSimulator } from '../src/main/engine/sim/simulator'
import { PATTERN_CHANNELS } from '../src/main/engine/ingest/channels'

const [mode, url, seedS, countS, rateS, secondsS, symbolsS] = process.argv.slice(2)
const seed = Number(seedS)
const count = Number(countS)
const rate = Number(rateS)
const seconds = Number(secondsS)
const symbols = Number(symbolsS)
const patternChannels = new Set<string>(PATTERN_CHANNELS)

function generate(): { channel: string; message: string }[] {
  const sim = new TickStockSimulator({ rate: 20_000, symbols, quirks: new Set(), seed }, Date.UTC(2026, 0, 5, 15))
  const msgs: { channel: string; message: string }[] = []
  let t = Date.UTC(2026, 0, 5, 15)
  while (msgs.length < count) {
    t += 10
    for (const m of sim.advance(t)) if (patternChannels.has(m.channel) && msgs.length < count) msgs.push(m)
  }
  return msgs
}

async function pipelined(redis: Redis, msgs: { channel: string; message: string }[]): Promise<number> {
  const BATCH = 1000
  const inFlight: Promise<unknown>[] = []
  for (let i = 0; i < msgs.length; i += BATCH) {
    const p = redis.pipeline()
    for (let j = i; j < Math.min(msgs.length, i + BATCH); j++) p.publish(msgs[j]!.channel, msgs[j]!.message)
    inFlight.push(p.exec())
    if (inFlight.length >= 16) await inFlight.shift()
  }
  await Promise.all(inFlight)
  return msgs.length
}

async function raw(msgs: { channel: string; message: string }[]): Promise<number> {
  // Raw RESP over one socket, written as fast as the kernel takes it: the
  // fastest publisher there is, so the consumer, not the publisher, is measured.
  const u = new URL(url!)
  const chunks: Buffer[] = []
  for (const m of msgs) {
    const c = Buffer.byteLength(m.channel)
    const b = Buffer.byteLength(m.message)
    chunks.push(Buffer.from(`*3\r\n$7\r\nPUBLISH\r\n$${c}\r\n${m.channel}\r\n$${b}\r\n${m.message}\r\n`))
  }
  const payload = Buffer.concat(chunks)
  const sock = connect(Number(u.port || 6379), u.hostname)
  await new Promise<void>((res, rej) => {
    sock.once('connect', () => res())
    sock.once('error', rej)
  })
  let replies = 0
  const done = new Promise<void>((res) => {
    sock.on('data', (d: Buffer) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 0x0a) replies++
      if (replies >= msgs.length) res()
    })
  })
  const CHUNK = 1 << 20
  for (let off = 0; off < payload.length; off += CHUNK) {
    if (!sock.write(payload.subarray(off, off + CHUNK))) await new Promise((r) => sock.once('drain', r))
  }
  await done
  sock.destroy()
  return msgs.length
}

async function paced(redis: Redis): Promise<number> {
  const start = Date.now()
  const sim = new TickStockSimulator({ rate, symbols, quirks: new Set(), seed }, start)
  let published = 0
  const end = start + seconds * 1000
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = Date.now()
      if (now >= end) return resolve()
      const p = redis.pipeline()
      for (const m of sim.advance(now)) {
        if (!patternChannels.has(m.channel)) continue
        p.publish(m.channel, m.message)
        published++
      }
      void p.exec()
      setTimeout(tick, 2)
    }
    tick()
  })
  return published
}

const LATENCY_PATTERNS = ['Doji', 'Hammer', 'HangingMan', 'ShootingStar', 'BullishEngulfing', 'BearishEngulfing', 'Harami', 'MorningStar', 'EveningStar', 'ThreeWhiteSoldiers', 'ThreeBlackCrows', 'PiercingLine', 'DarkCloudCover', 'DoubleBottom', 'MACrossover', 'HighOfDay', 'LowOfDay', 'TrendingUp', 'TrendingDown', 'MinuteTrend', 'MomentumSpike', 'Day1Breakout', 'SRBreakout', 'BullFlag', 'Triangle', 'VolumeSpike', 'IntradayGap', 'GapFill', 'VWAP_Break', 'SwingHighLow', 'PriceChange']

async function latency(redis: Redis): Promise<number> {
  const start = Date.now()
  const end = start + seconds * 1000
  let sent = 0
  let pair = seed
  const pairs = symbols * LATENCY_PATTERNS.length
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const now = Date.now()
      if (now >= end) return resolve()
      const due = Math.floor(((now - start) / 1000) * rate) - sent
      if (due > 0) {
        const p = redis.pipeline()
        for (let i = 0; i < due; i++) {
          const k = pair++ % pairs
          const sym = `S${k % symbols}`
          const pat = LATENCY_PATTERNS[Math.floor(k / symbols)]!
          const price = (50 + (k % 97)).toFixed(2)
          p.publish(
            'tickstock:patterns:streaming',
            `{"type":"streaming_pattern","detection":{"pattern":"${pat}","symbol":"${sym}","confidence":0.85,"timestamp":${Date.now() / 1000},"timeframe":"1min","bar_data":{"open":${price},"high":${price},"low":${price},"close":${price},"volume":12000},"metadata":{"session_id":"bench"}}}`,
          )
        }
        sent += due
        void p.exec()
      }
      setTimeout(tick, 1)
    }
    tick()
  })
  return sent
}

async function main(): Promise<void> {
  const redis = new Redis(url!, { maxRetriesPerRequest: null })
  // Messages are generated before the clock starts, so only publishing is timed.
  const msgs = mode === 'raw' || mode === 'pipeline' ? generate() : []
  const t0 = performance.now()
  const published = mode === 'raw' ? await raw(msgs) : mode === 'pipeline' ? await pipelined(redis, msgs) : mode === 'latency' ? await latency(redis) : await paced(redis)
  const ms = performance.now() - t0
  await redis.quit()
  console.log(JSON.stringify({ published, ms }))
}

void main()
