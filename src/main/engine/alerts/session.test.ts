import { describe, expect, it } from 'vitest'
import { toEt } from '../../../shared/exchange-time'
import { inDailyWindow, minutesOf, nyClock, nyDay, tradingSession } from './session'
import { ny, prng } from './testing'

describe('New York clock', () => {
  it('agrees with Intl at random times and around every DST change of 2024-2026', () => {
    const rnd = prng(7)
    const times: number[] = []
    for (let i = 0; i < 2000; i++) times.push(Date.UTC(2020, 0, 1) + Math.floor(rnd() * 10 * 365 * 86_400_000))
    for (const change of ['2024-03-10', '2024-11-03', '2025-03-09', '2025-11-02', '2026-03-08', '2026-11-01']) {
      const base = Date.parse(`${change}T00:00:00Z`)
      for (let m = 0; m < 12 * 60; m += 7) times.push(base + m * 60_000, base + m * 60_000 + 59_999)
    }
    for (const t of times) {
      const p = toEt(t)
      const c = nyClock(t)
      expect(c.minuteOfDay, new Date(t).toISOString()).toBe(p.hour * 60 + p.minute)
      expect(c.day).toBe(Math.floor(Date.UTC(p.year, p.month - 1, p.day) / 86_400_000))
      expect(c.weekday).toBe(new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay())
    }
  })

  it('the New York day turns at New York midnight, not UTC midnight', () => {
    expect(nyDay(ny('2025-03-12T23:59'))).toBe(nyDay(ny('2025-03-12T00:00')))
    expect(nyDay(ny('2025-03-13T00:00'))).toBe(nyDay(ny('2025-03-12T00:00')) + 1)
    // 02:00 UTC on the 13th is still the 12th in New York.
    expect(nyDay(Date.parse('2025-03-13T02:00:00Z'))).toBe(nyDay(ny('2025-03-12T12:00')))
  })

  it('sessions on a DST day (the session clock is New York\'s)', () => {
    expect(tradingSession(ny('2025-03-10T09:30'))).toBe('regular') // Monday after spring forward
    expect(tradingSession(ny('2025-11-03T09:29'))).toBe('pre') // Monday after fall back
    expect(tradingSession(ny('2025-11-03T16:00'))).toBe('after')
  })

  it('daily windows, wrapping past midnight', () => {
    const w = (m: string, from: string, to: string): boolean => inDailyWindow(minutesOf(m), minutesOf(from), minutesOf(to))
    expect(w('12:00', '09:00', '17:00')).toBe(true)
    expect(w('17:00', '09:00', '17:00')).toBe(false)
    expect(w('09:00', '09:00', '17:00')).toBe(true)
    expect(w('21:00', '20:00', '07:00')).toBe(true)
    expect(w('03:00', '20:00', '07:00')).toBe(true)
    expect(w('06:59', '20:00', '07:00')).toBe(true)
    expect(w('07:00', '20:00', '07:00')).toBe(false)
    expect(w('19:59', '20:00', '07:00')).toBe(false)
  })
})
