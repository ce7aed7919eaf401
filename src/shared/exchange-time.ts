/** Exchange (America/New_York) time helpers. Pure: Intl only, no Node, no DOM. */

const etParts = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

export interface EtParts {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
}

export function toEt(ms: number): EtParts {
  const p: Record<string, number> = {}
  for (const part of etParts.formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value)
  return { year: p.year!, month: p.month!, day: p.day!, hour: p.hour!, minute: p.minute!, second: p.second! }
}

/** UTC offset of New York at `ms`, in ms (negative: -4 h or -5 h). */
export function etOffsetMs(ms: number): number {
  const p = toEt(ms)
  const asUtc = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second)
  return asUtc - Math.floor(ms / 1000) * 1000
}

/**
 * 16:00 New York time on the ET calendar day (y, m, d); the day may overflow
 * (d + 1 at a month's end) as Date.UTC allows. The offset is taken at 16:00 UTC
 * of that day (11:00 or 12:00 in New York), after the 02:00 DST switch, so it is
 * the offset in force at the close.
 */
function closeOnEtDay(year: number, month: number, day: number): number {
  const probe = Date.UTC(year, month - 1, day, 16, 0, 0)
  return probe - etOffsetMs(probe)
}

const closeCache = new Map<number, number>()
const HOUR_MS = 3600_000

/**
 * 16:00 New York time on the trading day of `ms`; the next day's close when
 * `ms` is at or after the close. Runs per event (combo expiry) and Intl is
 * slow, so answers are memoized per hour; the hour that holds the close is
 * always computed exactly.
 */
export function marketCloseAfter(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS)
  const cached = closeCache.get(hour)
  if (cached !== undefined && cached - ms >= HOUR_MS) return cached
  const close = computeCloseAfter(ms)
  if (close - ms >= HOUR_MS) {
    if (closeCache.size >= 10_000) closeCache.clear()
    closeCache.set(hour, close)
  }
  return close
}

function computeCloseAfter(ms: number): number {
  const p = toEt(ms)
  // The offset at `ms` itself is wrong for the close on a DST-change day (before 02:00)
  // and for the next day's close when the change happens overnight: take each day's own.
  const close = closeOnEtDay(p.year, p.month, p.day)
  return close > ms ? close : closeOnEtDay(p.year, p.month, p.day + 1)
}
