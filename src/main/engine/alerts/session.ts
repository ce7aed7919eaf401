/**
 * New York wall-clock time for alert rules: the trading session of an event,
 * the minute of the day for quiet hours, the calendar day for "first per
 * symbol per day". Runs for every candidate rule of every event, and Intl is
 * slow (microseconds), so the UTC offset is computed once per UTC hour and
 * cached: US time changes happen at 02:00 local, which is 06:00 or 07:00 UTC,
 * on an hour boundary, so one UTC hour never straddles a change.
 */
import type { TradingSession } from '../../../shared/alerts'
import { etOffsetMs } from '../../../shared/exchange-time'

const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000
const MINUTE_MS = 60_000

const offsetByHour = new Map<number, number>()
const OFFSET_CACHE_MAX = 20_000
// Nearly every call asks about the current hour.
let lastHour = NaN
let lastOffset = 0

/** New York's UTC offset at `ms` (-4 h or -5 h), cached per UTC hour. */
export function nyOffsetMs(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS)
  if (hour === lastHour) return lastOffset
  let off = offsetByHour.get(hour)
  if (off === undefined) {
    // Ask at the hour's start (plus a second): the whole hour shares it.
    off = etOffsetMs(hour * HOUR_MS + 1000)
    if (offsetByHour.size >= OFFSET_CACHE_MAX) offsetByHour.clear()
    offsetByHour.set(hour, off)
  }
  lastHour = hour
  lastOffset = off
  return off
}

export interface NyClock {
  /** The New York calendar day as days since 1970-01-01 (compare days with it, it is not a UTC day). */
  day: number
  /** Minutes since New York midnight, 0..1439. */
  minuteOfDay: number
  /** 0 Sunday .. 6 Saturday, New York. */
  weekday: number
}

export function nyClock(ms: number): NyClock {
  const local = ms + nyOffsetMs(ms)
  const day = Math.floor(local / DAY_MS)
  const minuteOfDay = Math.floor((local - day * DAY_MS) / MINUTE_MS)
  // 1970-01-01 was a Thursday (4).
  const weekday = (((day + 4) % 7) + 7) % 7
  return { day, minuteOfDay, weekday }
}

/** The New York calendar day of `ms` (days since 1970-01-01). */
export function nyDay(ms: number): number {
  return Math.floor((ms + nyOffsetMs(ms)) / DAY_MS)
}

/** Minutes since New York midnight at `ms`. */
export function nyMinuteOfDay(ms: number): number {
  const local = ms + nyOffsetMs(ms)
  return Math.floor((local - Math.floor(local / DAY_MS) * DAY_MS) / MINUTE_MS)
}

const PRE_FROM = 4 * 60
const REGULAR_FROM = 9 * 60 + 30
const AFTER_FROM = 16 * 60
const AFTER_TO = 20 * 60

/** The session at `ms`: pre 04:00-09:30, regular 09:30-16:00, after 16:00-20:00 New York time on weekdays; null otherwise (holidays are not known here). */
export function tradingSession(ms: number): TradingSession | null {
  const { minuteOfDay: m, weekday } = nyClock(ms)
  if (weekday === 0 || weekday === 6) return null
  if (m < PRE_FROM || m >= AFTER_TO) return null
  if (m < REGULAR_FROM) return 'pre'
  if (m < AFTER_FROM) return 'regular'
  return 'after'
}

const minutesMemo = new Map<string, number>()

/** "HH:MM" to minutes since midnight (memoized: quiet hours are checked per match). */
export function minutesOf(hhmm: string): number {
  let m = minutesMemo.get(hhmm)
  if (m === undefined) {
    const [h, mm] = hhmm.split(':')
    m = Number(h) * 60 + Number(mm)
    if (minutesMemo.size < 2000) minutesMemo.set(hhmm, m)
  }
  return m
}

/** Whether `minute` lies in [from, to), a daily window that wraps past midnight when from > to (20:00-07:00). */
export function inDailyWindow(minute: number, from: number, to: number): boolean {
  return from < to ? minute >= from && minute < to : minute >= from || minute < to
}
