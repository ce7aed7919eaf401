/** New York dates and times for the alert panels (expiry dates, snoozes, alert times). */
import { etOffsetMs, toEt } from '../../../../shared/exchange-time'

const pad = (n: number) => String(n).padStart(2, '0')

/** YYYY-MM-DD of `ms` in New York. */
export function nyDate(ms: number): string {
  const p = toEt(ms)
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`
}

/** "11-25 14:03" in New York. */
export function nyShort(ms: number): string {
  const p = toEt(ms)
  return `${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}`
}

/** "14:03" today, else "11-25 14:03" (New York). */
export function nyWhen(ms: number, now: number): string {
  const p = toEt(ms)
  return nyDate(ms) === nyDate(now) ? `${pad(p.hour)}:${pad(p.minute)}` : nyShort(ms)
}

/**
 * The end of a New York calendar day (the next midnight there), for "expires
 * after this date". Midnight comes before the 02:00 clock change, so the
 * offset is the one in force on the afternoon of the day itself.
 */
export function nyEndOfDay(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date)
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const afternoon = Date.UTC(y, mo - 1, d, 17, 0, 0)
  return Date.UTC(y, mo - 1, d + 1, 0, 0, 0) - etOffsetMs(afternoon)
}

/** The New York day an "end of day" expiry belongs to. */
export const nyDateOfEnd = (endMs: number): string => nyDate(endMs - 1)
