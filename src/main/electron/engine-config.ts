/**
 * The engine config the desktop host sends to its utility process:
 * - data in `<userData>/data`;
 * - Redis from env TICKSTOCK_REDIS_URL (its ioredis options from env
 *   TICKSTOCK_REDIS_OPTIONS, a JSON object, as `tickstock serve` reads them),
 *   else `redis` in `<userData>/settings.json`, else the demo feed;
 * - thresholds, retentionDays and confluenceWindowMs from settings.json;
 * - better-sqlite3 built for Electron's ABI from env TICKSTOCK_SQLITE_BINDING,
 *   else `<app root>/native/electron/better_sqlite3.node` when it exists.
 * File access is injected so this is testable without touching the user's folders.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { redactUrl } from '../../shared/redact'
import { engineConfigSchema, redisConfigSchema, type EngineConfigInput } from '../engine/config'

const engineField = engineConfigSchema.shape
/**
 * What `<userData>/settings.json` may hold (unknown keys are ignored). The
 * engine's own schema pieces, without their defaults: a key left out stays
 * out, and the engine applies its default.
 */
export const hostSettingsSchema = z.object({
  redis: redisConfigSchema.nullable().optional(),
  thresholds: engineField.thresholds.unwrap().optional(),
  retentionDays: engineField.retentionDays.unwrap().optional(),
  confluenceWindowMs: engineField.confluenceWindowMs.unwrap().optional(),
})
export type HostSettings = z.output<typeof hostSettingsSchema>

export interface EngineConfigSources {
  userDataDir: string
  /** app.getAppPath(): the folder (or app.asar) holding package.json. */
  appRoot: string
  env: Readonly<Record<string, string | undefined>>
  /** File contents, or null when the file does not exist. */
  readFile(path: string): string | null
  fileExists(path: string): boolean
}

export interface ResolvedEngineConfig {
  config: EngineConfigInput
  redisSource: 'env' | 'settings' | 'demo'
  /** One line each, for the log. */
  warnings: string[]
}

export const settingsPath = (userDataDir: string): string => join(userDataDir, 'settings.json')

/** Where an Electron-ABI build of better-sqlite3 is looked for (outside app.asar: native files cannot load from inside it). */
export function electronSqliteBindingPath(appRoot: string): string {
  const root = appRoot.endsWith('.asar') ? `${appRoot}.unpacked` : appRoot
  return join(root, 'native', 'electron', 'better_sqlite3.node')
}

export function resolveEngineConfig(src: EngineConfigSources): ResolvedEngineConfig {
  const warnings: string[] = []
  // The SMTP password stays with the host (the OS keychain), never in the engine's files.
  const config: EngineConfigInput = { dataDir: join(src.userDataDir, 'data'), secrets: 'host' }

  let settings: HostSettings = {}
  const file = settingsPath(src.userDataDir)
  const raw = src.readFile(file)
  if (raw !== null) {
    try {
      const parsed = hostSettingsSchema.safeParse(JSON.parse(raw))
      if (parsed.success) settings = parsed.data
      else warnings.push(`${file}: ignored (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`)
    } catch (e) {
      warnings.push(`${file}: ignored (${jsonProblem(e)})`)
    }
  }

  let redisSource: ResolvedEngineConfig['redisSource'] = 'demo'
  const envUrl = src.env.TICKSTOCK_REDIS_URL?.trim()
  const envOptions = redisOptionsFromEnv(src.env.TICKSTOCK_REDIS_OPTIONS, warnings)
  if (envOptions && !envUrl) warnings.push('TICKSTOCK_REDIS_OPTIONS: ignored (it applies to TICKSTOCK_REDIS_URL, which is not set; settings.json takes redis.options)')
  if (envUrl) {
    config.redis = { url: envUrl, options: envOptions ?? {} }
    redisSource = 'env'
  } else if (settings.redis) {
    config.redis = settings.redis
    redisSource = 'settings'
  } else {
    config.redis = null
  }
  if (settings.thresholds) config.thresholds = settings.thresholds
  if (settings.retentionDays !== undefined) config.retentionDays = settings.retentionDays
  if (settings.confluenceWindowMs !== undefined) config.confluenceWindowMs = settings.confluenceWindowMs

  const envBinding = src.env.TICKSTOCK_SQLITE_BINDING?.trim()
  const defaultBinding = electronSqliteBindingPath(src.appRoot)
  if (envBinding) {
    if (src.fileExists(envBinding)) config.sqliteNativeBinding = envBinding
    else warnings.push(`TICKSTOCK_SQLITE_BINDING=${envBinding} does not exist; storage will fail to open under Electron until better-sqlite3 is built for Electron`)
  } else if (src.fileExists(defaultBinding)) {
    config.sqliteNativeBinding = defaultBinding
  } else {
    warnings.push(
      `no Electron build of better-sqlite3 at ${defaultBinding} (or TICKSTOCK_SQLITE_BINDING): storage will fail to open under Electron until it is built`,
    )
  }
  return { config, redisSource, warnings }
}

/** One line for the log: where the engine's data and feed come from. The Redis URL is redacted (userinfo and secret query options). */
export function describeEngineConfig(resolved: ResolvedEngineConfig): string {
  const { config, redisSource } = resolved
  const feed = config.redis ? `Redis ${redactUrl(config.redis.url)} (from ${redisSource})` : 'demo feed (no Redis configured)'
  return `engine: data in ${config.dataDir ?? 'memory'}; ${feed}`
}

/**
 * TICKSTOCK_REDIS_OPTIONS as `tickstock serve` reads it: a JSON object of
 * ioredis options. Anything else is refused with one warning line naming the
 * variable (never its text: it may hold a password). Undefined when unset.
 */
function redisOptionsFromEnv(text: string | undefined, warnings: string[]): Record<string, unknown> | undefined {
  if (text === undefined || text.trim() === '') return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (e) {
    warnings.push(`TICKSTOCK_REDIS_OPTIONS: ignored (${jsonProblem(e)}; expected a JSON object of ioredis options)`)
    return undefined
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    warnings.push(`TICKSTOCK_REDIS_OPTIONS: ignored (not a JSON object: ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`})`)
    return undefined
  }
  return value as Record<string, unknown>
}

/**
 * A JSON.parse failure without the quote of the input V8 puts in its message
 * (the input may hold a password): only where it went wrong.
 */
function jsonProblem(e: unknown): string {
  const msg = e instanceof Error ? e.message : ''
  const at = /position (\d+)/.exec(msg)?.[1]
  if (at !== undefined) return `not valid JSON at position ${at}`
  if (/end of JSON input/i.test(msg)) return 'not valid JSON: it ends too early'
  return 'not valid JSON'
}
