import { describe, expect, it } from 'vitest'
import { ruleId, type RuleNoise } from '../../../shared/alerts'
import { NoiseGate, type NoiseRule } from './noise'
import { and, ny, prng, rule } from './testing'

const MIN = 60_000
const HOUR = 3_600_000
const DAY = 86_400_000

const r = (noise: Partial<RuleNoise> = {}, over: { id?: string; enabled?: boolean } = {}): NoiseRule => rule(and(), { noise, ...over })
const AAPL_HAMMER = { symbol: 'AAPL', patternKey: 'hammer' }
const AAPL_DOJI = { symbol: 'AAPL', patternKey: 'doji' }
const MSFT_HAMMER = { symbol: 'MSFT', patternKey: 'hammer' }

/** A gate on a clock the test moves. */
function gateAt(start: number): { gate: NoiseGate; set: (t: number) => void; admit: (rule: NoiseRule, s: typeof AAPL_HAMMER) => string | null } {
  let now = start
  const gate = new NoiseGate({ now: () => now })
  return { gate, set: (t) => (now = t), admit: (rule, s) => gate.admit(rule, s) }
}

describe('NoiseGate: each control', () => {
  const T = ny('2025-03-12T12:00')

  it('delivers by default, and check alone changes nothing', () => {
    const { gate } = gateAt(T)
    const rule = r({ cooldownMinutes: 30, maxPerHour: 1, firstPerSymbolPerDay: true })
    for (let i = 0; i < 5; i++) expect(gate.check(rule, AAPL_HAMMER)).toBeNull()
    expect(gate.stats()).toEqual({ rules: 0, cooldownEntries: 0, dayEntries: 0, hourEntries: 0 })
  })

  it('disabled', () => {
    const { gate } = gateAt(T)
    expect(gate.check(r({}, { enabled: false }), AAPL_HAMMER)).toBe('disabled')
  })

  it('expired from expiresAt on (boundary included)', () => {
    const { gate } = gateAt(T)
    const rule = r({ expiresAt: T })
    expect(gate.check(rule, AAPL_HAMMER, T - 1)).toBeNull()
    expect(gate.check(rule, AAPL_HAMMER, T)).toBe('expired')
    expect(gate.check(rule, AAPL_HAMMER)).toBe('expired')
  })

  it('snoozed until snoozeUntil (delivered from that instant)', () => {
    const { gate } = gateAt(T)
    const rule = r({ snoozeUntil: T + HOUR })
    expect(gate.check(rule, AAPL_HAMMER, T)).toBe('snoozed')
    expect(gate.check(rule, AAPL_HAMMER, T + HOUR - 1)).toBe('snoozed')
    expect(gate.check(rule, AAPL_HAMMER, T + HOUR)).toBeNull()
  })

  it('quiet hours: a New York window wrapping past midnight, [from, to)', () => {
    const { gate } = gateAt(T)
    const rule = r({ quietHours: { from: '20:00', to: '07:00' } })
    expect(gate.check(rule, AAPL_HAMMER, ny('2025-03-12T19:59'))).toBeNull()
    expect(gate.check(rule, AAPL_HAMMER, ny('2025-03-12T20:00'))).toBe('quiet_hours')
    expect(gate.check(rule, AAPL_HAMMER, ny('2025-03-12T23:59'))).toBe('quiet_hours')
    expect(gate.check(rule, AAPL_HAMMER, ny('2025-03-13T00:00'))).toBe('quiet_hours')
    expect(gate.check(rule, AAPL_HAMMER, ny('2025-03-13T06:59'))).toBe('quiet_hours')
    expect(gate.check(rule, AAPL_HAMMER, ny('2025-03-13T07:00'))).toBeNull()
    const day = r({ quietHours: { from: '12:00', to: '13:30' } })
    expect(gate.check(day, AAPL_HAMMER, ny('2025-03-12T11:59'))).toBeNull()
    expect(gate.check(day, AAPL_HAMMER, ny('2025-03-12T13:29'))).toBe('quiet_hours')
    expect(gate.check(day, AAPL_HAMMER, ny('2025-03-12T13:30'))).toBeNull()
  })

  it('quiet hours on DST days follow the New York clock', () => {
    const { gate } = gateAt(T)
    const night = r({ quietHours: { from: '20:00', to: '07:00' } })
    // Spring forward (2025-03-09): 07:00 EDT is 11:00 UTC; the day before it was 12:00 UTC.
    expect(gate.check(night, AAPL_HAMMER, Date.parse('2025-03-09T10:59:00Z'))).toBe('quiet_hours')
    expect(gate.check(night, AAPL_HAMMER, Date.parse('2025-03-09T11:00:00Z'))).toBeNull()
    expect(gate.check(night, AAPL_HAMMER, Date.parse('2025-03-08T11:59:00Z'))).toBe('quiet_hours')
    expect(gate.check(night, AAPL_HAMMER, Date.parse('2025-03-08T12:00:00Z'))).toBeNull()
    // Fall back (2025-11-02): 07:00 EST is 12:00 UTC.
    expect(gate.check(night, AAPL_HAMMER, Date.parse('2025-11-02T11:59:00Z'))).toBe('quiet_hours')
    expect(gate.check(night, AAPL_HAMMER, Date.parse('2025-11-02T12:00:00Z'))).toBeNull()
    // A window over the repeated hour holds both 01:30s; over the skipped hour, both sides of it.
    const early = r({ quietHours: { from: '01:00', to: '02:00' } })
    expect(gate.check(early, AAPL_HAMMER, Date.parse('2025-11-02T05:30:00Z'))).toBe('quiet_hours') // 01:30 EDT
    expect(gate.check(early, AAPL_HAMMER, Date.parse('2025-11-02T06:30:00Z'))).toBe('quiet_hours') // 01:30 EST
    expect(gate.check(early, AAPL_HAMMER, Date.parse('2025-11-02T07:00:00Z'))).toBeNull() // 02:00 EST
    const skipped = r({ quietHours: { from: '01:30', to: '03:15' } })
    expect(gate.check(skipped, AAPL_HAMMER, Date.parse('2025-03-09T06:59:00Z'))).toBe('quiet_hours') // 01:59 EST
    expect(gate.check(skipped, AAPL_HAMMER, Date.parse('2025-03-09T07:00:00Z'))).toBe('quiet_hours') // 03:00 EDT
    expect(gate.check(skipped, AAPL_HAMMER, Date.parse('2025-03-09T07:15:00Z'))).toBeNull() // 03:15 EDT
  })

  it('first per symbol per day, resetting at New York midnight (not UTC)', () => {
    const { gate, set, admit } = gateAt(ny('2025-03-12T10:00'))
    const rule = r({ firstPerSymbolPerDay: true })
    expect(admit(rule, AAPL_HAMMER)).toBeNull()
    set(ny('2025-03-12T15:00'))
    expect(admit(rule, AAPL_DOJI)).toBe('first_per_day') // any pattern
    expect(admit(rule, MSFT_HAMMER)).toBeNull()
    set(ny('2025-03-12T21:00')) // 01:00 UTC on the 13th: still the 12th in New York
    expect(admit(rule, AAPL_HAMMER)).toBe('first_per_day')
    set(ny('2025-03-12T23:59'))
    expect(admit(rule, AAPL_HAMMER)).toBe('first_per_day')
    set(ny('2025-03-13T00:00'))
    expect(admit(rule, AAPL_HAMMER)).toBeNull()
    expect(gate.check(rule, MSFT_HAMMER)).toBeNull()
  })

  it('cooldown per symbol and pattern, not per symbol; measured from the last delivered alert', () => {
    const { set, admit } = gateAt(T)
    const rule = r({ cooldownMinutes: 30 })
    expect(admit(rule, AAPL_HAMMER)).toBeNull()
    set(T + MIN)
    expect(admit(rule, AAPL_DOJI)).toBeNull()
    expect(admit(rule, MSFT_HAMMER)).toBeNull()
    expect(admit(rule, { symbol: 'AAPL', patternKey: 'HammerPattern' })).toBe('cooldown') // same pattern, another spelling
    set(T + 29 * MIN)
    expect(admit(rule, AAPL_HAMMER)).toBe('cooldown')
    set(T + 30 * MIN - 1)
    expect(admit(rule, AAPL_HAMMER)).toBe('cooldown')
    set(T + 30 * MIN)
    expect(admit(rule, AAPL_HAMMER)).toBeNull() // the suppressed tries did not extend it
    set(T + 31 * MIN)
    expect(admit(rule, AAPL_DOJI)).toBeNull()
  })

  it('cooldown: catalogue aliases are one pattern (HOD is HighOfDay)', () => {
    const { admit } = gateAt(T)
    const rule = r({ cooldownMinutes: 10 })
    expect(admit(rule, { symbol: 'AAPL', patternKey: 'hod' })).toBeNull()
    expect(admit(rule, { symbol: 'AAPL', patternKey: 'highofday' })).toBe('cooldown')
  })

  it('rate limit over a rolling hour, not the clock hour', () => {
    const start = ny('2025-03-12T10:50')
    const { set, admit } = gateAt(start)
    const rule = r({ maxPerHour: 3 })
    const at = (m: number, s = MSFT_HAMMER): string | null => (set(start + m * MIN), admit(rule, s))
    expect(at(0)).toBeNull()
    expect(at(5, AAPL_HAMMER)).toBeNull()
    expect(at(8, AAPL_DOJI)).toBeNull()
    expect(at(15)).toBe('rate_limit') // 11:05, a new clock hour, still 3 in the last 60 minutes
    expect(at(59.999)).toBe('rate_limit')
    expect(at(60)).toBeNull() // 10:50 has left the window
    expect(at(64)).toBe('rate_limit')
    expect(at(65)).toBeNull()
  })

  it('controls are per rule', () => {
    const { admit } = gateAt(T)
    const a = r({ cooldownMinutes: 30 })
    const b = r({ cooldownMinutes: 30 })
    expect(admit(a, AAPL_HAMMER)).toBeNull()
    expect(admit(b, AAPL_HAMMER)).toBeNull()
    expect(admit(a, AAPL_HAMMER)).toBe('cooldown')
  })

  it('the first control that applies wins: expired, snoozed, quiet hours, first per day, cooldown, rate limit', () => {
    const { gate, set } = gateAt(ny('2025-03-12T10:00'))
    const full: RuleNoise = { cooldownMinutes: 60, maxPerHour: 1, snoozeUntil: null, quietHours: null, expiresAt: null, firstPerSymbolPerDay: true, digestMinutes: null }
    const base: NoiseRule = r(full, { id: 'order' })
    gate.record(base, AAPL_HAMMER)
    set(ny('2025-03-12T10:30'))
    const now = ny('2025-03-12T10:30')
    const q = { from: '10:00', to: '11:00' }
    const with_ = (n: Partial<RuleNoise>): NoiseRule => ({ id: ruleId('order'), noise: { ...full, ...n } })
    expect(gate.check({ ...with_({ expiresAt: now, snoozeUntil: now + 1, quietHours: q }), enabled: false }, AAPL_HAMMER)).toBe('disabled')
    expect(gate.check(with_({ expiresAt: now, snoozeUntil: now + 1, quietHours: q }), AAPL_HAMMER)).toBe('expired')
    expect(gate.check(with_({ snoozeUntil: now + 1, quietHours: q }), AAPL_HAMMER)).toBe('snoozed')
    expect(gate.check(with_({ quietHours: q }), AAPL_HAMMER)).toBe('quiet_hours')
    expect(gate.check(with_({}), AAPL_HAMMER)).toBe('first_per_day')
    expect(gate.check(with_({ firstPerSymbolPerDay: false }), AAPL_HAMMER)).toBe('cooldown')
    expect(gate.check(with_({ firstPerSymbolPerDay: false, cooldownMinutes: 0 }), AAPL_HAMMER)).toBe('rate_limit')
    expect(gate.check(with_({ firstPerSymbolPerDay: false, cooldownMinutes: 0, maxPerHour: 2 }), AAPL_HAMMER)).toBeNull()
  })
})

describe('NoiseGate: lifecycle', () => {
  const T = ny('2025-03-12T12:00')

  it('forgetRule drops what the gate remembers of a rule', () => {
    const { gate, admit } = gateAt(T)
    const a = r({ cooldownMinutes: 30 }, { id: 'a' })
    const b = r({ cooldownMinutes: 30 }, { id: 'b' })
    admit(a, AAPL_HAMMER)
    admit(b, AAPL_HAMMER)
    gate.forgetRule(a.id)
    expect(gate.check(a, AAPL_HAMMER)).toBeNull()
    expect(gate.check(b, AAPL_HAMMER)).toBe('cooldown')
  })

  it('restore: cooldowns, caps and first-per-day survive a restart (replayed in any order)', () => {
    const cool = r({ cooldownMinutes: 45 }, { id: 'cool' })
    const cap = r({ maxPerHour: 2 }, { id: 'cap' })
    const daily = r({ firstPerSymbolPerDay: true }, { id: 'daily' })
    const delivered = [
      { ruleId: 'cap', symbol: 'MSFT', patternKey: 'doji', at: T - 10 * MIN },
      { ruleId: 'cool', symbol: 'AAPL', patternKey: 'hammer', at: T - 20 * MIN },
      { ruleId: 'daily', symbol: 'NVDA', patternKey: 'doji', at: ny('2025-03-12T09:31') },
      { ruleId: 'cap', symbol: 'AAPL', patternKey: 'hammer', at: T - 50 * MIN },
    ]
    const { gate, set } = gateAt(T)
    gate.restore(delivered)
    expect(gate.check(cool, AAPL_HAMMER)).toBe('cooldown')
    expect(gate.check(cool, AAPL_DOJI)).toBeNull()
    expect(gate.check(cap, AAPL_DOJI)).toBe('rate_limit')
    expect(gate.check(daily, { symbol: 'NVDA', patternKey: 'hammer' })).toBe('first_per_day')
    set(T + 9 * MIN)
    expect(gate.check(cap, AAPL_DOJI)).toBe('rate_limit')
    set(T + 10 * MIN)
    expect(gate.check(cap, AAPL_DOJI)).toBeNull() // the one 50 minutes before T left the hour
    set(T + 25 * MIN)
    expect(gate.check(cool, AAPL_HAMMER)).toBeNull()
  })

  it('restore keeps cooldowns longer than a day when told the rules; replayWindowMs says how far back to replay', () => {
    const long = r({ cooldownMinutes: 3 * 24 * 60 }, { id: 'long' })
    expect(NoiseGate.replayWindowMs([r(), r({ cooldownMinutes: 30 })])).toBe(DAY)
    expect(NoiseGate.replayWindowMs([r(), long])).toBe(3 * DAY)
    const { gate, set } = gateAt(T)
    gate.restore([{ ruleId: 'long', symbol: 'AAPL', patternKey: 'hammer', at: T - 2 * DAY }], [long])
    set(T + HOUR)
    gate.admit(long, MSFT_HAMMER) // a record runs the sweep
    gate.prune()
    expect(gate.check(long, AAPL_HAMMER)).toBe('cooldown')
    set(T + DAY)
    expect(gate.check(long, AAPL_HAMMER)).toBeNull()
  })

  it('memory stays bounded: 1M alerts over 10 days and 300k symbols keep only what the windows need', () => {
    const start = ny('2025-03-03T00:00')
    let now = start
    const gate = new NoiseGate({ now: () => now })
    const plain = r({}, { id: 'plain' })
    const noisy = r({ cooldownMinutes: 120, firstPerSymbolPerDay: true, maxPerHour: 10_000 }, { id: 'noisy' })
    const patterns = ['hammer', 'doji', 'bullflag', 'vwapbreak', 'highofday']
    const rnd = prng(42)
    const N = 1_000_000
    const noisyPerDay = N / 10 / 2
    let max = { cooldownEntries: 0, dayEntries: 0, hourEntries: 0 }
    let delivered = 0
    for (let i = 0; i < N; i++) {
      now = start + Math.floor((i * DAY) / (N / 10))
      const subject = { symbol: `S${Math.floor(rnd() * 300_000)}`, patternKey: patterns[i % 5]! }
      if (gate.admit(i & 1 ? noisy : plain, subject) === null) delivered++
      if (i % 10_000 === 0) {
        const s = gate.stats()
        max = { cooldownEntries: Math.max(max.cooldownEntries, s.cooldownEntries), dayEntries: Math.max(max.dayEntries, s.dayEntries), hourEntries: Math.max(max.hourEntries, s.hourEntries) }
      }
    }
    expect(delivered).toBeGreaterThan(900_000)
    // A rule without controls keeps nothing; the other keeps its windows (plus up to an hour before a sweep) of ~50k alerts a day, never the 500k it got.
    expect(max.cooldownEntries).toBeLessThan((noisyPerDay * 3.2) / 24)
    expect(max.dayEntries).toBeLessThan((noisyPerDay * 25.5) / 24)
    expect(max.hourEntries).toBeLessThan((noisyPerDay * 2.1) / 24)
    gate.prune(now + 2 * DAY)
    expect(gate.stats()).toEqual({ rules: 0, cooldownEntries: 0, dayEntries: 0, hourEntries: 0 })
  }, 60_000)

  it('a control turned on by an edit counts from the edit, or from before it once the rule\'s alerts are replayed', () => {
    const { gate, set } = gateAt(T)
    const before = r({}, { id: 'edited' })
    gate.admit(before, AAPL_HAMMER)
    set(T + 10 * MIN)
    const after = r({ cooldownMinutes: 30 }, { id: 'edited' })
    expect(gate.check(after, AAPL_HAMMER)).toBeNull()
    gate.forgetRule(after.id)
    gate.restore([{ ruleId: 'edited', symbol: 'AAPL', patternKey: 'hammer', at: T }], [after])
    expect(gate.check(after, AAPL_HAMMER)).toBe('cooldown')
  })
})
