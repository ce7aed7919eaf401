import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { electronSqliteBindingPath, redactRedisUrl, resolveEngineConfig, settingsPath, type EngineConfigSources } from './engine-config'

const userDataDir = join('/home', 'u', '.config', 'TickStock Terminal')
const appRoot = join('/opt', 'tickstock')

function sources(over: Partial<EngineConfigSources> & { files?: Record<string, string> } = {}): EngineConfigSources {
  const files = over.files ?? {}
  return {
    userDataDir,
    appRoot,
    env: {},
    readFile: (p) => files[p] ?? null,
    fileExists: (p) => p in files,
    ...over,
  }
}

describe('engine config for the desktop host', () => {
  it('defaults to the demo feed with data under userData, and warns once that there is no Electron sqlite build', () => {
    const r = resolveEngineConfig(sources())
    expect(r.config).toEqual({ dataDir: join(userDataDir, 'data'), redis: null })
    expect(r.redisSource).toBe('demo')
    expect(r.warnings).toHaveLength(1)
    expect(r.warnings[0]).toMatch(/storage will fail to open under Electron until it is built/)
  })

  it('takes Redis from TICKSTOCK_REDIS_URL before settings.json', () => {
    const files = { [settingsPath(userDataDir)]: JSON.stringify({ redis: { url: 'redis://settings:6379' } }) }
    const r = resolveEngineConfig(sources({ files, env: { TICKSTOCK_REDIS_URL: ' redis://env:6380/2 ' } }))
    expect(r.config.redis).toEqual({ url: 'redis://env:6380/2', options: {} })
    expect(r.redisSource).toBe('env')
  })

  it('takes Redis and thresholds from settings.json', () => {
    const files = {
      [settingsPath(userDataDir)]: JSON.stringify({ redis: { url: 'rediss://h:6380', options: { username: 'me' } }, thresholds: { daily: 0.5 }, theme: 'dark' }),
    }
    const r = resolveEngineConfig(sources({ files }))
    expect(r.config.redis).toEqual({ url: 'rediss://h:6380', options: { username: 'me' } })
    expect(r.config.thresholds).toEqual({ daily: 0.5, intraday: 0.7, combo: 0.7 })
    expect(r.redisSource).toBe('settings')
  })

  it('ignores a broken settings.json with a warning naming the file', () => {
    for (const body of ['{oops', JSON.stringify({ redis: { url: '' } })]) {
      const r = resolveEngineConfig(sources({ files: { [settingsPath(userDataDir)]: body } }))
      expect(r.config.redis).toBeNull()
      expect(r.warnings[0]).toContain('settings.json: ignored')
    }
  })

  it('passes the Electron-ABI better-sqlite3 build when it exists', () => {
    const binding = electronSqliteBindingPath(appRoot)
    expect(binding).toBe(join(appRoot, 'native', 'electron', 'better_sqlite3.node'))
    const r = resolveEngineConfig(sources({ files: { [binding]: '' } }))
    expect(r.config.sqliteNativeBinding).toBe(binding)
    expect(r.warnings).toEqual([])
  })

  it('prefers TICKSTOCK_SQLITE_BINDING, and warns if it points nowhere', () => {
    const r = resolveEngineConfig(sources({ env: { TICKSTOCK_SQLITE_BINDING: '/x/b.node' }, files: { '/x/b.node': '' } }))
    expect(r.config.sqliteNativeBinding).toBe('/x/b.node')
    const missing = resolveEngineConfig(sources({ env: { TICKSTOCK_SQLITE_BINDING: '/nope.node' } }))
    expect(missing.config.sqliteNativeBinding).toBeUndefined()
    expect(missing.warnings[0]).toContain('/nope.node')
  })

  it('looks for the native build beside app.asar, not inside it', () => {
    expect(electronSqliteBindingPath('/opt/T/resources/app.asar')).toBe(join('/opt/T/resources/app.asar.unpacked', 'native', 'electron', 'better_sqlite3.node'))
  })

  it('redacts the Redis password for logs', () => {
    expect(redactRedisUrl('redis://:s3cret@host:6379/0')).toBe('redis://:***@host:6379/0')
    expect(redactRedisUrl('redis://host:6379')).toBe('redis://host:6379')
  })
})
