import { describe, expect, it } from 'vitest'
import type { PatternEvent } from '../../../shared/domain'
import { previewRule } from './preview'
import { and, ev, ny, rule } from './testing'

const ctx = { watchlists: new Map<string, ReadonlySet<string>>() }
const MIN = 60_000
const DAY = 86_400_000

/** AAPL Hammer every 10 minutes from 10:00 New York for `n` events, every third one on MSFT, every fifth a Doji. */
function stream(n: number, start = ny('2025-03-12T10:00')): PatternEvent[] {
  return Array.from({ length: n }, (_, i) => {
    const at = start + i * 10 * MIN
    return ev({ id: i + 1, symbol: i % 3 === 2 ? 'MSFT' : 'AAPL', pattern: i % 5 === 4 ? 'Doji' : 'Hammer', detectedAt: at - 1000, receivedAt: at })
  })
}

describe('previewRule', () => {
  const hammers = and({ kind: 'pattern', names: ['Hammer'] })

  it('counts scanned, matched, delivered and suppressed by reason, on the events\' arrival times', () => {
    const events = stream(12) // 10:00 .. 11:50; Doji at indices 4 and 9; MSFT at 2, 5, 8, 11
    const p = previewRule(rule(hammers, { noise: { cooldownMinutes: 25 } }), events, ctx)
    expect(p.scanned).toBe(12)
    expect(p.matched).toBe(10)
    // AAPL Hammer at minutes 0, 10, 30, 60, 70, 100: 10 and 70 within 25 minutes of a delivered one.
    // MSFT Hammer at minutes 20, 50, 80, 110: 30 minutes apart, all delivered.
    expect(p.delivered).toBe(8)
    expect(p.suppressed).toEqual({ cooldown: 2 })
    expect(p.matched).toBe(p.delivered + Object.values(p.suppressed).reduce((a, b) => a + b, 0))
  })

  it('rate limit and first per day as the live gate would apply them', () => {
    const events = stream(12)
    expect(previewRule(rule(hammers, { noise: { maxPerHour: 3 } }), events, ctx)).toMatchObject({ matched: 10, delivered: 6, suppressed: { rate_limit: 4 } })
    expect(previewRule(rule(hammers, { noise: { firstPerSymbolPerDay: true } }), events, ctx)).toMatchObject({ delivered: 2, suppressed: { first_per_day: 8 } })
    expect(previewRule(rule(hammers, { noise: { quietHours: { from: '11:00', to: '12:00' } } }), events, ctx)).toMatchObject({ delivered: 5, suppressed: { quiet_hours: 5 } })
  })

  it('leaves snooze and expiry out (they are about the future, not last week)', () => {
    const events = stream(6)
    const p = previewRule(rule(hammers, { noise: { snoozeUntil: ny('2025-03-20T00:00'), expiresAt: ny('2025-03-12T10:01') } }), events, ctx)
    expect(p).toMatchObject({ matched: 5, delivered: 5, suppressed: {} })
  })

  it('examples: the 5 newest matches, newest first, with what matched and what held them back', () => {
    const events = stream(12)
    const p = previewRule(rule(hammers, { noise: { cooldownMinutes: 25 } }), events, ctx)
    expect(p.examples.map((e) => e.eventId)).toEqual([12, 11, 9, 8, 7]) // 10 is a Doji
    expect(p.examples[0]).toMatchObject({ symbol: 'MSFT', pattern: 'Hammer', tier: 'intraday', matched: ['pattern Hammer'], suppressedBy: null })
    expect(p.examples.find((e) => e.eventId === 8)!.suppressedBy).toBe('cooldown')
  })

  it('per day over the days asked for, else the events\' own span (at least a day)', () => {
    const events = stream(30, ny('2025-03-10T10:00')).map((e, i) => ({ ...e, receivedAt: ny('2025-03-10T10:00') + i * 0.1 * DAY }) as PatternEvent)
    const all = rule(and())
    expect(previewRule(all, events, ctx, { days: 7 })).toMatchObject({ days: 7, delivered: 30, perDay: 4.3 })
    expect(previewRule(all, events, ctx)).toMatchObject({ days: 3, perDay: 10 })
    expect(previewRule(all, [], ctx)).toMatchObject({ days: 1, scanned: 0, matched: 0, delivered: 0, perDay: 0, examples: [] })
  })

  it('a fresh gate each time: the same answer twice', () => {
    const events = stream(12)
    const r = rule(hammers, { noise: { cooldownMinutes: 25, maxPerHour: 2 } })
    expect(previewRule(r, events, ctx)).toEqual(previewRule(r, events, ctx))
  })
})
