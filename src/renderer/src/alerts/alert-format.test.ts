import { describe, expect, it } from 'vitest'
import { alertHeadline, alertSummary, alertTime, channelTooltip, parseEtLocal, toEtLocal, tomorrowOpenEt } from './alert-format'
import { channel, makeAlert, NOW } from './alerts-fixtures'

describe('alert wording and New York times', () => {
  it('tomorrow 09:30 ET is right across both daylight-saving switches', () => {
    expect(tomorrowOpenEt(Date.UTC(2024, 2, 9, 20, 0))).toBe(Date.UTC(2024, 2, 10, 13, 30)) // into EDT
    expect(tomorrowOpenEt(Date.UTC(2024, 10, 2, 20, 0))).toBe(Date.UTC(2024, 10, 3, 14, 30)) // into EST
    expect(tomorrowOpenEt(Date.UTC(2024, 2, 16, 3, 0))).toBe(Date.UTC(2024, 2, 16, 13, 30)) // 23:00 ET on the 15th
  })

  it('reads and writes datetime-local values as New York time', () => {
    expect(parseEtLocal('2024-01-05T09:30')).toBe(Date.UTC(2024, 0, 5, 14, 30))
    expect(parseEtLocal('2024-01-05 9:30')).toBeNull()
    expect(toEtLocal(Date.UTC(2024, 0, 5, 14, 30))).toBe('2024-01-05T09:30')
  })

  it('times today alone, other days with the date', () => {
    expect(alertTime(NOW, NOW)).toBe('10:31:05')
    expect(alertTime(NOW - 86_400_000, NOW)).toBe('Mar 14 10:31:05')
  })

  it('words channel states and suppressions', () => {
    const a = makeAlert(1)
    expect(channelTooltip(channel('sound', 'sent'), a)).toBe('Sound (chime): sent')
    expect(channelTooltip(channel('desktop', 'suppressed'), { suppressedBy: 'rate_limit' })).toBe('Desktop notification: suppressed by the hourly limit')
    expect(channelTooltip(channel('webhook', 'failed', { target: 'slack', reason: 'HTTP 404' }), a)).toBe('Webhook (slack): failed: HTTP 404')
    expect(alertHeadline(makeAlert(1, { test: true }))).toBe('[test] AAPL Bull Flag')
    expect(alertSummary(makeAlert(1, { price: null }))).toBe('Daily · 82% · rule Breakouts')
  })
})
