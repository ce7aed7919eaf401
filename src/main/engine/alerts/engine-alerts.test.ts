/**
 * Alerts through the whole engine: wire messages in (the same normalizer as
 * Redis), rules saved through the contract, alerts written to a real SQLite
 * file before they are pushed, email to a real SMTP server started here,
 * webhooks to a local HTTP server that fails first, and what survives a
 * restart. The clock is injected.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import type { Alert, AlertRule, AlertSettings, RulePreview, RuleStats } from '../../../shared/alerts'
import type { Result } from '../../../shared/contract'
import { engineConfigSchema } from '../config'
import { Engine } from '../engine'
import type { EngineToHost } from '../port'
import { ManualFeed } from '../test-support/manual-feed'
import { SECRETS_FILE } from './secrets'

const ok = <T>(r: Result<unknown>): T => {
  if (!r.ok) throw new Error(`request failed: ${JSON.stringify(r.error)}`)
  return r.value as T
}

// Wednesday 2025-12-17 11:00 New York (regular session).
const T0 = Date.parse('2025-12-17T16:00:00Z')

interface Harness {
  engine: Engine
  feed: ManualFeed
  pushed: Alert[]
  unread: number[]
  rulesVersions: number[]
  clock: { now: number }
  send(symbol: string, pattern: string, confidence: number, at?: number): void
}

const dirs: string[] = []
const engines: Engine[] = []
const servers: { close(cb: () => void): void }[] = []
afterEach(async () => {
  for (const e of engines.splice(0)) await e.dispose()
  for (const s of servers.splice(0)) await new Promise<void>((r) => s.close(() => r()))
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
})

function dataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'tickstock-alerts-'))
  dirs.push(d)
  return d
}

function start(dir: string, clock = { now: T0 }): Harness {
  const feed = new ManualFeed()
  const pushed: Alert[] = []
  const unread: number[] = []
  const rulesVersions: number[] = []
  const engine = new Engine({
    config: engineConfigSchema.parse({ dataDir: dir, redis: { url: 'redis://127.0.0.1:1' } }),
    source: feed,
    now: () => clock.now,
    post: (m: EngineToHost) => {
      if (m.t !== 'push') return
      for (const p of m.parts) {
        if (m.topic === 'alerts') pushed.push(...(p.payload as Alert[]))
        if (m.topic === 'alertsUnread') unread.push((p.payload as { unread: number }).unread)
        if (m.topic === 'alertRules') rulesVersions.push((p.payload as { version: number }).version)
      }
    },
  })
  engines.push(engine)
  engine.start()
  engine.onHostMessage({ t: 'sub', cid: 1, sid: 1, topic: 'alerts', filter: {} })
  engine.onHostMessage({ t: 'sub', cid: 1, sid: 2, topic: 'alertsUnread', filter: {} })
  const send = (symbol: string, pattern: string, confidence: number, at = clock.now): void =>
    feed.send('tickstock.events.patterns', {
      type: 'streaming_pattern',
      detection: { pattern, symbol, confidence, timestamp: Math.floor(at / 1000), timeframe: '1min', bar_data: { close: 182.4 } },
    })
  return { engine, feed, pushed, unread, rulesVersions, clock, send }
}

const frame = (): Promise<void> => new Promise((r) => setTimeout(r, 40))

const hammerRule = (over: Record<string, unknown> = {}) => ({
  name: 'Hammers',
  when: {
    kind: 'group',
    op: 'and',
    items: [
      { kind: 'pattern', names: ['Hammer'] },
      { kind: 'confidence', min: 0.8 },
    ],
  },
  actions: { desktop: true, toast: true, sound: 'chime' },
  ...over,
})

describe('alerts through the engine (real SQLite file)', () => {
  it('a matching event alerts once, with what matched, before delivery; a duplicate publication does not alert again', async () => {
    const h = start(dataDir())
    h.engine.onHostMessage({ t: 'sub', cid: 1, sid: 3, topic: 'alertRules', filter: {} })
    await frame()
    const before = h.rulesVersions.at(-1)!
    const { rule } = ok<{ rule: AlertRule }>(h.engine.handle('alerts.rules.save', { rule: hammerRule() }))
    h.send('AAPL', 'Hammer', 0.86)
    h.send('MSFT', 'Hammer', 0.7) // below the rule's minimum
    h.send('NVDA', 'Doji', 0.95) // another pattern
    await frame()
    expect(h.pushed).toHaveLength(1)
    // Every window's rule editor hears that the rules changed.
    expect(h.rulesVersions.at(-1)).toBeGreaterThan(before)
    const a = h.pushed[0]!
    expect(a).toMatchObject({ ruleId: rule.id, ruleName: 'Hammers', symbol: 'AAPL', pattern: 'Hammer', tier: 'intraday', confidence: 0.86, price: 182.4, suppressedBy: null, read: false, test: false })
    expect(a.matched).toEqual(expect.arrayContaining([expect.stringMatching(/Hammer/), expect.stringMatching(/0\.86/)]))
    expect(a.channels.map((c) => [c.channel, c.state, c.target])).toEqual([
      ['desktop', 'pending', null],
      ['toast', 'pending', null],
      ['sound', 'pending', 'chime'],
    ])
    expect(h.unread.at(-1)).toBe(1)
    // Stored before it was pushed.
    expect(ok<{ alerts: Alert[] }>(h.engine.handle('alerts.history', {})).alerts.map((x) => x.id)).toEqual([a.id])

    // The producer publishes the same detection again (a redelivery): no second alert.
    h.send('AAPL', 'Hammer', 0.86)
    await frame()
    expect(h.pushed).toHaveLength(1)

    // One window claims the desktop notification; the second does not. Reports are recorded.
    expect(ok<{ claimed: boolean }>(h.engine.handle('alerts.claim', { id: a.id })).claimed).toBe(true)
    expect(ok<{ claimed: boolean }>(h.engine.handle('alerts.claim', { id: a.id })).claimed).toBe(false)
    const reported = ok<{ alert: Alert }>(h.engine.handle('alerts.report', { id: a.id, channel: 'desktop', state: 'sent' })).alert
    expect(reported.channels[0]).toMatchObject({ channel: 'desktop', state: 'sent', attempts: 1 })
    const marked = ok<{ unread: number }>(h.engine.handle('alerts.mark', { ids: [a.id], acknowledged: true, feedback: 'useful' }))
    expect(marked.unread).toBe(0)
    // No window delivered the toast or the sound within 30 s: recorded failed, not left pending.
    h.clock.now += 31_000
    await new Promise((r) => setTimeout(r, 1100))
    const settled = ok<{ alerts: Alert[] }>(h.engine.handle('alerts.history', {})).alerts[0]!.channels
    expect(settled.map((c) => [c.channel, c.state])).toEqual([
      ['desktop', 'sent'],
      ['toast', 'suppressed'],
      ['sound', 'suppressed'],
    ])
    expect(settled[1]!.reason).toBe('not shown: no terminal window was open')
    const stats = ok<{ rules: RuleStats[] }>(h.engine.handle('alerts.stats', {})).rules
    expect(stats).toEqual([expect.objectContaining({ ruleId: rule.id, fired: 1, delivered: 1, acknowledged: 1, useful: 1, usefulShare: 1 })])
  })

  it('a failed alert write (disk full) loses that batch only: the engine goes on, unread and cooldowns are not counted for it', async () => {
    const dir = dataDir()
    const h = start(dir)
    ok(h.engine.handle('alerts.rules.save', { rule: hammerRule({ noise: { cooldownMinutes: 30 } }) }))
    // A real SQLite error on the alerts table, as a full disk would give.
    const db = new BetterSqlite3(join(dir, 'tickstock.db'))
    db.exec("CREATE TRIGGER fail_alerts BEFORE INSERT ON alerts BEGIN SELECT RAISE(ABORT, 'database or disk is full (simulated)'); END")
    h.send('AAPL', 'Hammer', 0.9)
    await frame()
    expect(h.pushed).toEqual([])
    expect(ok<{ alerts: Alert[]; unread: number }>(h.engine.handle('alerts.history', {}))).toEqual({ alerts: [], unread: 0 })
    db.exec('DROP TRIGGER fail_alerts')
    db.close()
    // The disk has room again: the next detection is delivered, not held back by a cooldown nobody saw.
    h.clock.now += 60_000
    h.send('AAPL', 'Hammer', 0.91)
    await frame()
    expect(h.pushed.map((a) => [a.symbol, a.suppressedBy])).toEqual([['AAPL', null]])
    expect(h.unread.at(-1)).toBe(1)
  })

  it('held-back alerts are in history but not in the unread count; an expired rule records nothing', async () => {
    const h = start(dataDir())
    ok(h.engine.handle('alerts.rules.save', { rule: hammerRule({ noise: { quietHours: { from: '09:00', to: '17:00' } } }) }))
    ok(h.engine.handle('alerts.rules.save', { rule: hammerRule({ name: 'Old', noise: { expiresAt: T0 - 1 } }) }))
    h.send('AAPL', 'Hammer', 0.9)
    await frame()
    expect(h.pushed.map((a) => [a.ruleName, a.suppressedBy, a.read])).toEqual([['Hammers', 'quiet_hours', true]])
    expect(ok<{ unread: number }>(h.engine.handle('alerts.history', {})).unread).toBe(0)
  })

  it('channels no window delivered are settled, not left pending: at shutdown, and after a crash at the next start', async () => {
    const dir = dataDir()
    let h = start(dir)
    ok(h.engine.handle('alerts.rules.save', { rule: hammerRule() }))
    h.send('AAPL', 'Hammer', 0.9)
    await frame()
    await engines.pop()!.dispose()
    h = start(dir)
    const [a] = ok<{ alerts: Alert[] }>(h.engine.handle('alerts.history', {})).alerts
    expect(a!.channels.map((c) => c.state)).toEqual(['suppressed', 'suppressed', 'suppressed'])
    await engines.pop()!.dispose()
    // A crash: the row is still pending on disk.
    const db = new BetterSqlite3(join(dir, 'tickstock.db'))
    db.prepare("UPDATE alerts SET channels = replace(channels, '\"state\":\"suppressed\"', '\"state\":\"pending\"')").run()
    db.close()
    h = start(dir)
    const [again] = ok<{ alerts: Alert[] }>(h.engine.handle('alerts.history', {})).alerts
    expect(again!.channels.map((c) => [c.state, c.reason])).toEqual([
      ['failed', 'the terminal stopped before it was delivered'],
      ['failed', 'the terminal stopped before it was delivered'],
      ['failed', 'the terminal stopped before it was delivered'],
    ])
  })

  it('refuses a bad rule with a message per field, and keeps nothing of it', () => {
    const h = start(dataDir())
    const bad = h.engine.handle('alerts.rules.save', {
      rule: { name: '', when: { kind: 'group', op: 'and', items: [{ kind: 'confidence', min: 0.9, max: 0.5 }, { kind: 'regime', in: ['Sideways'] }] } },
    })
    expect(bad.ok).toBe(false)
    if (!bad.ok) {
      expect(bad.error.code).toBe('bad_request')
      expect(Object.keys(bad.error.fields ?? {})).toEqual(expect.arrayContaining(['rule.name', 'rule.when.items.0', 'rule.when.items.1.in.0']))
    }
    const empty = h.engine.handle('alerts.rules.save', { rule: { name: 'Everything', when: { kind: 'group', op: 'and', items: [] } } })
    expect(empty.ok).toBe(false)
    if (!empty.ok) expect(empty.error.fields).toEqual({ 'rule.when.items': 'a rule needs at least one condition' })
    const noHook = h.engine.handle('alerts.rules.save', { rule: hammerRule({ actions: { webhooks: ['phone'] } }) })
    expect(noHook.ok).toBe(false)
    if (!noHook.ok) expect(noHook.error.fields).toEqual({ 'rule.actions.webhooks.0': 'no such webhook' })
    expect(ok<{ rules: AlertRule[] }>(h.engine.handle('alerts.rules.list', {})).rules).toEqual([])
  })

  it('quiet hours, cooldown and snooze hold alerts back and history says by what; cooldowns survive a restart', async () => {
    const dir = dataDir()
    const clock = { now: T0 }
    let h = start(dir, clock)
    const { rule } = ok<{ rule: AlertRule }>(h.engine.handle('alerts.rules.save', { rule: hammerRule({ noise: { cooldownMinutes: 30, quietHours: { from: '20:00', to: '07:00' } } }) }))
    h.send('AAPL', 'Hammer', 0.9)
    clock.now += 60_000
    h.send('AAPL', 'Hammer', 0.91) // a new detection a minute later: cooldown
    h.send('TSLA', 'Hammer', 0.91) // another symbol: delivered
    await frame()
    expect(h.pushed.map((a) => [a.symbol, a.suppressedBy])).toEqual([
      ['AAPL', null],
      ['AAPL', 'cooldown'],
      ['TSLA', null],
    ])
    expect(h.pushed[1]!.channels.every((c) => c.state === 'suppressed' && c.reason === 'cooldown')).toBe(true)

    // Restart ten minutes later: AAPL is still cooling down.
    await engines.pop()!.dispose()
    clock.now += 10 * 60_000
    h = start(dir, clock)
    h.send('AAPL', 'Hammer', 0.92)
    await frame()
    expect(h.pushed.map((a) => [a.symbol, a.suppressedBy])).toEqual([['AAPL', 'cooldown']])

    // 21:00 New York: quiet hours.
    clock.now = Date.parse('2025-12-18T02:00:00Z')
    h.send('AMD', 'Hammer', 0.9)
    // Snoozed until tomorrow.
    ok(h.engine.handle('alerts.rules.snooze', { id: rule.id, until: clock.now + 86_400_000 }))
    clock.now = Date.parse('2025-12-18T15:00:00Z')
    h.send('META', 'Hammer', 0.9)
    await frame()
    expect(h.pushed.slice(1).map((a) => [a.symbol, a.suppressedBy])).toEqual([
      ['AMD', 'quiet_hours'],
      ['META', 'snoozed'],
    ])
    const history = ok<{ alerts: Alert[] }>(h.engine.handle('alerts.history', { ruleId: rule.id })).alerts
    expect(history.map((a) => a.suppressedBy)).toEqual(['snoozed', 'quiet_hours', 'cooldown', null, 'cooldown', null])
  })

  it('previews a rule over the stored events of the last days, without alerting', async () => {
    const h = start(dataDir())
    for (let i = 0; i < 6; i++) {
      h.clock.now = T0 + i * 3_600_000
      h.send(i % 2 ? 'AAPL' : 'MSFT', i < 4 ? 'Hammer' : 'Doji', 0.85)
    }
    const p = ok<RulePreview>(h.engine.handle('alerts.rules.preview', { rule: hammerRule({ noise: { maxPerHour: 1 } }), days: 7 }))
    expect(p).toMatchObject({ days: 7, scanned: 6, matched: 4, delivered: 4 })
    expect(p.examples[0]).toMatchObject({ symbol: 'AAPL', pattern: 'Hammer' })
    await frame()
    expect(h.pushed).toEqual([])
  })

  it('webhook: a 503 then a retry that is delivered; the channel history says so', async () => {
    let calls = 0
    const bodies: string[] = []
    const server: Server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => (body += c.toString()))
      req.on('end', () => {
        calls++
        bodies.push(body)
        res.writeHead(calls === 1 ? 503 : 200).end(calls === 1 ? 'busy' : 'ok')
      })
    })
    servers.push(server)
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
    const port = (server.address() as AddressInfo).port
    const h = start(dataDir(), { now: Date.now() })
    const { smtpPasswordSet: _set, ...settings } = ok<AlertSettings>(h.engine.handle('alerts.settings.get', {}))
    ok(
      h.engine.handle('alerts.settings.set', {
        settings: { ...settings, webhooks: [{ id: 'desk', name: 'Desk', preset: 'custom', url: `http://127.0.0.1:${port}/hook`, template: null, headers: {}, enabled: true }] },
      }),
    )
    ok(h.engine.handle('alerts.rules.save', { rule: hammerRule({ actions: { desktop: false, toast: true, webhooks: ['desk'] } }) }))
    h.clock.now = Date.now()
    h.send('AAPL', 'Hammer', 0.9)
    const deadline = Date.now() + 8000
    let channel: Alert['channels'][number] | undefined
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100))
      h.clock.now = Date.now()
      channel = ok<{ alerts: Alert[] }>(h.engine.handle('alerts.history', {})).alerts[0]?.channels.find((c) => c.channel === 'webhook')
      if (channel?.state === 'sent') break
    }
    expect(channel).toMatchObject({ channel: 'webhook', target: 'desk', state: 'sent', attempts: 2 })
    expect(calls).toBe(2)
    expect(JSON.parse(bodies[1]!)).toMatchObject({ symbol: 'AAPL', pattern: 'Hammer' })
    // Every state change went to the clients.
    expect(h.pushed.filter((a) => a.channels.some((c) => c.channel === 'webhook' && c.state === 'pending' && c.reason?.includes('retrying')))).not.toHaveLength(0)
  }, 15_000)

  it('email to a real SMTP server (started here); the password is kept out of the database and the settings answer', async () => {
    const received: string[] = []
    const smtp = new SMTPServer({
      logger: false,
      authMethods: ['PLAIN', 'LOGIN'],
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth(auth, _s, cb) {
        if (auth.username === 'trader' && auth.password === 's3cret-pass') cb(null, { user: 'trader' })
        else cb(new Error('Invalid username or password'))
      },
      onData(stream, _s, cb) {
        let raw = ''
        stream.on('data', (c: Buffer) => (raw += c.toString()))
        stream.on('end', () => {
          received.push(raw)
          cb()
        })
      },
    })
    servers.push(smtp)
    await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()))
    const port = (smtp.server.address() as AddressInfo).port
    const dir = dataDir()
    const h = start(dir, { now: Date.now() })
    const set = ok<AlertSettings>(
      h.engine.handle('alerts.settings.set', {
        settings: { mute: false, webhooks: [], watchlists: [], smtp: { host: '127.0.0.1', port, secure: false, user: 'trader', from: 'terminal@example.com', to: ['me@example.com'] } },
        smtpPassword: 's3cret-pass',
      }),
    )
    expect(set.smtpPasswordSet).toBe(true)
    expect(JSON.stringify(set)).not.toContain('s3cret-pass')
    expect(statSync(join(dir, SECRETS_FILE)).mode & 0o777).toBe(0o600)
    ok(h.engine.handle('alerts.rules.save', { rule: hammerRule({ actions: { desktop: false, toast: false, email: true } }) }))
    h.send('AAPL', 'Hammer', 0.9, Date.now())
    const deadline = Date.now() + 8000
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(received).toHaveLength(1)
    expect(received[0]).toMatch(/Subject:.*AAPL.*Hammer/)
    expect(received[0]).toContain('To: me@example.com')
    await new Promise((r) => setTimeout(r, 50))
    const email = ok<{ alerts: Alert[] }>(h.engine.handle('alerts.history', {})).alerts[0]!.channels.find((c) => c.channel === 'email')
    expect(email).toMatchObject({ state: 'sent', target: 'me@example.com' })
  }, 15_000)
})
