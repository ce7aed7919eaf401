import path from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { alertRuleInputSchema, type ChannelStatus } from '../../../shared/alerts'
import { epochMs } from '../../../shared/domain'
import { openDatabase, type Database } from '../store/db'
import { tempDirs } from '../store/test-support'
import { AlertStore, detectionKey, type NewAlert } from './alert-store'

const dirs = tempDirs()
const open: Database[] = []
afterEach(() => {
  for (const db of open.splice(0)) db.close()
  dirs.cleanup()
})

function openStore(file?: string): { store: AlertStore; db: Database; file: string } {
  const f = file ?? path.join(dirs.make(), 'tickstock.db')
  const db = openDatabase(f)
  open.push(db)
  return { store: new AlertStore(db), db, file: f }
}

const rule = (name: string) =>
  alertRuleInputSchema.parse({ name, when: { kind: 'group', op: 'and', items: [{ kind: 'pattern', names: ['Hammer'] }, { kind: 'confidence', min: 0.8 }] } })

const sent = (channel: ChannelStatus['channel']): ChannelStatus => ({ channel, target: null, state: 'sent', reason: null, attempts: 1, at: epochMs(2) })

function alert(over: Partial<NewAlert> = {}): NewAlert {
  const base = { symbol: 'AAPL', patternKey: 'hammer', tier: 'intraday' as const, timeframe: '1min', detectedAt: 1_000 }
  return {
    ruleId: 'r1' as NewAlert['ruleId'],
    ruleName: 'Hammers',
    eventId: 1,
    eventKey: detectionKey(base),
    symbol: 'AAPL',
    pattern: 'Hammer',
    patternKey: 'hammer',
    tier: 'intraday',
    confidence: 0.9,
    priority: 'CRITICAL',
    price: 100,
    detectedAt: epochMs(1_000),
    firedAt: epochMs(2_000),
    urgency: 'critical',
    matched: ['pattern Hammer', 'confidence 0.90 >= 0.80'],
    suppressedBy: null,
    channels: [sent('toast')],
    read: false,
    acknowledged: false,
    feedback: null,
    test: false,
    ...over,
  }
}

describe('AlertStore (real SQLite file)', () => {
  it('keeps rules across a reopen, in the current format, with a new id for a new rule', () => {
    const { store, db, file } = openStore()
    const saved = store.saveRule(rule('Hammers'), 10)
    expect(saved.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(saved).toMatchObject({ name: 'Hammers', enabled: true, schemaVersion: 1, createdAt: 10, updatedAt: 10 })
    const again = store.saveRule({ ...rule('Hammers renamed'), id: saved.id }, 20)
    expect(again).toMatchObject({ id: saved.id, createdAt: 10, updatedAt: 20 })
    db.close()
    open.pop()
    const reopened = openStore(file).store
    expect(reopened.listRules()).toEqual({ rules: [again], unreadable: [] })
    expect(reopened.deleteRule(saved.id)).toBe(true)
    expect(reopened.deleteRule(saved.id)).toBe(false)
  })

  it('lists a stored rule it cannot read (newer format, damaged) with the reason, and keeps it', () => {
    const { store, db } = openStore()
    store.saveRule(rule('Good'), 1)
    db.prepare("INSERT INTO alert_rules VALUES ('future', 99, '{\"name\":\"x\"}', 1, 1)").run()
    db.prepare("INSERT INTO alert_rules VALUES ('broken', 1, '{not json', 1, 1)").run()
    db.prepare("INSERT INTO alert_rules VALUES ('bad', 1, '{\"name\":\"\",\"when\":{\"kind\":\"group\",\"op\":\"and\",\"items\":[]}}', 1, 1)").run()
    const { rules, unreadable } = store.listRules()
    expect(rules.map((r) => r.name)).toEqual(['Good'])
    expect(unreadable).toEqual([
      { id: 'bad', reason: 'name: a rule needs a name' },
      { id: 'broken', reason: expect.stringContaining('not JSON') },
      { id: 'future', reason: expect.stringContaining('newer version') },
    ].sort((a, b) => (a.id < b.id ? -1 : 1)))
    expect(db.prepare('SELECT count(*) FROM alert_rules').pluck().get()).toBe(4)
  })

  it('writes one alert per rule and detection: a redelivered event does not alert twice', () => {
    const { store } = openStore()
    const first = store.insertAlert(alert())
    expect(first?.id).toBe(1)
    expect(store.insertAlert(alert({ eventId: 99 }))).toBeNull() // same detection, new engine id (a restart)
    expect(store.insertAlert(alert({ ruleId: 'r2' as NewAlert['ruleId'] }))?.id).toBe(2) // another rule may alert on it
    // Test alerts are never "duplicates".
    expect(store.insertAlert(alert({ test: true }))?.id).toBe(3)
    expect(store.insertAlert(alert({ test: true }))?.id).toBe(4)
    expect(store.unread()).toBe(4)
    expect(store.getAlert(1)).toMatchObject({ id: 1, matched: ['pattern Hammer', 'confidence 0.90 >= 0.80'], channels: [sent('toast')] })
  })

  it('pages history newest first, filters, marks read / acknowledged / feedback and counts per rule', () => {
    const { store } = openStore()
    for (let i = 0; i < 5; i++) store.insertAlert(alert({ eventKey: `k${i}`, symbol: i % 2 ? 'MSFT' : 'AAPL' }))
    store.insertAlert(alert({ eventKey: 'k-s', suppressedBy: 'cooldown', channels: [{ ...sent('toast'), state: 'suppressed', reason: 'cooldown' }] }))
    store.insertAlert(alert({ eventKey: 'k-f', channels: [{ ...sent('webhook'), state: 'failed', reason: '503' }] }))
    expect(store.history({ limit: 3 }).map((a) => a.id)).toEqual([7, 6, 5])
    expect(store.history({ limit: 3, before: 5 }).map((a) => a.id)).toEqual([4, 3, 2])
    expect(store.history({ limit: 10, symbol: 'MSFT' }).map((a) => a.id)).toEqual([4, 2])
    expect(store.mark([1, 2], { acknowledged: true })).toBe(2)
    expect(store.getAlert(1)).toMatchObject({ read: true, acknowledged: true })
    expect(store.unread()).toBe(5)
    store.mark([3], { feedback: 'useful' })
    store.mark([4], { feedback: 'not_useful' })
    expect(store.history({ limit: 10, unreadOnly: true }).map((a) => a.id)).toEqual([7, 6, 5, 4, 3])
    expect(store.counts()).toEqual([{ ruleId: 'r1', ruleName: 'Hammers', fired: 7, delivered: 5, failed: 1, suppressed: 1, acknowledged: 2, useful: 1, notUseful: 1 }])
    expect(store.mark('all', { read: true })).toBe(5)
    expect(store.unread()).toBe(0)
    expect(store.deliveredSince(0).map((d) => d.symbol)).toHaveLength(6)
  })

  it('keeps dead letters and settings; settings it cannot read give the defaults and say why', () => {
    const { store, db } = openStore()
    const d = store.addDeadLetter({ alertId: 1, channel: 'webhook', target: 'ntfy-phone', reason: 'HTTP 400', attempts: 1, firstAt: 5, lastAt: 5 })
    expect(store.deadLetters(10)).toEqual([d])
    store.setDeadLetterResolved(d.id, true)
    expect(store.getDeadLetter(d.id)?.resolved).toBe(true)
    expect(store.getSettings()).toEqual({ settings: { mute: false, smtp: null, webhooks: [], watchlists: [] }, problem: null })
    store.setSettings({ mute: true, smtp: null, webhooks: [], watchlists: [{ name: 'Tech', symbols: ['AAPL'] }] })
    expect(store.getSettings().settings.watchlists).toEqual([{ name: 'Tech', symbols: ['AAPL'] }])
    db.prepare("UPDATE meta SET value = '{\"mute\":\"loud\"}' WHERE key = 'alertSettings'").run()
    expect(store.getSettings()).toMatchObject({ settings: { mute: false }, problem: expect.stringContaining('mute') })
  })
})
