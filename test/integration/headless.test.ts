/**
 * The headless host's HTTP surface on the demo feed (no Redis): REST answers
 * and errors, the token when bound beyond 127.0.0.1, Host/Origin checks,
 * static files confined to the renderer folder, and requests that must not
 * take the process down (bad escapes, unreadable files, handler throws).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
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

/** A GET that also reports a response cut off midway (the host destroys it when a file fails after the headers). */
function getOutcome(port: number, path: string): Promise<{ status: number; complete: boolean }> {
  return new Promise((resolve) => {
    request({ host: '127.0.0.1', port, path }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0, complete: res.complete }))
      res.on('error', () => resolve({ status: res.statusCode ?? 0, complete: false }))
    })
      .on('error', () => resolve({ status: 0, complete: false }))
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

/** Any method with an optional JSON body. */
function call(port: number, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<{ status: number; json: unknown }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
    const req = request({ host: '127.0.0.1', port, path, method, headers: { ...(text !== undefined ? { 'Content-Type': 'application/json' } : {}), ...headers } }, (res) => {
      let out = ''
      res.setEncoding('utf8')
      res.on('data', (c: string) => (out += c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, json: out ? (JSON.parse(out) as unknown) : null }))
    })
    req.on('error', reject)
    req.end(text)
  })
}

describe('headless host on 127.0.0.1 (demo feed)', () => {
  let host: HeadlessHost
  let dir: string
  const logs: string[] = []

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tickstock-headless-'))
    const renderer = join(dir, 'renderer')
    mkdirSync(join(renderer, 'assets'), { recursive: true })
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>TickStock</title>')
    writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)')
    writeFileSync(join(dir, 'secret.txt'), 'not for the browser')
    // Files that stat as regular files but fail: at open (a write-only sysctl refuses even root) and at read (offset 0 of mem is unmapped).
    symlinkSync('/proc/sys/vm/drop_caches', join(renderer, 'assets', 'unopenable.js'))
    symlinkSync('/proc/self/mem', join(renderer, 'assets', 'unreadable.js'))
    host = await startHeadless({ config: { dataDir: join(dir, 'data'), demo: { rate: 50 } }, port: 0, rendererDir: renderer, log: (_level, msg) => logs.push(msg) })
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

  it('alert rules over REST: create, list, replace, test, history, delete; bad rules named by field; cross-site writes refused', async () => {
    const rule = { name: 'Hammers', when: { kind: 'group', op: 'and', items: [{ kind: 'pattern', names: ['Hammer'] }] }, actions: { desktop: false, toast: true } }
    const created = await call(host.port, 'POST', '/api/alerts/rules', rule)
    expect(created.status).toBe(200)
    const id = (created.json as { rule: { id: string } }).rule.id
    const listed = await call(host.port, 'GET', '/api/alerts/rules')
    expect((listed.json as { rules: { id: string; name: string }[] }).rules.map((r) => [r.id, r.name])).toEqual([[id, 'Hammers']])
    const replaced = await call(host.port, 'PUT', `/api/alerts/rules/${id}`, { ...rule, name: 'Hammers 2' })
    expect(replaced.json).toMatchObject({ rule: { id, name: 'Hammers 2' } })
    const tested = await call(host.port, 'POST', `/api/alerts/rules/${id}/test`)
    expect(tested.json).toMatchObject({ alert: { ruleId: id, test: true, pattern: 'Hammer' } })
    const history = await call(host.port, 'GET', `/api/alerts/history?rule=${id}&limit=5`)
    expect((history.json as { alerts: { test: boolean }[] }).alerts).toEqual([expect.objectContaining({ test: true })])

    const bad = await call(host.port, 'POST', '/api/alerts/rules', { name: '', when: { kind: 'group', op: 'and', items: [{ kind: 'confidence', min: 2 }] } })
    expect(bad.status).toBe(400)
    expect(Object.keys((bad.json as { error: { fields: object } }).error.fields)).toEqual(expect.arrayContaining(['rule.name', 'rule.when.items.0.min']))
    expect((await call(host.port, 'POST', '/api/alerts/rules', 'name=x', { 'Content-Type': 'application/x-www-form-urlencoded' })).status).toBe(415)
    expect((await call(host.port, 'POST', '/api/alerts/rules', '{nope')).status).toBe(400)
    expect((await call(host.port, 'DELETE', `/api/alerts/rules/${id}`, undefined, { Origin: 'http://evil.example' })).status).toBe(403)
    expect((await call(host.port, 'PUT', '/api/patterns/daily', {})).status).toBe(405)
    // Bad path escapes and query values are named, and the host keeps serving.
    const badEscape = await call(host.port, 'PUT', '/api/alerts/rules/%E0%A4%A', {})
    expect(badEscape.status).toBe(400)
    expect((badEscape.json as { error: { fields: object } }).error.fields).toHaveProperty('id')
    expect((await call(host.port, 'DELETE', '/api/alerts/rules/%E0%A4%A')).status).toBe(400)
    expect((await call(host.port, 'GET', '/api/alerts/history?limit=abc')).status).toBe(400)
    expect((await call(host.port, 'GET', '/api/alerts/rules')).status).toBe(200)

    expect((await call(host.port, 'DELETE', `/api/alerts/rules/${id}`)).json).toEqual({ deleted: true })
    expect((await call(host.port, 'DELETE', `/api/alerts/rules/${id}`)).json).toEqual({ deleted: false })
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
    const csp = String(page.headers['content-security-policy'])
    expect(csp).toMatch(/default-src 'self'.*script-src 'self'/)
    // 'self' covers the page's own ws:/wss:; bare ws: wss: would let a script reach any host.
    expect(csp.split('; ')).toContain("connect-src 'self'")
    expect(csp).not.toMatch(/\bwss?:/)
    expect((await get(host.port, '/assets/app.js')).headers['cache-control']).toMatch(/immutable/)
    const escape = await get(host.port, '/../secret.txt')
    expect(escape.body).not.toContain('not for the browser')
    const encoded = await get(host.port, '/%2e%2e/secret.txt')
    expect(encoded.body).not.toContain('not for the browser')
  })

  it('answers 400 to a malformed percent-escape or request target, and keeps serving', async () => {
    const bad = await get(host.port, '/%E0%A4%A')
    expect(bad.status).toBe(400)
    expect(JSON.parse(bad.body)).toMatchObject({ error: { code: 'bad_request' } })
    expect((await get(host.port, '//[')).status).toBe(400)
    expect((await get(host.port, '/api/health')).status).toBe(200)
  })

  it('answers 500 when a file fails at open, cuts the response when it fails midway, and keeps serving', async () => {
    const unopenable = await get(host.port, '/assets/unopenable.js')
    expect(unopenable.status).toBe(500)
    expect(JSON.parse(unopenable.body)).toMatchObject({ error: { code: 'internal' } })
    expect((await getOutcome(host.port, '/assets/unreadable.js')).complete).toBe(false)
    expect(logs.some((l) => l.includes('unopenable.js'))).toBe(true)
    expect((await get(host.port, '/api/health')).status).toBe(200)
  })

  it('answers 500 internal and logs it when handling a request throws, and keeps serving', async () => {
    const spy = vi.spyOn(host.engine, 'requestJson')
    try {
      spy.mockImplementationOnce(() => {
        throw new Error('boom in a handler')
      })
      const thrown = await get(host.port, '/api/health')
      expect(thrown.status).toBe(500)
      expect(JSON.parse(thrown.body)).toMatchObject({ error: { code: 'internal', message: expect.any(String) } })
      expect(thrown.body).not.toContain('boom')
      expect(logs.some((l) => l.includes('boom in a handler'))).toBe(true)

      spy.mockRejectedValueOnce(new Error('async boom'))
      const rejected = await get(host.port, '/api/health')
      expect(rejected.status).toBe(500)
      expect(JSON.parse(rejected.body)).toMatchObject({ error: { code: 'internal' } })
      expect(logs.some((l) => l.includes('async boom'))).toBe(true)
    } finally {
      spy.mockRestore()
    }
    expect((await get(host.port, '/api/health')).status).toBe(200)
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

  it('refuses a malformed token cookie without falling over', async () => {
    const p = host.port
    expect((await get(p, '/api/health', { Cookie: 'tickstock_token=%E0%A4%A' }, '127.0.0.2')).status).toBe(401)
    expect(await wsOutcome(`ws://127.0.0.2:${p}/ws`, { Cookie: 'tickstock_token=%E0%A4%A' })).toBe('refused')
    expect((await get(p, '/api/health', { Authorization: `Bearer ${host.token}` }, '127.0.0.2')).status).toBe(200)
  })
})
