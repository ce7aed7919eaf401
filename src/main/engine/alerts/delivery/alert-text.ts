/**
 * How an alert reads in an email, a push notification or a chat message: the
 * same words on every channel. New York times, as the market keeps them.
 */
import type { Alert } from '../../../../shared/alerts'
import { toEt } from '../../../../shared/exchange-time'

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const
const pad = (n: number): string => String(n).padStart(2, '0')

/** Names and rule titles come from outside (event payloads, the rule editor): no line breaks or control characters in a one-line field. */
export function oneLine(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim()
}

/** "10:31" New York time. */
export function etTime(ms: number, withSeconds = false): string {
  const p = toEt(ms)
  return withSeconds ? `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` : `${pad(p.hour)}:${pad(p.minute)}`
}

/** "Tue Mar 3 2026" for the New York calendar day. */
export function etDate(ms: number): string {
  const p = toEt(ms)
  const weekday = new Date(Date.UTC(p.year, p.month - 1, p.day)).getUTCDay()
  return `${WEEKDAYS[weekday]} ${MONTHS[p.month - 1]} ${p.day} ${p.year}`
}

export function sameEtDay(a: number, b: number): boolean {
  const pa = toEt(a)
  const pb = toEt(b)
  return pa.year === pb.year && pa.month === pb.month && pa.day === pb.day
}

/** "10:30-10:45 ET", or with dates when the range crosses a New York midnight. */
export function etRange(from: number, to: number): string {
  if (sameEtDay(from, to)) return `${etTime(from)}-${etTime(to)} ET`
  const short = (ms: number): string => {
    const p = toEt(ms)
    return `${MONTHS[p.month - 1]} ${p.day} ${etTime(ms)}`
  }
  return `${short(from)}-${short(to)} ET`
}

export function percent(confidence: number): string {
  return `${Math.round(confidence * 100)}%`
}

/** "$187.20"; sub-dollar prices keep four decimals. */
export function money(price: number | null): string | null {
  if (price === null || !Number.isFinite(price)) return null
  return `$${price.toFixed(Math.abs(price) < 1 ? 4 : 2)}`
}

const testPrefix = (alert: Pick<Alert, 'test'>): string => (alert.test ? '[Test] ' : '')

/** "AAPL Hammer (intraday, 86%)". */
export function alertHeadline(alert: Alert): string {
  return `${testPrefix(alert)}${oneLine(alert.symbol)} ${oneLine(alert.pattern)} (${alert.tier}, ${percent(alert.confidence)})`
}

/** "AAPL Hammer (intraday, 86%) - rule Momentum": an email subject, a push title, a chat fallback line. */
export function alertTitle(alert: Alert): string {
  return `${alertHeadline(alert)} - rule ${oneLine(alert.ruleName)}`
}

/** A few plain lines: what, how strong, when, why. */
export function alertBody(alert: Alert): string {
  const price = money(alert.price)
  const lines = [
    `${oneLine(alert.pattern)} on ${oneLine(alert.symbol)}${price ? ` at ${price}` : ''} (${alert.tier}, ${percent(alert.confidence)} confidence, ${alert.priority} priority)`,
    `Detected ${etTime(alert.detectedAt, true)} ET ${etDate(alert.detectedAt)}, rule ${oneLine(alert.ruleName)}`,
  ]
  if (alert.matched.length > 0) lines.push(`Matched: ${alert.matched.map(oneLine).join('; ')}`)
  return lines.join('\n')
}

/** Cut to at most `max` characters (a service's field limit), marking the cut. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`
}
