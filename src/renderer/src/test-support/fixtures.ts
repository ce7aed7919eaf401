import { epochMs, priorityFor, type HealthReport, type PatternEvent, type Tier } from '../../../shared/domain'
import type { EngineInfo } from '../../../shared/contract'

/** 2024-03-15 14:31:05 UTC = 10:31:05 in New York (EDT). */
export const T0 = Date.UTC(2024, 2, 15, 14, 31, 5)

export function makeEvent(id: number, tier: Tier, over: Partial<PatternEvent> = {}): PatternEvent {
  const confidence = over.confidence ?? 0.75
  return {
    id,
    symbol: 'AAPL',
    pattern: 'Doji',
    patternKey: 'doji',
    tier,
    confidence,
    priority: priorityFor(confidence),
    detectedAt: epochMs(T0 + id * 1000),
    receivedAt: epochMs(T0 + id * 1000 + 20),
    expiresAt: epochMs(T0 + id * 1000 + 3_600_000),
    timeframe: null,
    price: 187.25,
    changePct: null,
    relativeVolume: null,
    relativeStrength: null,
    levels: [],
    channel: 'demo',
    flowId: null,
    sessionId: null,
    confluence: [],
    market: null,
    ...over,
  }
}

export function makeEngineInfo(mode: EngineInfo['mode'] = 'live'): EngineInfo {
  return {
    mode,
    version: '0.1.0',
    thresholds: { daily: 0.6, intraday: 0.6, combo: 0.6 },
    confluenceWindowMs: 300_000,
    retentionDays: 30,
    dataDir: null,
  }
}

export function makeHealth(over: Partial<HealthReport> = {}): HealthReport {
  return {
    mode: 'live',
    now: epochMs(T0),
    startedAt: epochMs(T0 - 60_000),
    redis: { state: 'ready', url: 'redis://127.0.0.1:6379', since: epochMs(T0 - 60_000), reconnectAttempts: 0 },
    producer: { heartbeatAt: epochMs(T0 - 1200), ageMs: 1200, online: true },
    session: { sessionId: 'sess-42', state: 'running', startedAt: epochMs(T0 - 60_000), stoppedAt: null, symbolCount: 70, universe: null, inferred: false },
    streamingHealth: null,
    gaps: [],
    rejected: { total: 0, byReason: {}, samples: [] },
    ingest: { received: 10, patterns: 10, duplicates: 0, belowThreshold: 0, stored: 10, eventsPerSecond: 2.5, storeDropped: 0, pushDropped: 0 },
    queueDepth: 0,
    storeBacklog: 0,
    recentAlerts: [],
    memory: { heapUsedBytes: 50_000_000, rssBytes: 120_000_000 },
    ...over,
  }
}
