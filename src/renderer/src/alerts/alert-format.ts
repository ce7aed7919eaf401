/** How alerts read on screen: channel status, suppressions, times, snooze choices. Pure. */
import type { Alert, AlertChannelKind, ChannelStatus, Suppression, Urgency } from '../../../shared/alerts'
import type { Tier } from '../../../shared/domain'
import { etOffsetMs, toEt } from '../../../shared/exchange-time'
import { formatConfidence, formatNyTime, formatPrice } from '../panels/format'

export const CHANNEL_LABEL: Record<AlertChannelKind, string> = {
  desktop: 'Desktop notification',
  toast: 'Toast',
  sound: 'Sound',
  email: 'Email',
  webhook: 'Webhook',
}

/** One glyph per channel for the status icons. */
export const CHANNEL_GLYPH: Record<AlertChannelKind, string> = {
  desktop: '▣',
  toast: '▭',
  sound: '♪',
  email: '✉',
  webhook: '⇄',
}

export const SUPPRESSION_TEXT: Record<Suppression, string> = {
  disabled: 'the rule is disabled',
  expired: 'the rule has expired',
  snoozed: 'the rule is snoozed',
  quiet_hours: 'quiet hours',
  cooldown: 'the cooldown',
  rate_limit: 'the hourly limit',
  first_per_day: 'first alert per symbol per day',
  muted: 'the global mute',
}

export const TIER_TEXT: Record<Tier, string> = { daily: 'Daily', intraday: 'Intraday', combo: 'Combo' }
export const URGENCY_TEXT: Record<Urgency, string> = { low: 'Low', normal: 'Normal', critical: 'Critical' }

const isSuppression = (s: string | null): s is Suppression => s !== null && Object.hasOwn(SUPPRESSION_TEXT, s)

/** "Webhook slack-desk: failed: HTTP 500", "Sound (chime): sent", "Email: suppressed by quiet hours". */
export function channelTooltip(c: ChannelStatus, alert: Pick<Alert, 'suppressedBy'>): string {
  const name = c.target ? `${CHANNEL_LABEL[c.channel]} (${c.target})` : CHANNEL_LABEL[c.channel]
  switch (c.state) {
    case 'sent':
      return `${name}: sent`
    case 'failed':
      return `${name}: failed${c.reason ? `: ${c.reason}` : ''}${c.attempts > 1 ? ` (${c.attempts} attempts)` : ''}`
    case 'suppressed': {
      const by = c.reason ?? alert.suppressedBy
      return `${name}: suppressed by ${isSuppression(by) ? SUPPRESSION_TEXT[by] : (by ?? 'a noise control')}`
    }
    case 'pending':
      return `${name}: pending`
  }
}

/** The browser notification's body, as the desktop host words its own: "Daily · 82% · $187.25 · rule Breakouts". */
export function alertSummary(a: Alert): string {
  const parts = [TIER_TEXT[a.tier], `${formatConfidence(a.confidence)}%`]
  if (a.price !== null) parts.push(`$${formatPrice(a.price)}`)
  parts.push(`rule ${a.ruleName}`)
  return parts.join(' · ')
}

/** "AAPL Bull Flag"; "[test] AAPL Bull Flag" for a rule's test alert. */
export const alertHeadline = (a: Alert): string => `${a.test ? '[test] ' : ''}${a.symbol} ${a.pattern}`

const nyDate = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', month: 'short', day: 'numeric' })
const nyFull = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

const sameEtDay = (a: number, b: number) => {
  const x = toEt(a)
  const y = toEt(b)
  return x.year === y.year && x.month === y.month && x.day === y.day
}

/** "10:31:05" today (New York), "Mar 14 10:31:05" on another day. */
export function alertTime(ms: number, now: number): string {
  return sameEtDay(ms, now) ? formatNyTime(ms) : `${nyDate.format(ms)} ${formatNyTime(ms)}`
}

/** "2024-03-15, 10:31:05 ET": the full stamp for tooltips. */
export const alertTimeFull = (ms: number): string => `${nyFull.format(ms)} ET`

/** Epoch ms of a New York wall-clock time (the day may overflow, as Date.UTC allows). */
export function etWallTimeToMs(year: number, month: number, day: number, hour: number, minute: number): number {
  const guess = Date.UTC(year, month - 1, day, hour, minute)
  // The offset at the guess is right except within an hour of a DST switch; one correction settles it.
  const first = guess - etOffsetMs(guess)
  return guess - etOffsetMs(first)
}

/** 09:30 New York time on the calendar day after `now`'s New York day. */
export function tomorrowOpenEt(now: number): number {
  const p = toEt(now)
  return etWallTimeToMs(p.year, p.month, p.day + 1, 9, 30)
}

/** A `<input type="datetime-local">` value ("2024-03-15T14:00"), read as New York time; null when malformed. */
export function parseEtLocal(value: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(value.trim())
  if (!m) return null
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number]
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return null
  return etWallTimeToMs(y, mo, d, h, mi)
}

/** `ms` as a datetime-local value in New York time. */
export function toEtLocal(ms: number): string {
  const p = toEt(ms)
  const two = (n: number) => String(n).padStart(2, '0')
  return `${p.year}-${two(p.month)}-${two(p.day)}T${two(p.hour)}:${two(p.minute)}`
}

/** "(3) TickStock Terminal"; the base alone with nothing unread. */
export function titleWithUnread(base: string, unread: number): string {
  return unread > 0 ? `(${unread > 999 ? '999+' : unread}) ${base}` : base
}
