/** Every Redis channel TickStockPL publishes on (WIRE.md), and the heartbeat key. */

export const PATTERN_CHANNELS = [
  'tickstock.events.patterns',
  'tickstock:patterns:streaming',
  'tickstock:patterns:detected',
] as const

export const STREAMING_PATTERN_CHANNEL = 'tickstock:patterns:streaming'
export const DETECTED_PATTERN_CHANNEL = 'tickstock:patterns:detected'

export const PIPELINE_STAGES = ['processing', 'import', 'cache', 'indicators', 'patterns'] as const
export const PIPELINE_PHASES = ['started', 'progress', 'completed'] as const
export const PIPELINE_CHANNELS = PIPELINE_STAGES.flatMap((s) => PIPELINE_PHASES.map((p) => `tickstock:${s}:${p}`))

export const CHANNELS = {
  patterns: 'tickstock.events.patterns',
  streamingPatterns: STREAMING_PATTERN_CHANNEL,
  detectedPatterns: DETECTED_PATTERN_CHANNEL,
  streamingIndicators: 'tickstock:indicators:streaming',
  indicatorAlerts: 'tickstock:alerts:indicators',
  criticalAlerts: 'tickstock:alerts:critical',
  sessionStarted: 'tickstock:streaming:session_started',
  sessionStopped: 'tickstock:streaming:session_stopped',
  streamingHealth: 'tickstock:streaming:health',
  systemHealth: 'tickstock.health.status',
  monitoring: 'tickstock:monitoring',
  errors: 'tickstock:errors',
  backtestProgress: 'tickstock.events.backtesting.progress',
  backtestResults: 'tickstock.events.backtesting.results',
} as const

export const ALL_CHANNELS: string[] = [...Object.values(CHANNELS), ...PIPELINE_CHANNELS]

export const HEARTBEAT_KEY = 'tickstock:producer:heartbeat'
/** The producer is online while its heartbeat is younger than this. */
export const HEARTBEAT_STALE_MS = 60_000
