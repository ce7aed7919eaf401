/**
 * The engine config the desktop host sends to its utility process:
 * - data in `<userData>/data`;
 * - Redis from env TICKSTOCK_REDIS_URL, else `redis` in `<userData>/settings.json`,
 *   else the demo feed;
 * - better-sqlite3 built for Electron's ABI from env TICKSTOCK_SQLITE_BINDING,
 *   else `<app root>/native/electron/better_sqlite3.node` when it exists.
 * File access is injected so this is testable without touching the user's folders.
 */
import { join } from 'node:path'
import { z } from 'zod'
import { engineConfigSchema, redisConfigSchema, type EngineConfigInput } from '../engine/config'

/** What `<userData>/settings.json` may hold (unknown keys are ignored). */
export const hostSettingsSchema = z.object({
  redis: redisConfigSchema.nullable().optional(),
  thresholds: engineConfigSchema.shape.thresholds.optional(),
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
  const config: EngineConfigInput = { dataDir: join(src.userDataDir, 'data') }

  let settings: HostSettings = {}
  const file = settingsPath(src.userDataDir)
  const raw = src.readFile(file)
  if (raw !== null) {
    try {
      const parsed = hostSettingsSchema.safeParse(JSON.parse(raw))
      if (parsed.success) settings = parsed.data
      else warnings.push(`${file}: ignored (${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')})`)
    } catch (e) {
      warnings.push(`${file}: ignored (not JSON: ${e instanceof Error ? e.message : String(e)})`)
    }
  }

  let redisSource: ResolvedEngineConfig['redisSource'] = 'demo'
  const envUrl = src.env.TICKSTOCK_REDIS_URL?.trim()
  if (envUrl) {
    config.redis = { url: envUrl, options: {} }
    redisSource = 'env'
  } else if (settings.redis) {
    config.redis = settings.redis
    redisSource = 'settings'
  } else {
    config.redis = null
  }
  if (settings.thresholds) config.thresholds = settings.thresholds

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

/** The Redis URL without its password, for logs. */
export function redactRedisUrl(url: string): string {
  try {
    const u = new URL(url)
    if (u.password) u.password = '***'
    return u.toString()
  } catch {
    return '(unparseable url)'
  }
}
