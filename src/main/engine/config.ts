/** Engine configuration: what a host passes to the engine when it starts it. */
import { z } from 'zod'
import type { Tier } from '../../shared/domain'

export const redisConfigSchema = z.object({
  /** redis://[:password@]host:port/db or rediss:// for TLS */
  url: z.string().min(1),
  /** Extra ioredis options (tls, password, username, sentinels, name, db...), passed through as given. */
  options: z.record(z.string(), z.unknown()).default({}),
})
export type RedisConfig = z.output<typeof redisConfigSchema>

const thresholdSchema = z.number().min(0).max(1)

export const engineConfigSchema = z.object({
  /** Folder for the SQLite database; null keeps everything in memory. */
  dataDir: z.string().nullable().default(null),
  /** Live Redis; null runs the built-in demo feed. */
  redis: redisConfigSchema.nullable().default(null),
  demo: z
    .object({ rate: z.number().positive().max(100_000).default(8), symbols: z.number().int().min(1).max(10_000).default(120), seed: z.number().int().default(42) })
    .default({ rate: 8, symbols: 120, seed: 42 }),
  thresholds: z
    .object({ daily: thresholdSchema.default(0.6), intraday: thresholdSchema.default(0.7), combo: thresholdSchema.default(0.7) })
    .default({ daily: 0.6, intraday: 0.7, combo: 0.7 }),
  /** Same symbol in several tiers within this window is a confluence. */
  confluenceWindowMs: z.number().int().positive().default(24 * 3600_000),
  /** Keep this many days of pattern events. */
  retentionDays: z.number().positive().default(90),
  /** Expiry when the producer sends no expires_at. Combo expires at the end of its trading day. */
  expiryMs: z
    .object({ daily: z.number().positive().default(7 * 24 * 3600_000), intraday: z.number().positive().default(4 * 3600_000) })
    .default({ daily: 7 * 24 * 3600_000, intraday: 4 * 3600_000 }),
  /** Redis channel of per-minute aggregates (`{ev:"AM",sym,s,e,o,h,l,c,v,vw}`), recorded into the bar store. */
  barChannel: z.string().min(1).max(200).default('tickstock:bars:minute'),
  /**
   * Where the SMTP password is kept: 'host' when the host keeps it (Electron,
   * in the OS keychain) and sends it in a `secrets` message; 'engine' keeps it
   * in secrets.json (mode 0600) in the data folder (the headless host).
   */
  secrets: z.enum(['host', 'engine']).default('engine'),
  /** Native binding for better-sqlite3 (Electron's ABI); undefined uses the default build. */
  sqliteNativeBinding: z.string().optional(),
})
export type EngineConfig = z.output<typeof engineConfigSchema>
export type EngineConfigInput = z.input<typeof engineConfigSchema>

export type Thresholds = Record<Tier, number>
