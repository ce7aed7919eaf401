import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { describeEngineConfig, electronSqliteBindingPath, resolveEngineConfig, settingsPath, type EngineConfigSources } from './engine-config'

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
    expect(r.config).toEqual({ dataDir: join(userDataDir, 'data'), secrets: 'host', redis: null })
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

  it('takes retentionDays and confluenceWindowMs from settings.json, validated like the engine does', () => {
    const ok = resolveEngineConfig(sources({ files: { [settingsPath(userDataDir)]: JSON.stringify({ retentionDays: 30, confluenceWindowMs: 3_600_000 }) } }))
    expect(ok.config).toMatchObject({ retentionDays: 30, confluenceWindowMs: 3_600_000 })
    expect(ok.config).not.toHaveProperty('thresholds') // absent keys stay absent: the engine applies its defaults
    for (const bad of [{ retentionDays: 0 }, { retentionDays: '30' }, { confluenceWindowMs: 1.5 }, { confluenceWindowMs: -1 }]) {
      const r = resolveEngineConfig(sources({ files: { [settingsPath(userDataDir)]: JSON.stringify(bad) } }))
      expect(r.config).not.toHaveProperty('retentionDays')
      expect(r.config).not.toHaveProperty('confluenceWindowMs')
      expect(r.warnings[0]).toMatch(new RegExp(`settings\\.json: ignored \\(${Object.keys(bad)[0]}: `))
    }
  })

  it('reads ioredis options for TICKSTOCK_REDIS_URL from TICKSTOCK_REDIS_OPTIONS (a JSON object)', () => {
    const r = resolveEngineConfig(sources({ env: { TICKSTOCK_REDIS_URL: 'redis://prod:6379/0', TICKSTOCK_REDIS_OPTIONS: '{"password":"pw","db":2}' } }))
    expect(r.config.redis).toEqual({ url: 'redis://prod:6379/0', options: { password: 'pw', db: 2 } })
    expect(r.warnings.filter((w) => w.includes('TICKSTOCK_REDIS_OPTIONS'))).toEqual([])
  })

  it('refuses a TICKSTOCK_REDIS_OPTIONS that is not a JSON object with one line naming the variable, never quoting it', () => {
    for (const text of ['{"password":"hunter2"', '"hunter2"', '["hunter2"]', 'null', 'hunter2']) {
      const r = resolveEngineConfig(sources({ env: { TICKSTOCK_REDIS_URL: 'redis://h:6379', TICKSTOCK_REDIS_OPTIONS: text } }))
      expect(r.config.redis).toEqual({ url: 'redis://h:6379', options: {} })
      const lines = r.warnings.filter((w) => w.includes('TICKSTOCK_REDIS_OPTIONS'))
      expect(lines).toHaveLength(1)
      expect(lines[0]).toMatch(/^TICKSTOCK_REDIS_OPTIONS: ignored \(/)
      expect(lines[0]).not.toContain('\n')
      expect(lines[0]).not.toContain('hunter2')
    }
  })

  it('says TICKSTOCK_REDIS_OPTIONS is ignored without TICKSTOCK_REDIS_URL', () => {
    const files = { [settingsPath(userDataDir)]: JSON.stringify({ redis: { url: 'redis://s:6379', options: { db: 1 } } }) }
    const r = resolveEngineConfig(sources({ files, env: { TICKSTOCK_REDIS_OPTIONS: '{"db":3}' } }))
    expect(r.config.redis).toEqual({ url: 'redis://s:6379', options: { db: 1 } })
    expect(r.warnings.some((w) => /^TICKSTOCK_REDIS_OPTIONS: ignored .*TICKSTOCK_REDIS_URL/.test(w))).toBe(true)
  })

  it('keeps a Redis password (userinfo or ?password=) out of every warning and log line', () => {
    const secret = 's3cretPW'
    const cases: EngineConfigSources[] = [
      sources({ env: { TICKSTOCK_REDIS_URL: `redis://h:6379/0?password=${secret}&db=1` } }),
      sources({ env: { TICKSTOCK_REDIS_URL: `redis://me:${secret}@h:6379/0?password=${secret}`, TICKSTOCK_REDIS_OPTIONS: `{"password":"${secret}"` } }),
      sources({ files: { [settingsPath(userDataDir)]: JSON.stringify({ redis: { url: `rediss://h:6380?password=${secret}` } }) } }),
      sources({ files: { [settingsPath(userDataDir)]: `{"redis":{"url":"redis://h?password=${secret}"` } }), // not JSON
      sources({ files: { [settingsPath(userDataDir)]: `${secret}` } }),
    ]
    for (const c of cases) {
      const r = resolveEngineConfig(c)
      const lines = [...r.warnings, describeEngineConfig(r)]
      for (const line of lines) expect(line).not.toContain(secret)
    }
    const line = describeEngineConfig(resolveEngineConfig(cases[0]!))
    expect(line).toBe(`engine: data in ${join(userDataDir, 'data')}; Redis redis://h:6379/0?password=***&db=1 (from env)`)
  })
})
