import { homedir } from 'node:os'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { engineConfigSchema } from '../main/engine/config'
import { UsageError, serveConfig } from './serve'

const refusal = (argv: string[], env: NodeJS.ProcessEnv = {}): string => {
  try {
    serveConfig(argv, env)
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError)
    return (e as Error).message
  }
  throw new Error(`accepted: ${argv.join(' ')}`)
}

describe('serveConfig', () => {
  it('runs the demo feed when no Redis flag or env is given, on 127.0.0.1:7420 without a token', () => {
    const r = serveConfig([], {})
    expect(r.config.redis).toBeNull()
    expect(r).toMatchObject({ port: 7420, host: '127.0.0.1', token: null })
    expect(r.config.dataDir).toBe(resolve(join(homedir(), '.tickstock-terminal')))
  })

  it('uses TICKSTOCK_REDIS_URL and TICKSTOCK_REDIS_OPTIONS from the environment', () => {
    const r = serveConfig([], { TICKSTOCK_REDIS_URL: 'redis://prod:6379/0', TICKSTOCK_REDIS_OPTIONS: '{"password":"pw","db":2}' })
    expect(r.config.redis).toEqual({ url: 'redis://prod:6379/0', options: { password: 'pw', db: 2 } })
  })

  it('--redis wins over the environment; --demo wins over both', () => {
    expect(serveConfig(['--redis', 'redis://flag:6379'], { TICKSTOCK_REDIS_URL: 'redis://env:6379' }).config.redis?.url).toBe('redis://flag:6379')
    expect(serveConfig(['--demo', '--redis', 'redis://flag:6379'], { TICKSTOCK_REDIS_URL: 'redis://env:6379' }).config.redis).toBeNull()
  })

  it('passes --redis-options through as ioredis options', () => {
    const r = serveConfig(['--redis', 'rediss://h:6380', '--redis-options', '{"tls":{"servername":"h"},"username":"u"}'], {})
    expect(r.config.redis?.options).toEqual({ tls: { servername: 'h' }, username: 'u' })
  })

  it.each([
    ['{oops', 'not JSON'],
    ['[1,2]', 'an array'],
    ['"pw"', 'a string'],
    ['null', 'null'],
  ])('refuses --redis-options %s (%s), naming the flag', (json) => {
    expect(refusal(['--redis', 'redis://h:6379', '--redis-options', json])).toMatch(/^--redis-options: /)
  })

  it('names the environment variable when the bad options came from there', () => {
    expect(refusal([], { TICKSTOCK_REDIS_URL: 'redis://h:6379', TICKSTOCK_REDIS_OPTIONS: '{oops' })).toMatch(/^TICKSTOCK_REDIS_OPTIONS: /)
  })

  it('--memory keeps everything in memory: dataDir null, even with --data or TICKSTOCK_DATA', () => {
    expect(serveConfig(['--memory'], {}).config.dataDir).toBeNull()
    expect(serveConfig(['--memory', '--data', '/tmp/x'], { TICKSTOCK_DATA: '/tmp/y' }).config.dataDir).toBeNull()
  })

  it('--data, else TICKSTOCK_DATA, resolved to an absolute path', () => {
    expect(serveConfig(['--data', 'rel/dir'], { TICKSTOCK_DATA: '/tmp/y' }).config.dataDir).toBe(resolve('rel/dir'))
    expect(serveConfig([], { TICKSTOCK_DATA: '/tmp/y' }).config.dataDir).toBe('/tmp/y')
  })

  it('sets only the thresholds given; the engine fills in the defaults 0.6 / 0.7 / 0.7', () => {
    const r = serveConfig(['--threshold-intraday', '0.85'], {})
    expect(engineConfigSchema.parse(r.config).thresholds).toEqual({ daily: 0.6, intraday: 0.85, combo: 0.7 })
    expect(engineConfigSchema.parse(serveConfig([], {}).config).thresholds).toEqual({ daily: 0.6, intraday: 0.7, combo: 0.7 })
  })

  it.each([
    [['--threshold-daily', '1.5'], '--threshold-daily'],
    [['--threshold-intraday=-0.1'], '--threshold-intraday'],
    [['--threshold-combo', 'high'], '--threshold-combo'],
    [['--retention-days', '0'], '--retention-days'],
    [['--retention-days', 'forever'], '--retention-days'],
    [['--confluence-window-min', '0'], '--confluence-window-min'],
    [['--confluence-window-min', 'day'], '--confluence-window-min'],
    [['--demo-rate=-1'], '--demo-rate'],
    [['--port', '70000'], '--port'],
    [['--port', 'http'], '--port'],
    [['--port', '80.5'], '--port'],
  ])('refuses %j with a message naming %s', (argv, flag) => {
    expect(refusal(argv)).toMatch(new RegExp(`^${flag}: `))
  })

  it('refuses an unknown flag or a flag missing its value as a usage error', () => {
    expect(refusal(['--treshold-daily', '0.5'])).toContain('--treshold-daily')
    expect(refusal(['--redis'])).toContain('--redis')
    expect(refusal(['--threshold-daily', '-0.5'])).toContain('--threshold-daily')
  })

  it('converts the confluence window from minutes', () => {
    expect(serveConfig(['--confluence-window-min', '90'], {}).config.confluenceWindowMs).toBe(90 * 60_000)
  })

  it('takes host, port and token', () => {
    expect(serveConfig(['--host', '0.0.0.0', '--port', '0', '--token', 't0k'], {})).toMatchObject({ host: '0.0.0.0', port: 0, token: 't0k' })
  })

  it('produces a config the engine accepts', () => {
    const r = serveConfig(['--redis', 'redis://h:6379', '--retention-days', '30', '--demo-rate', '50', '--threshold-combo', '0.75'], {})
    const parsed = engineConfigSchema.parse(r.config)
    expect(parsed).toMatchObject({ retentionDays: 30, thresholds: { combo: 0.75 }, redis: { url: 'redis://h:6379', options: {} } })
    expect(parsed.demo.rate).toBe(50)
  })
})
