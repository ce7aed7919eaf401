/**
 * New York calendar dates for bars: a daily bar starts at 00:00 New York time
 * of its session date, a weekly bar at 00:00 New York time of the Monday that
 * starts its week (even when that Monday is a holiday). Dates are
 * `YYYY-MM-DD` strings, which sort as they compare.
 */
import { etOffsetMs } from '../../../shared/exchange-time'

const DAY_MS = 86_400_000

/** Epoch ms of 00:00 New York time on the date `YYYY-MM-DD`. */
export function nyMidnight(date: string): number {
  const localMidnight = Date.parse(`${date}T00:00:00Z`)
  // The offset in force at that midnight (as in demo-bars.ts): it differs from noon's on a DST-change day.
  return localMidnight - etOffsetMs(localMidnight - etOffsetMs(localMidnight))
}

/** The New York calendar date holding `ms`. */
export function nyDate(ms: number): string {
  return new Date(Math.floor((ms + etOffsetMs(ms)) / DAY_MS) * DAY_MS).toISOString().slice(0, 10)
}

/** The date `days` calendar days after `date` (before it when negative). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10)
}

/** The Monday of the (Monday to Sunday) week holding `date`. */
export function weekMonday(date: string): string {
  const dayOfWeek = new Date(`${date}T00:00:00Z`).getUTCDay() // 0 = Sunday
  return addDays(date, -((dayOfWeek + 6) % 7))
}

/** Start of the week holding `ms`: Monday 00:00 New York time. */
export function nyWeekStart(ms: number): number {
  return nyMidnight(weekMonday(nyDate(ms)))
}
