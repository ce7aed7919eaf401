import { describe, expect, it } from 'vitest'
import { redactUrl } from './redact'

describe('redactUrl', () => {
  it.each([
    ['redis://:s3cret@redis.example.com:6379/0', 's3cret', 'redis.example.com:6379'],
    ['rediss://trader:hunter2@redis.example.com:6380', 'hunter2', 'rediss://trader:***@redis.example.com:6380'],
    ['redis://u:p@ss@host:6379/1', 'p@ss', 'redis://u:***@host:6379/1'],
    ['redis://:pa?ss@host:6379?db=1', 'pa?ss', '@host:6379?db=1'],
    ['trader:hunter2@redis.example.com:6379', 'hunter2', 'redis.example.com:6379'],
    ['//:hunter2@redis.example.com', 'hunter2', 'redis.example.com'],
    ['redis://default:p%40ss@10.0.0.5:6379/2', 'p%40ss', '10.0.0.5:6379/2'],
    ['redis://:pa/ss@host:6379', 'pa/ss', '***'],
    ['redis://:pa ss@host:6379', 'pa ss', '***'],
  ])('hides the password of %s', (url, secret, kept) => {
    const out = redactUrl(url)
    expect(out).not.toContain(secret)
    expect(out).toContain(kept)
  })

  it('hides a password given as a query option', () => {
    const out = redactUrl('redis://redis.example.com:6379/0?password=s3cret&db=1')
    expect(out).not.toContain('s3cret')
    expect(out).toContain('db=1')
  })

  it('hides sentinel passwords in the query too', () => {
    expect(redactUrl('redis://h:1?sentinelPassword=abc&name=mymaster')).toBe('redis://h:1?sentinelPassword=***&name=mymaster')
  })

  it('leaves a URL without a password as it was, a username included', () => {
    for (const u of ['redis://localhost:6379', 'redis://127.0.0.1:6379/0', 'rediss://trader@redis.example.com:6380', 'redis://h:6379?db=2&family=6', '/tmp/redis.sock?db=2'])
      expect(redactUrl(u)).toBe(u)
  })
})
