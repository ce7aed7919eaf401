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
