import { describe, expect, it } from 'vitest'
import { epochMs, type NormalizedPattern } from '../../../shared/domain'
import { patternKey } from '../../../shared/patterns'
import { ALL_CHANNELS, CHANNELS, PIPELINE_CHANNELS } from '../ingest/channels'
import { normalize, type NormalizeResult } from '../ingest/normalize'
import { parseQuirks, QUIRKS, SIM_PATTERN_NAMES, TickStockSimulator, type Quirk, type WireMessage } from './simulator'
import { buildUniverse, ETFS } from './universe'

const START = Date.UTC(2025, 8, 16, 13, 30) // 09:30 ET
const MIN = 60_000

interface RunOpts {
  rate?: number
  symbols?: number
  quirks?: string
  seed?: number
  durationMs?: number
  stepMs?: number
}

function run(o: RunOpts = {}): { sim: TickStockSimulator; messages: WireMessage[]; started: WireMessage[] } {
  const sim = new TickStockSimulator({ rate: o.rate ?? 50, symbols: o.symbols ?? 500, quirks: parseQuirks(o.quirks ?? 'none'), seed: o.seed ?? 7 }, START)
  const started = sim.start(START)
  const messages = [...started]
  const end = START + (o.durationMs ?? MIN)
  const step = o.stepMs ?? 10
  for (let t = START + step; t <= end; t += step) messages.push(...sim.advance(t))
  return { sim, messages, started }
}

const NOW = epochMs(START + 3 * 3600_000)
const norm = (m: WireMessage): NormalizeResult => normalize(m.channel, m.message, NOW)

function patternEvents(messages: WireMessage[]): { m: WireMessage; e: NormalizedPattern }[] {
  const out: { m: WireMessage; e: NormalizedPattern }[] = []
  for (const m of messages) {
    const r = norm(m)
    if (r.kind === 'pattern') for (const e of r.events) out.push({ m, e })
  }
  return out
}

type Obj = Record<string, unknown>
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v)

/** Every pattern body in a raw message (the object carrying symbol + a name field). */
function rawBodies(v: unknown, out: Obj[] = []): Obj[] {
  if (Array.isArray(v)) for (const x of v) rawBodies(x, out)
  else if (isObj(v)) {
    if (typeof v.symbol === 'string' && (v.pattern ?? v.pattern_name ?? v.pattern_type) !== undefined) out.push(v)
    else for (const x of Object.values(v)) rawBodies(x, out)
  }
  return out
}

const CANONICAL_NAMES = new Set(SIM_PATTERN_NAMES.map((p) => p.name))
const ALIAS_NAMES = new Set(SIM_PATTERN_NAMES.flatMap((p) => p.aliases))

describe('parseQuirks', () => {
  it('accepts all, none and comma lists', () => {
    expect([...parseQuirks('all')]).toEqual([...QUIRKS])
    expect(parseQuirks('none').size).toBe(0)
    expect([...parseQuirks('aliases, junk')]).toEqual(['aliases', 'junk'])
  })
  it('names the unknown quirk', () => {
    expect(() => parseQuirks('aliases,bogus')).toThrow(/bogus/)
  })
})

describe('universe', () => {
  it('holds the ETFs, large caps and BRK.B, padded with unique generated tickers', () => {
    const u = buildUniverse(500, 3)
    expect(u.symbols).toHaveLength(500)
    for (const etf of ['SPY', 'QQQ', 'IWM', 'XLF', 'XLE', 'GLD', 'XLK', 'XLV', 'XLY', 'XLP', 'XLI', 'XLU', 'XLB', 'XLRE', 'XLC', 'TLT']) expect(u.symbols).toContain(etf)
    expect(ETFS).toHaveLength(16)
    expect(u.symbols).toContain('BRK.B')
    expect(u.symbols).toContain('NVDA')
    expect(new Set(u.symbols).size).toBe(500)
    for (const s of u.symbols) expect(s).toMatch(/^[A-Z]{1,5}(\.[A-Z])?$/)
    for (const p of u.prices) expect(p).toBeGreaterThan(1)
  })
})

describe('TickStockSimulator', () => {
  it('is deterministic: same seed, same bytes; different seed, different stream', () => {
    const a = run({ seed: 11, quirks: 'all', durationMs: 2 * MIN }).messages
    const b = run({ seed: 11, quirks: 'all', durationMs: 2 * MIN }).messages
    const c = run({ seed: 12, quirks: 'all', durationMs: 2 * MIN }).messages
    expect(a.length).toBeGreaterThan(1000)
    expect(b).toEqual(a)
    expect(c).not.toEqual(a)
  })

  it('output does not depend on how time is sliced into advance calls', () => {
    const fine = run({ seed: 5, quirks: 'all', durationMs: MIN, stepMs: 10 }).messages
    const coarse = run({ seed: 5, quirks: 'all', durationMs: MIN, stepMs: 1000 }).messages
    expect(coarse.map((m) => m.message).join('\n')).toBe(fine.map((m) => m.message).join('\n'))
  })

  it('with quirks none, every message is understood and none of the quirk variants appear', () => {
    const { messages, sim } = run({ quirks: 'none', durationMs: 10 * MIN })
    messages.push(...sim.stop(START + 10 * MIN))
    const channels = new Set<string>()
    // Collected rather than asserted one by one: ~50k messages.
    const problems: string[] = []
    const bad = (what: string, m: WireMessage): void => void (problems.length < 20 && problems.push(`${what}: ${m.channel} ${m.message}`))
    for (const m of messages) {
      channels.add(m.channel)
      const r = norm(m)
      if (r.kind === 'rejected') bad(`rejected ${r.reason}`, m)
      if (r.kind === 'pattern' && (r.rejected.length > 0 || r.events.length === 0)) bad('pattern rejects', m)
      const parsed = JSON.parse(m.message) as Obj
      if ('test' in parsed) bad('junk', m)
      if (m.channel === CHANNELS.patterns && isObj(parsed.data) && isObj(parsed.data.data)) bad('double nesting', m)
      if (m.channel === CHANNELS.patterns && parsed.timestamp !== undefined && typeof parsed.timestamp !== 'number') bad('outer timestamp', m)
      for (const body of rawBodies(parsed)) {
        if (!CANONICAL_NAMES.has(String(body.pattern ?? body.pattern_name ?? body.pattern_type))) bad('alias', m)
        if ((body.confidence as number) > 1) bad('percent', m)
        if (body.timestamp !== undefined && !(typeof body.timestamp === 'number' && body.timestamp < 1e12)) bad('timestamp', m)
      }
      if (m.channel === CHANNELS.streamingHealth && (parsed.health as Obj).active_symbols !== 500) bad('flap', m)
    }
    expect(problems).toEqual([])
    expect(sim.stats.junk).toBe(0)
    // Every channel the producer publishes on (backtests aside) shows up in 10 minutes.
    const expected = ALL_CHANNELS.filter((c) => c !== CHANNELS.backtestProgress && c !== CHANNELS.backtestResults)
    for (const c of expected) expect(channels, c).toContain(c)
    for (const c of PIPELINE_CHANNELS) expect(channels).toContain(c)
  })

  it('with quirks all, each quirk shows up; junk is rejected as test_message and everything else is accepted', () => {
    const { messages, started } = run({ quirks: 'all', durationMs: 5 * MIN })
    const seen = new Set<string>()
    let junk = 0
    for (const m of messages) {
      const r = norm(m)
      const parsed = JSON.parse(m.message) as Obj
      if ('test' in parsed) {
        junk++
        expect(r).toMatchObject({ kind: 'rejected', reason: 'test_message' })
        seen.add('junk')
        continue
      }
      expect(r.kind, `${m.channel} ${m.message}`).not.toBe('rejected')
      if (r.kind === 'pattern') expect(r.rejected, m.message).toEqual([])
      if (m.channel === CHANNELS.patterns && isObj(parsed.data) && isObj(parsed.data.data)) {
        seen.add('double_nesting')
        expect(typeof parsed.timestamp).toBe('string')
        expect(parsed.data.flow_id).toBeTypeOf('string')
        expect(parsed.data.tier ?? parsed.data.source).toBeTypeOf('string')
      }
      for (const body of rawBodies(parsed)) {
        const name = String(body.pattern ?? body.pattern_name ?? body.pattern_type)
        if (ALIAS_NAMES.has(name)) seen.add('aliases')
        if ((body.confidence as number) > 1) seen.add('percent_confidence')
        const ts = body.timestamp
        if (typeof ts === 'number') seen.add(ts > 1e12 ? 'ts_ms' : 'ts_s')
        else if (typeof ts === 'string') seen.add(ts.endsWith('Z') ? 'ts_iso_z' : ts.endsWith('+00:00') ? 'ts_offset' : 'ts_naive')
      }
      if (m.channel === CHANNELS.streamingHealth && (parsed.health as Obj).active_symbols === 0) seen.add('health_flaps')
    }
    expect(started).toEqual([])
    for (const k of ['junk', 'double_nesting', 'aliases', 'percent_confidence', 'ts_ms', 'ts_s', 'ts_iso_z', 'ts_offset', 'ts_naive', 'health_flaps']) expect(seen, k).toContain(k)
    expect(junk).toBeGreaterThan(0)
  })

  it('each quirk can be switched on alone', () => {
    const only = (q: Quirk): TickStockSimulator => run({ quirks: q, durationMs: 2 * MIN }).sim
    expect(only('junk').stats.junk).toBeGreaterThan(0)
    const aliases = run({ quirks: 'aliases', durationMs: 2 * MIN }).messages
    const names = aliases.flatMap((m) => rawBodies(JSON.parse(m.message))).map((b) => String(b.pattern ?? b.pattern_name ?? b.pattern_type))
    expect(names.some((n) => ALIAS_NAMES.has(n))).toBe(true)
    expect(aliases.some((m) => m.message.startsWith('{"test"'))).toBe(false)
    expect(aliases.some((m) => /"confidence":\d{2}[,}]/.test(m.message))).toBe(false)
    // health flaps alone: every other report is all zeros
    const health = run({ quirks: 'health_flaps', durationMs: MIN })
      .messages.filter((m) => m.channel === CHANNELS.streamingHealth)
      .map((m) => (JSON.parse(m.message) as { health: { active_symbols: number } }).health.active_symbols)
    expect(health).toEqual([500, 0, 500, 0, 500, 0])
  })

  it('aliases normalize to the same pattern key as the canonical name', () => {
    for (const p of SIM_PATTERN_NAMES) for (const a of p.aliases) expect(patternKey(a), a).toBe(patternKey(p.name))
  })

  it('has a realistic tier mix over 10 minutes: every tier present, intraday the largest', () => {
    const { sim, messages } = run({ durationMs: 10 * MIN })
    const { daily, intraday, combo } = sim.stats.byTier
    const total = daily + intraday + combo
    expect(total).toBe(sim.stats.detections)
    expect(intraday / total).toBeGreaterThan(0.65)
    expect(intraday / total).toBeLessThan(0.9)
    expect(daily / total).toBeGreaterThan(0.05)
    expect(combo / total).toBeGreaterThan(0.03)
    expect(intraday).toBeGreaterThan(daily)
    expect(daily).toBeGreaterThan(combo)
    // What the consumer sees agrees with the simulator's own count (duplicates aside).
    const seen = { daily: 0, intraday: 0, combo: 0 }
    for (const { m, e } of patternEvents(messages)) if (!(m.channel === CHANNELS.detectedPatterns && e.tier === 'intraday')) seen[e.tier]++
    expect(seen).toEqual(sim.stats.byTier)
    expect(sim.stats.batches).toBeGreaterThan(0)
  })

  it('tracks the rate: 50/s over 60 simulated seconds gives 3000 +- 10%', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const { sim } = run({ rate: 50, durationMs: MIN, seed })
      expect(sim.stats.detections, `seed ${seed}`).toBeGreaterThan(2700)
      expect(sim.stats.detections, `seed ${seed}`).toBeLessThan(3300)
    }
    const slow = run({ rate: 0.5, durationMs: 10 * MIN }).sim.stats.detections
    expect(slow).toBeGreaterThan(200)
    expect(slow).toBeLessThan(400)
  })

  it('is cheap at 10,000/s', () => {
    const sim = new TickStockSimulator({ rate: 10_000, symbols: 500, quirks: parseQuirks('all'), seed: 1 }, START)
    let n = 0
    const t0 = performance.now()
    for (let t = START + 10; t <= START + 5000; t += 10) n += sim.advance(t).length
    const ms = performance.now() - t0
    expect(sim.stats.detections).toBeGreaterThan(45_000)
    expect(sim.stats.detections).toBeLessThan(55_000)
    expect(n).toBe(sim.stats.messages)
    // 5 simulated seconds must take well under 5 real seconds (typically ~0.2 s).
    expect(ms).toBeLessThan(2500)
  })

  it('bursts: 40 patterns within 0.4 s now and then', () => {
    const { messages } = run({ rate: 50, durationMs: 2 * MIN })
    const times = patternEvents(messages.filter((m) => m.channel === CHANNELS.streamingPatterns))
      .map(({ e }) => e.detectedAt as number)
      .sort((a, b) => a - b)
    let maxIn400 = 0
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! > 550) j++
      maxIn400 = Math.max(maxIn400, i - j + 1)
    }
    expect(maxIn400).toBeGreaterThanOrEqual(40)
  })

  it('re-publishes every >= 0.8 streaming detection on the detected channel, same (symbol, pattern, timestamp)', () => {
    const { messages, sim } = run({ quirks: 'all', durationMs: 3 * MIN })
    const key = (e: NormalizedPattern): string => `${e.symbol}|${e.patternKey}|${e.detectedAt}`
    const streamingHigh = new Set<string>()
    const detectedIntraday: string[] = []
    const distinct = new Set<string>()
    let total = 0
    for (const { m, e } of patternEvents(messages)) {
      if (m.channel === CHANNELS.streamingPatterns && e.confidence >= 0.8) streamingHigh.add(key(e))
      if (m.channel === CHANNELS.detectedPatterns && e.tier === 'intraday') detectedIntraday.push(key(e))
      else {
        total++
        distinct.add(`${key(e)}|${e.tier}`)
      }
    }
    expect(streamingHigh.size).toBeGreaterThan(100)
    expect(new Set(detectedIntraday)).toEqual(streamingHigh)
    expect(detectedIntraday).toHaveLength(streamingHigh.size)
    expect(sim.stats.duplicates).toBe(streamingHigh.size)
    // No accidental duplicates: distinct detections never share the dedupe key.
    expect(distinct.size).toBe(total)
  })

  it('daily-batch envelopes on the detected channel are daily with levels', () => {
    const { messages } = run({ durationMs: 2 * MIN })
    const env = patternEvents(messages.filter((m) => m.channel === CHANNELS.detectedPatterns && m.message.startsWith('{"event"')))
    expect(env.length).toBeGreaterThan(10)
    for (const { e } of env) {
      expect(e.tier).toBe('daily')
      expect(e.levels.map((l) => l.type)).toEqual(['entry', 'stop', 'target', 'support', 'resistance'])
    }
  })

  it('keeps confidences in each pattern family’s typical range (combo 0.7-1.0)', () => {
    const ranges: Record<string, [number, number]> = {
      doji: [0.5, 0.9],
      hammer: [0.6, 0.9],
      headandshoulders: [0.8, 1],
      volumespike: [0.7, 1],
      weeklybreakout: [0.6, 1],
      day1breakout: [0.6, 1],
    }
    for (const { e } of patternEvents(run({ quirks: 'all', durationMs: 5 * MIN }).messages)) {
      expect(e.confidence).toBeGreaterThanOrEqual(0.5)
      expect(e.confidence).toBeLessThanOrEqual(1)
      if (e.tier === 'combo') expect(e.confidence).toBeGreaterThanOrEqual(0.7)
      const r = ranges[e.patternKey]
      if (r && e.tier !== 'combo') {
        expect(e.confidence, e.patternKey).toBeGreaterThanOrEqual(r[0])
        expect(e.confidence, e.patternKey).toBeLessThanOrEqual(r[1])
      }
    }
  })

  it('single messages are ~200-400 bytes', () => {
    const sizes = run({ durationMs: MIN })
      .messages.filter((m) => m.channel === CHANNELS.patterns || m.channel === CHANNELS.streamingPatterns || m.channel === CHANNELS.detectedPatterns)
      .filter((m) => !m.message.includes('"patterns":['))
      .map((m) => m.message.length)
      .sort((a, b) => a - b)
    expect(sizes[Math.floor(sizes.length * 0.05)]).toBeGreaterThanOrEqual(200)
    expect(sizes[Math.floor(sizes.length * 0.95)]).toBeLessThanOrEqual(430)
  })

  it('reports streaming health every 10 s of simulated time', () => {
    const { messages } = run({ durationMs: 2 * MIN })
    const at = messages
      .filter((m) => m.channel === CHANNELS.streamingHealth)
      .map((m) => {
        const r = norm(m)
        if (r.kind !== 'health' || r.scope !== 'streaming') throw new Error('not health')
        return r.at as number
      })
    expect(at).toHaveLength(12)
    at.forEach((t, i) => expect(t).toBe(START + (i + 1) * 10_000))
  })

  it('emits session start and a stop with totals; nothing after stop', () => {
    const { sim, started } = run({ durationMs: MIN })
    expect(started).toHaveLength(1)
    const s = norm(started[0]!)
    expect(s).toMatchObject({ kind: 'session', state: 'started', symbolCount: 500, startedAt: START })
    const stopped = sim.stop(START + MIN + 5)
    const last = stopped[stopped.length - 1]!
    expect(last.channel).toBe(CHANNELS.sessionStopped)
    expect(norm(last)).toMatchObject({ kind: 'session', state: 'stopped', totals: { patterns: sim.stats.detections, durationSeconds: 60, finalStatus: 'completed' } })
    expect(sim.advance(START + 2 * MIN)).toEqual([])
    expect(sim.stop(START + 2 * MIN)).toEqual([])
  })

  it('heartbeat is epoch seconds as a float string', () => {
    const sim = new TickStockSimulator({ rate: 1, symbols: 10, quirks: new Set(), seed: 1 }, START)
    expect(sim.heartbeat(START + 1234)).toBe(String((START + 1234) / 1000))
    expect(Number(sim.heartbeat(START))).toBe(START / 1000)
  })

  it('works with a tiny universe and rate 0', () => {
    const { sim, messages } = run({ rate: 0, symbols: 3, durationMs: MIN })
    expect(sim.stats.detections).toBe(0)
    expect(messages.some((m) => m.channel === CHANNELS.streamingHealth)).toBe(true)
    const small = run({ rate: 20, symbols: 3, durationMs: MIN })
    expect(small.sim.stats.detections).toBeGreaterThan(1000)
    const syms = new Set(patternEvents(small.messages).map(({ e }) => e.symbol))
    expect([...syms].sort()).toEqual(['IWM', 'QQQ', 'SPY'])
  })
})
