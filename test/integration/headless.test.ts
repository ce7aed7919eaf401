/**
 * The headless host's HTTP surface on the demo feed (no Redis): REST answers
 * and errors, the token when bound beyond 127.0.0.1, Host/Origin checks, and
 * static files confined to the renderer folder.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startHeadless, type HeadlessHost } from '../../src/main/headless/server'

/** A raw GET, so the Host header and path can be anything. */
function get(port: number, path: string, headers: Record<string, string> = {}, host = '127.0.0.1'): Promise<{ status: number; body: string; headers: Record<string, string | string[] | undefined> }> {
  return new Promise((resolve, reject) => {
    request({ host, port, path, headers }, (res) => {
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }))
    })
      .on('error', reject)
      .end()
  })
}

function wsOutcome(url: string, headers: Record<string, string> = {}): Promise<'open' | 'refused'> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers })
    ws.once('open', () => {
      ws.close()
      resolve('open')
    })
    ws.once('error', () => resolve('refused'))
    ws.once('unexpected-response', () => resolve('refused'))
  })
}

describe('headless host on 127.0.0.1 (demo feed)', () => {
  let host: HeadlessHost
  let dir: string

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickstock-headless-'))
    const renderer = join(dir, 'renderer')
    mkdirSync(join(renderer, 'assets'), { recursive: true })
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>TickStock</title>')
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dir, 'secret.txt'), 'not for the browser')
    host = await startHeadless({ config: { dataDir: join(dir, 'data'), demo: { rate: 50 } }, port: 0, rendererDir: renderer, log: () => {} })
  })
  afterAll(async () => {
    await host?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('answers the tier feed with metadata, and names a bad query field', async () => {
    const ok = await get(host.port, '/api/patterns/intraday?limit=5&confidence_min=0.7')
    expect(ok.status).toBe(200)
    const body = JSON.parse(ok.body) as { patterns: { tier: string; confidence: number }[]; metadata: { count: number; response_time_ms: number } }
    expect(body.metadata.count).toBe(body.patterns.length)
    expect(typeof body.metadata.response_time_ms).toBe('number')
    expect(body.patterns.every((p) => p.tier === 'intraday' && p.confidence >= 0.7)).toBe(true)

    const bad = await get(host.port, '/api/patterns/daily?confidence_min=high')
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'bad_request', fields: { confidence_min: expect.any(String) } } })

    const tooMany = await get(host.port, '/api/patterns/daily?limit=50000')
    expect(tooMany.status).toBe(400)
    expect(JSON.parse(tooMany.body).error.fields).toHaveProperty('limit')

    expect((await get(host.port, '/api/patterns/weekly')).status).toBe(404)
    expect((await get(host.port, '/api/nothing')).status).toBe(404)
  })

  it('reports performance per tier and health in demo mode', async () => {
    const perf = JSON.parse((await get(host.port, '/api/patterns/performance')).body) as { tiers: Record<string, { threshold: number; confidenceHistogram: number[] }> }
    expect(Object.keys(perf.tiers)).toEqual(['daily', 'intraday', 'combo'])
    expect(perf.tiers.daily!.threshold).toBe(0.6)
    expect(perf.tiers.intraday!.confidenceHistogram).toHaveLength(10)
    const health = JSON.parse((await get(host.port, '/api/health')).body) as { mode: string; redis: { state: string } }
    expect(health).toMatchObject({ mode: 'demo', redis: { state: 'disabled' } })
  })

  it('sends a strict CSP and serves only files inside the renderer folder', async () => {
    const page = await get(host.port, '/')
    expect(page.status).toBe(200)
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'.*script-src 'self'/)
    expect((await get(host.port, '/assets/app.js')).headers['cache-control']).toMatch(/immutable/)
    const escape = await get(host.port, '/../secret.txt')
    expect(escape.body).not.toContain('not for the browser')
    const encoded = await get(host.port, '/%2e%2e/secret.txt')
    expect(encoded.body).not.toContain('not for the browser')
  })

  it('refuses another Host name (DNS rebinding) and a WebSocket from another origin', async () => {
    expect((await get(host.port, '/api/health', { Host: 'attacker.example' })).status).toBe(421)
    expect(await wsOutcome(`ws://127.0.0.1:${host.port}/ws`, { Origin: 'https://attacker.example' })).toBe('refused')
    expect(await wsOutcome(`ws://127.0.0.1:${host.port}/ws`, { Origin: `http://127.0.0.1:${host.port}` })).toBe('open')
  })
})

describe('headless host bound beyond 127.0.0.1', () => {
  let host: HeadlessHost

  beforeAll(async () => {
    // 127.0.0.2 is still this machine, but not the loopback address the host trusts without a token.
    host = await startHeadless({ config: { dataDir: null }, host: '127.0.0.2', port: 0, rendererDir: null, log: () => {} })
  })
  afterAll(async () => {
    await host?.close()
  })

  it('generates a token and requires it for REST and WebSocket', async () => {
    expect(host.token).toMatch(/^[\w-]{20,}$/)
    const p = host.port
    expect((await get(p, '/api/health', {}, '127.0.0.2')).status).toBe(401)
    expect((await get(p, '/api/health', { Authorization: 'Bearer wrong' }, '127.0.0.2')).status).toBe(401)
    expect((await get(p, '/api/health', { Authorization: `Bearer ${host.token}` }, '127.0.0.2')).status).toBe(200)
    const viaQuery = await get(p, `/api/health?token=${host.token}`, {}, '127.0.0.2')
    expect(viaQuery.status).toBe(200)
    expect(String(viaQuery.headers['set-cookie'])).toMatch(/tickstock_token=.*HttpOnly.*SameSite=Strict/)
    expect((await get(p, '/api/health', { Cookie: `tickstock_token=${host.token}` }, '127.0.0.2')).status).toBe(200)
    expect(await wsOutcome(`ws://127.0.0.2:${p}/ws`)).toBe('refused')
    expect(await wsOutcome(`ws://127.0.0.2:${p}/ws?token=${host.token}`)).toBe('open')
  })
})
