import { describe, expect, it } from 'vitest'
import { etOffsetMs, marketCloseAfter, toEt } from './exchange-time'

const utc = (iso: string): number => Date.parse(iso)
const iso = (ms: number): string => new Date(ms).toISOString()

describe('toEt', () => {
  it('reads the New York wall clock in winter (EST, UTC-5)', () => {
    expect(toEt(utc('2025-01-15T14:30:00Z'))).toEqual({ year: 2025, month: 1, day: 15, hour: 9, minute: 30, second: 0 })
  })

  it('reads the New York wall clock in summer (EDT, UTC-4)', () => {
    expect(toEt(utc('2025-07-15T13:30:00Z'))).toEqual({ year: 2025, month: 7, day: 15, hour: 9, minute: 30, second: 0 })
  })

  it('puts a late-evening New York time on the New York day, not the UTC one', () => {
    // 03:00 UTC on the 16th is 22:00 on the 15th in New York.
    expect(toEt(utc('2025-01-16T03:00:00Z'))).toMatchObject({ month: 1, day: 15, hour: 22 })
    // New Year in New York comes five hours after UTC's.
    expect(toEt(utc('2026-01-01T03:00:00Z'))).toMatchObject({ year: 2025, month: 12, day: 31, hour: 22 })
  })

  it('uses a 0-23 hour: midnight is hour 0, never 24', () => {
    expect(toEt(utc('2025-01-15T05:00:00Z'))).toMatchObject({ day: 15, hour: 0, minute: 0 })
  })

  it('jumps from 01:59:59 EST to 03:00 EDT on the spring-forward night', () => {
    expect(toEt(utc('2025-03-09T06:59:59Z'))).toMatchObject({ day: 9, hour: 1, minute: 59, second: 59 })
    expect(toEt(utc('2025-03-09T07:00:00Z'))).toMatchObject({ day: 9, hour: 3, minute: 0, second: 0 })
  })

  it('repeats 01:xx on the fall-back night', () => {
    expect(toEt(utc('2025-11-02T05:30:00Z'))).toMatchObject({ day: 2, hour: 1, minute: 30 }) // EDT
    expect(toEt(utc('2025-11-02T06:30:00Z'))).toMatchObject({ day: 2, hour: 1, minute: 30 }) // EST
  })
})

describe('etOffsetMs', () => {
  it('is -5 h in winter and -4 h in summer, switching at 02:00 local', () => {
    expect(etOffsetMs(utc('2025-01-15T12:00:00Z'))).toBe(-5 * 3600_000)
    expect(etOffsetMs(utc('2025-07-15T12:00:00Z'))).toBe(-4 * 3600_000)
    expect(etOffsetMs(utc('2025-03-09T06:59:59Z'))).toBe(-5 * 3600_000)
    expect(etOffsetMs(utc('2025-03-09T07:00:00Z'))).toBe(-4 * 3600_000)
    expect(etOffsetMs(utc('2025-11-02T05:59:59Z'))).toBe(-4 * 3600_000)
    expect(etOffsetMs(utc('2025-11-02T06:00:00Z'))).toBe(-5 * 3600_000)
  })

  it('ignores sub-second parts', () => {
    expect(etOffsetMs(utc('2025-01-15T12:00:00Z') + 999)).toBe(-5 * 3600_000)
  })
})

describe('marketCloseAfter', () => {
  it.each([
    ['winter, during the session', '2025-01-15T15:00:00Z', '2025-01-15T21:00:00.000Z'],
    ['winter, before the open', '2025-01-15T12:00:00Z', '2025-01-15T21:00:00.000Z'],
    ['summer, during the session', '2025-07-15T15:00:00Z', '2025-07-15T20:00:00.000Z'],
    ['one second before the winter close', '2025-01-15T20:59:59Z', '2025-01-15T21:00:00.000Z'],
    ['exactly at the close: the next day', '2025-01-15T21:00:00Z', '2025-01-16T21:00:00.000Z'],
    ['after the winter close: the next day', '2025-01-15T21:30:00Z', '2025-01-16T21:00:00.000Z'],
    ['after the summer close: the next day', '2025-07-15T20:00:01Z', '2025-07-16T20:00:00.000Z'],
    ['21:00 ET (already the next UTC day): next New York day', '2025-01-16T02:00:00Z', '2025-01-16T21:00:00.000Z'],
    ['after the close on a month end', '2025-01-31T22:00:00Z', '2025-02-01T21:00:00.000Z'],
    ['after the close on New Year\'s Eve', '2025-12-31T22:00:00Z', '2026-01-01T21:00:00.000Z'],
  ])('%s', (_what, at, close) => {
    expect(iso(marketCloseAfter(utc(at)))).toBe(close)
  })

  it.each([
    // Before 02:00 on the spring-forward day the offset is still EST, but the close is at 16:00 EDT.
    ['01:30 EST on the spring-forward day', '2025-03-09T06:30:00Z', '2025-03-09T20:00:00.000Z'],
    ['the evening before spring-forward', '2025-03-08T22:00:00Z', '2025-03-09T20:00:00.000Z'],
    ['the first EDT morning', '2025-03-09T14:00:00Z', '2025-03-09T20:00:00.000Z'],
    ['01:30 EDT on the fall-back day', '2025-11-02T05:30:00Z', '2025-11-02T21:00:00.000Z'],
    ['01:30 EST (second time round) on the fall-back day', '2025-11-02T06:30:00Z', '2025-11-02T21:00:00.000Z'],
    ['the evening before fall-back', '2025-11-01T21:00:00Z', '2025-11-02T21:00:00.000Z'],
  ])('across a DST change: %s', (_what, at, close) => {
    expect(iso(marketCloseAfter(utc(at)))).toBe(close)
  })

  it('always lands on 16:00:00 New York time, strictly later, within 24 h (hourly sweep over a year)', () => {
    const start = utc('2025-01-01T00:00:00Z')
    for (let t = start; t < start + 366 * 24 * 3600_000; t += 3600_000 + 17_000) {
      const close = marketCloseAfter(t)
      expect(toEt(close), iso(t)).toMatchObject({ hour: 16, minute: 0, second: 0 })
      expect(close).toBeGreaterThan(t)
      expect(close - t).toBeLessThanOrEqual(25 * 3600_000)
    }
  })
})
