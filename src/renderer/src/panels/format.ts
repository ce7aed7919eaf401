/** Display formatting shared by panels. Market times are shown in New York time. */
import type { HealthReport, RedisState } from '../../../shared/domain'
import type { EngineInfo } from '../../../shared/contract'
import type { ConnectionState } from '../state/terminal-store'

const nyClock = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/New_York',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** HH:MM:SS in America/New_York. */
export function formatNyTime(epochMs: number): string {
  return nyClock.format(epochMs)
}

export function formatPrice(price: number | null): string {
  if (price === null || !Number.isFinite(price)) return '—'
  return price.toFixed(Math.abs(price) < 1 ? 4 : 2)
}

/** 0..1 as a whole percentage. */
export function formatConfidence(confidence: number): string {
  return `${Math.round(confidence * 100)}`
}

export function formatAge(ms: number | null): string {
  if (ms === null) return '—'
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`
  if (ms < 120_000) return `${Math.round(ms / 1000)}s`
  return `${Math.round(ms / 60_000)}m`
}

export type ModeTone = 'demo' | 'live' | 'warn' | 'down'
export interface ModeLabel {
  text: string
  tone: ModeTone
}

const REDIS_LABEL: Record<RedisState, ModeLabel> = {
  ready: { text: 'LIVE', tone: 'live' },
  connecting: { text: 'CONNECTING', tone: 'warn' },
  reconnecting: { text: 'RECONNECTING', tone: 'warn' },
  closed: { text: 'REDIS CLOSED', tone: 'down' },
  disabled: { text: 'NO REDIS', tone: 'down' },
}

/**
 * What the feed is: the demo simulator, or the state of the engine's Redis
 * connection. Never says LIVE while this client is cut off from the engine.
 */
export function modeLabel(connection: ConnectionState, engine: EngineInfo | null, health: HealthReport | null): ModeLabel {
  if (connection === 'closed') return { text: 'ENGINE OFFLINE', tone: 'down' }
  if (engine?.mode === 'demo' || health?.mode === 'demo') return { text: 'DEMO FEED', tone: 'demo' }
  if (!health) return { text: 'CONNECTING', tone: 'warn' }
  return REDIS_LABEL[health.redis.state]
}

/** The most recent gap, as "no data 10:31:05-10:31:42" (or "no data since ..." while open). */
export function latestGapText(health: HealthReport | null): string | null {
  if (!health || health.gaps.length === 0) return null
  let latest = health.gaps[0]!
  for (const g of health.gaps) if (g.from > latest.from) latest = g
  return latest.to === null
    ? `no data since ${formatNyTime(latest.from)}`
    : `no data ${formatNyTime(latest.from)}-${formatNyTime(latest.to)}`
}

/** Latency in ms: "850 ms", "1.2 s", "—" when unknown. */
export function formatLag(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '—'
  if (ms < 1000) return `${Math.round(ms)} ms`
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`
  return `${Math.round(ms / 60_000)} min`
}

/** A rate: one decimal below 10, whole numbers above. */
export function formatRate(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—'
  return n < 10 ? n.toFixed(1) : `${Math.round(n)}`
}

/** A count with thousands separators. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US')
}

/** A percentage change with its sign: "+2.10%", "-0.40%", "—" when unknown. */
export function formatChangePct(pct: number | null): string {
  if (pct === null || !Number.isFinite(pct)) return '—'
  return `${pct > 0 ? '+' : ''}${pct.toFixed(2)}%`
}

/** A multiple such as relative volume: "1.90x", "—" when unknown. */
export function formatMultiple(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—'
  return `${n.toFixed(2)}x`
}

/** A plain ratio such as relative strength: "1.30", "—" when unknown. */
export function formatRatio(n: number | null): string {
  if (n === null || !Number.isFinite(n)) return '—'
  return n.toFixed(2)
}

/** Time left until an expiry: "2d 3h", "3h 12m", "12m", "<1m"; "expired" once past. */
export function formatTimeLeft(ms: number): string {
  if (!Number.isFinite(ms)) return '—'
  if (ms <= 0) return 'expired'
  const minutes = Math.floor(ms / 60_000)
  if (minutes < 1) return '<1m'
  const days = Math.floor(minutes / 1440)
  const hours = Math.floor((minutes % 1440) / 60)
  const mins = minutes % 60
  if (days > 0) return `${days}d ${hours}h`
  if (hours > 0) return `${hours}h ${mins}m`
  return `${mins}m`
}
