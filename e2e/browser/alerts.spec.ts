/**
 * Alerts end to end in Debian Chromium: a real Redis, the headless host on it
 * and the simulator publishing (e2e/support/fixtures.ts), one stack per test.
 * The test publishes its own TickStockPL detections for a ticker the
 * simulator never uses, so every alert seen is one the test caused. The
 * page's Web Notifications are recorded by wrapping `window.Notification`
 * (headless Chromium shows none); what the screen shows is checked against
 * the host's own answers (REST and the contract over /ws).
 */
import { Redis } from 'ioredis'
import type { Alert, AlertRuleInput, ChannelState } from '../../src/shared/alerts'
import { buildUniverse } from '../../src/main/engine/sim/universe'
import { BrowserNotifications } from '../pages/alert-pages'
import { HostApi } from '../pages/host-api'
import type { TerminalPage } from '../pages/terminal-page'
import { test, expect, type TerminalStack } from '../support/fixtures'

/** A made-up ticker: no simulator universe holds it (checked below), so only this test's detections name it. */
const SYMBOL = 'ZZAL'
const PATTERN = 'Hammer'
const RULE_NAME = 'ZZAL hammers'
const CHANNEL = 'tickstock.events.patterns'

/** TickStockPL's streaming shape (WIRE.md, variant 4): implicitly intraday. */
function streamingPattern(d: { symbol?: string; pattern?: string; confidence?: number; at: number; close?: number }): string {
  return JSON.stringify({
    type: 'streaming_pattern',
    detection: {
      pattern: d.pattern ?? PATTERN,
      symbol: d.symbol ?? SYMBOL,
      confidence: d.confidence ?? 0.86,
      timestamp: d.at / 1000,
      timeframe: '1min',
      bar_data: { open: 12.1, high: 12.5, low: 11.6, close: d.close ?? 12.34, volume: 18_000 },
      metadata: { session_id: 'e2e-alerts' },
    },
  })
}

/** Publishes into the stack's Redis as TickStockPL would. One connection: messages arrive in the order sent. */
class Wire {
  private constructor(private readonly redis: Redis) {}
  static async connect(stack: TerminalStack): Promise<Wire> {
    const redis = new Redis(stack.redisUrl!, { lazyConnect: true, maxRetriesPerRequest: 1 })
    await redis.connect()
    return new Wire(redis)
  }
  /** Resolves with the number of subscribers that got it (the host: at least 1). */
  async publish(message: string): Promise<number> {
    return this.redis.publish(CHANNEL, message)
  }
  async close(): Promise<void> {
    await this.redis.quit()
  }
}

/** The rule the tests build, as data (the editor builds the same through its UI in the first test). */
const RULE: AlertRuleInput = {
  name: RULE_NAME,
  enabled: true,
  when: {
    kind: 'group',
    op: 'and',
    items: [
      { kind: 'pattern', names: [PATTERN] },
      { kind: 'symbol', include: [SYMBOL] },
      { kind: 'confidence', min: 0.8 },
    ],
  },
  actions: { desktop: true, toast: true },
}

const stateOf = (a: Alert, channel: string): ChannelState | undefined => a.channels.find((c) => c.channel === channel)?.state

/** "HH:MM" in New York, `offsetMin` from now. */
function nyClock(offsetMin: number): string {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(Date.now() + offsetMin * 60_000)
  const get = (t: string) => parts.find((p) => p.type === t)!.value
  return `${get('hour')}:${get('minute')}`
}

async function historyFor(host: HostApi, symbol = SYMBOL): Promise<Alert[]> {
  return (await host.request('alerts.history', { symbol, limit: 100 })).alerts
}

/**
 * The terminal with the simulator's events flowing (so the host is subscribed
 * and anything published now reaches it), the rule editor over the chart and
 * the Alerts panel over the metrics.
 */
async function openAlertWorkspace(terminal: TerminalPage): Promise<void> {
  await terminal.goto()
  await terminal.board('intraday').waitForRows(5)
  await expect(terminal.status.mode).toHaveText(/live/i)
  await terminal.openPanel('alert-rules', terminal.panelHeader('chart'))
  await terminal.openPanel('alerts', terminal.panelHeader('tier-metrics'))
  await expect(terminal.alerts.empty).toHaveText('No alerts yet. They appear here when a rule fires.')
}

test.beforeAll(() => {
  // The premise of every test here: the simulator never publishes the test's ticker.
  expect(buildUniverse(500, 7).symbols).not.toContain(SYMBOL)
})

test('a rule built in the editor alerts on a matching detection: toast, Alerts panel, browser notification, history and the window title', async ({
  terminal,
  page,
  context,
  stack,
  request,
}) => {
  await BrowserNotifications.record(context)
  const notifications = new BrowserNotifications(page)
  await openAlertWorkspace(terminal)

  // Notifications are off until the trader allows them: the Alerts panel offers the button; the browser is told "Allow".
  expect(await notifications.permission()).toBe('default')
  await expect(terminal.alerts.permissionBanner).toContainText('Desktop notifications are off in this browser.')
  await BrowserNotifications.grant(context, stack.url)
  await terminal.alerts.enableNotifications.click()
  await expect(terminal.alerts.permissionBanner).toHaveCount(0)
  await expect(terminal.alerts.permissionNote).toHaveCount(0)
  expect(await notifications.permission()).toBe('granted')

  // The rule, through the editor: name, Hammer, only ZZAL, confidence >= 80%, desktop + toast.
  const editor = terminal.alertRules
  await expect(editor.editor).toHaveAttribute('data-rule-id', '')
  await editor.name.fill(RULE_NAME)
  const pattern = await editor.addCondition('pattern')
  await pattern.pickPattern(PATTERN)
  const symbols = await editor.addCondition('symbol')
  await symbols.includeSymbols.fill('zzal')
  await expect(symbols.includeSymbols).toHaveValue(SYMBOL)
  const confidence = await editor.addCondition('confidence')
  await confidence.confidenceLow.fill('80')
  await expect(confidence.confidenceText).toHaveText('80% – 100%')
  await editor.channel('desktop').check()
  await editor.channel('toast').check()
  await editor.channel('email').uncheck()
  const ruleId = await editor.saveRule()
  await expect(editor.notice).toHaveText(`Saved “${RULE_NAME}”.`)
  await expect(editor.rule(RULE_NAME)).toHaveAttribute('aria-selected', 'true')

  const host = await HostApi.connect(stack.url)
  const wire = await Wire.connect(stack)
  try {
    // Saved as built.
    const { rules } = await host.request('alerts.rules.list', {})
    expect(rules).toHaveLength(1)
    expect(rules[0]).toMatchObject({
      id: ruleId,
      name: RULE_NAME,
      enabled: true,
      when: { kind: 'group', op: 'and', items: [{ kind: 'pattern', names: [PATTERN] }, { kind: 'symbol', include: [SYMBOL] }, { kind: 'confidence', min: 0.8 }] },
      actions: { desktop: true, toast: true, email: false, sound: null },
    })

    // The producer publishes a matching detection.
    expect(await wire.publish(streamingPattern({ at: Date.now(), confidence: 0.86, close: 12.34 }))).toBeGreaterThan(0)

    // A toast: symbol, pattern, rule name.
    const toast = terminal.toasts.forSymbol(SYMBOL)
    await expect(toast).toHaveCount(1)
    // Held on screen while the test reads it (a hovered stack keeps its toasts).
    await toast.hover()
    const shown = await terminal.toasts.read(toast)
    expect(shown).toMatchObject({ symbol: SYMBOL, pattern: PATTERN, rule: RULE_NAME })
    await expect(toast).toContainText('Intraday')
    await expect(toast).toContainText('86%')
    await expect(toast).toContainText('$12.34')

    // The Alerts panel lists it, unread, with its channels; both end up sent.
    const row = terminal.alerts.row(shown.id)
    await expect(row).toBeVisible()
    await expect(row).toHaveAttribute('data-read', 'false')
    await expect(row).toHaveClass(/\bunread\b/)
    await expect(row.locator('[data-channel="desktop"]')).toHaveAttribute('data-state', 'sent')
    await expect(row.locator('[data-channel="toast"]')).toHaveAttribute('data-state', 'sent')
    const [rowData] = await terminal.alerts.readRows(row)
    expect(rowData).toMatchObject({ symbol: SYMBOL, pattern: PATTERN, rule: RULE_NAME, read: false, suppressed: false, held: null })
    expect(rowData!.channels).toEqual([
      { channel: 'desktop', state: 'sent', title: 'Desktop notification: sent' },
      { channel: 'toast', state: 'sent', title: 'Toast: sent' },
    ])
    await expect(terminal.alerts.rows).toHaveCount(1)
    await expect(terminal.alerts.unread).toHaveText('1 unread')
    await expect(terminal.alerts.tabBadge).toHaveText('(1)')

    // A browser notification, titled as the desktop host titles its own.
    await expect.poll(() => notifications.list()).toEqual([
      { title: `${SYMBOL} ${PATTERN}`, body: `Intraday · 86% · $12.34 · rule ${RULE_NAME}`, tag: `tickstock-alert-${shown.id}`, error: null },
    ])

    // The window title counts the unread alert.
    await expect(page).toHaveTitle('(1) TickStock Terminal')

    // History (REST and the contract) records it with the channels the page reported.
    await expect
      .poll(async () => {
        const res = await request.get(`/api/alerts/history?symbol=${SYMBOL}`)
        expect(res.ok()).toBe(true)
        const { alerts } = (await res.json()) as { alerts: Alert[] }
        return alerts.map((a) => ({ id: a.id, desktop: stateOf(a, 'desktop'), toast: stateOf(a, 'toast') }))
      }, { message: 'history: desktop and toast sent' })
      .toEqual([{ id: shown.id, desktop: 'sent', toast: 'sent' }])
    const [alert] = await historyFor(host)
    expect(alert).toMatchObject({
      id: shown.id,
      ruleId,
      ruleName: RULE_NAME,
      symbol: SYMBOL,
      pattern: PATTERN,
      tier: 'intraday',
      confidence: 0.86,
      price: 12.34,
      suppressedBy: null,
      read: false,
      test: false,
    })
    expect(alert!.matched.length).toBeGreaterThanOrEqual(3)

    // Opening the alert from its toast reads it: the count and the title follow.
    await toast.getByTestId('alert-toast-open').click()
    await expect(toast).toHaveCount(0)
    await expect(row).toHaveAttribute('data-read', 'true')
    await expect(terminal.alerts.unread).toHaveText('0 unread')
    await expect(page).toHaveTitle('TickStock Terminal')
    await expect(terminal.chart.root).toHaveAttribute('data-symbol', SYMBOL)
  } finally {
    host.close()
    await wire.close()
  }
  expect(terminal.errors).toEqual([])
})

test('a redelivered detection does not alert twice: one toast, one notification, one alert in history', async ({ terminal, page, context, stack }) => {
  await BrowserNotifications.record(context)
  await BrowserNotifications.grant(context, stack.url)
  const notifications = new BrowserNotifications(page)
  const host = await HostApi.connect(stack.url)
  const wire = await Wire.connect(stack)
  try {
    const { rule } = await host.request('alerts.rules.save', { rule: RULE })
    await openAlertWorkspace(terminal)
    await expect(terminal.alerts.permissionBanner).toHaveCount(0)

    const at = Date.now()
    const detection = streamingPattern({ at, confidence: 0.88 })
    await wire.publish(detection)
    const toast = terminal.toasts.forSymbol(SYMBOL)
    await expect(toast).toHaveCount(1)
    await toast.hover()
    const first = await terminal.toasts.read(toast)
    await expect.poll(() => notifications.titles()).toEqual([`${SYMBOL} ${PATTERN}`])
    await expect
      .poll(async () => (await historyFor(host)).map((a) => [a.id, stateOf(a, 'desktop'), stateOf(a, 'toast')]))
      .toEqual([[first.id, 'sent', 'sent']])
    const duplicatesBefore = (await host.request('health.get', {})).ingest.duplicates

    // The same message again (a redelivery), then a new detection: once that one has alerted, the host has been through the copy.
    await wire.publish(detection)
    await wire.publish(streamingPattern({ at: at + 60_000, confidence: 0.91 }))
    await expect(toast).toHaveCount(2)
    await expect.poll(() => notifications.titles()).toHaveLength(2)

    const alerts = await historyFor(host)
    expect(alerts.map((a) => a.detectedAt)).toEqual([at + 60_000, at])
    expect(alerts.filter((a) => a.detectedAt === at)).toHaveLength(1)
    expect(alerts.every((a) => a.ruleId === rule.id)).toBe(true)
    // One notification per alert (tagged with its id), none for the copy.
    const tags = (await notifications.list()).map((n) => n.tag)
    expect(tags.sort()).toEqual(alerts.map((a) => `tickstock-alert-${a.id}`).sort())
    expect((await terminal.toasts.readAll()).map((t) => t.id).sort()).toEqual(alerts.map((a) => a.id).sort())
    await expect(terminal.alerts.rowsFor(SYMBOL)).toHaveCount(2)
    await expect(terminal.alerts.unread).toHaveText('2 unread')
    await expect(page).toHaveTitle('(2) TickStock Terminal')
    // The engine saw the copy and dropped it as a duplicate.
    expect((await host.request('health.get', {})).ingest.duplicates).toBeGreaterThan(duplicatesBefore)
  } finally {
    host.close()
    await wire.close()
  }
  expect(terminal.errors).toEqual([])
})

test('quiet hours hold an alert back: no toast or notification, and the Alerts panel and history say why', async ({ terminal, page, context, stack }) => {
  await BrowserNotifications.record(context)
  await BrowserNotifications.grant(context, stack.url)
  const notifications = new BrowserNotifications(page)
  const host = await HostApi.connect(stack.url)
  const wire = await Wire.connect(stack)
  try {
    const { rule } = await host.request('alerts.rules.save', { rule: RULE })
    await openAlertWorkspace(terminal)

    // In the editor: the rule, quiet from an hour ago to an hour from now (New York), saved.
    const editor = terminal.alertRules
    await editor.rule(RULE_NAME).click()
    await expect(editor.editor).toHaveAttribute('data-rule-id', rule.id)
    const [from, to] = [nyClock(-60), nyClock(60)]
    await editor.setQuietHours(from, to)
    await expect(editor.dirty).toBeVisible()
    await editor.saveRule()
    const { rules } = await host.request('alerts.rules.list', {})
    expect(rules.find((r) => r.id === rule.id)?.noise.quietHours).toEqual({ from, to })

    // A new matching detection arrives during quiet hours.
    const at = Date.now()
    await wire.publish(streamingPattern({ at, confidence: 0.9 }))

    // Listed, held back, with the reason on the row and on each channel.
    const rows = terminal.alerts.rowsFor(SYMBOL)
    await expect(rows).toHaveCount(1)
    await expect(rows).toHaveClass(/\bsuppressed\b/)
    const [row] = await terminal.alerts.readRows(rows)
    expect(row).toMatchObject({ symbol: SYMBOL, pattern: PATTERN, rule: RULE_NAME, suppressed: true, held: { text: 'held', title: 'Held back by quiet hours' } })
    expect(row!.channels).toEqual([
      { channel: 'desktop', state: 'suppressed', title: 'Desktop notification: suppressed by quiet hours' },
      { channel: 'toast', state: 'suppressed', title: 'Toast: suppressed by quiet hours' },
    ])

    // History says so too.
    const alerts = await historyFor(host)
    expect(alerts).toHaveLength(1)
    expect(alerts[0]).toMatchObject({ id: row!.id, detectedAt: at, suppressedBy: 'quiet_hours' })
    expect(alerts[0]!.channels.map((c) => [c.channel, c.state, c.reason])).toEqual([
      ['desktop', 'suppressed', 'quiet_hours'],
      ['toast', 'suppressed', 'quiet_hours'],
    ])

    // Nothing was raised: the page judged the alert on the same push that listed it, and the host refuses to hand out its notification.
    await expect(terminal.toasts.toasts).toHaveCount(0)
    expect(await host.request('alerts.claim', { id: row!.id })).toEqual({ claimed: false })
    expect(await notifications.list()).toEqual([])
  } finally {
    host.close()
    await wire.close()
  }
  expect(terminal.errors).toEqual([])
})

test("the editor's preview counts the stored detections a rule would have matched, and Send test raises a test alert", async ({ terminal, page, context, stack }) => {
  await BrowserNotifications.record(context)
  await BrowserNotifications.grant(context, stack.url)
  const notifications = new BrowserNotifications(page)
  const host = await HostApi.connect(stack.url)
  const wire = await Wire.connect(stack)
  try {
    await openAlertWorkspace(terminal)
    // Detections before any rule exists: three Hammers >= 80%, one below, one other pattern.
    const t0 = Date.now() - 10 * 60_000
    const published = [
      streamingPattern({ at: t0, confidence: 0.85 }),
      streamingPattern({ at: t0 + 60_000, confidence: 0.9 }),
      streamingPattern({ at: t0 + 120_000, confidence: 0.82 }),
      streamingPattern({ at: t0 + 180_000, confidence: 0.72 }),
      streamingPattern({ at: t0 + 240_000, confidence: 0.88, pattern: 'Doji' }),
    ]
    for (const m of published) await wire.publish(m)
    // The Doji is the last one sent: once it is stored, so are the others that pass the tier's threshold.
    let stored: { pattern: string; confidence: number }[] = []
    await expect
      .poll(async () => {
        stored = (await host.request('patterns.symbol', { symbol: SYMBOL })).patterns
        return stored.some((p) => p.pattern === 'Doji')
      }, { message: 'the detections stored' })
      .toBe(true)
    const hammers = stored.filter((p) => p.pattern === PATTERN)
    expect(hammers.filter((p) => p.confidence >= 0.8)).toHaveLength(3)

    // Built in the editor: the preview follows the conditions.
    const editor = terminal.alertRules
    await editor.name.fill(RULE_NAME)
    const pattern = await editor.addCondition('pattern')
    await pattern.pickPattern(PATTERN)
    const symbols = await editor.addCondition('symbol')
    await symbols.includeSymbols.fill(SYMBOL)
    await expect(editor.preview).toHaveAttribute('data-status', 'done')
    // A host recording for minutes says so, and its rate is per day over those minutes.
    await expect(editor.previewSentence).toHaveText(new RegExp(`^Would have fired ${hammers.length} times in the \\d+ minutes? stored \\(≈ [\\d,]+/day\\)\\.$`))
    await editor.addCondition('confidence')
    await expect(editor.previewSentence).toHaveText(/^Would have fired 3 times in the \d+ minutes? stored \(≈ [\d,]+\/day\)\.$/)
    await expect(editor.preview).toHaveAttribute('data-status', 'done')
    await expect(editor.previewExamples).toHaveCount(3)
    for (const ex of await editor.previewExamples.all()) await expect(ex).toContainText(SYMBOL)

    // Saved, then "Send test": a test alert through the rule's channels.
    const ruleId = await editor.saveRule()
    await editor.sendTest.click()
    await expect(editor.testResult).toHaveText(/^Test alert #\d+: desktop \w+ · toast \w+$/)
    const testId = Number(/#(\d+)/.exec((await editor.testResult.textContent()) ?? '')![1])
    const toast = terminal.toasts.toast(testId)
    await expect(toast).toBeVisible()
    await expect(toast).toContainText('test')
    expect(await terminal.toasts.read(toast)).toMatchObject({ symbol: SYMBOL, pattern: PATTERN, rule: RULE_NAME })
    await expect.poll(() => notifications.titles()).toEqual([`[test] ${SYMBOL} ${PATTERN}`])
    await expect(terminal.alerts.row(testId).locator('.alert-tag')).toHaveText('test')
    await expect
      .poll(async () => {
        const [a] = (await host.request('alerts.history', { ruleId, limit: 10 })).alerts
        return a && { id: a.id, test: a.test, desktop: stateOf(a, 'desktop'), toast: stateOf(a, 'toast') }
      })
      .toEqual({ id: testId, test: true, desktop: 'sent', toast: 'sent' })
    // A test never counts in the rule's statistics.
    const { rules: stats } = await host.request('alerts.stats', {})
    expect(stats.find((s) => s.ruleId === ruleId)?.fired ?? 0).toBe(0)
  } finally {
    host.close()
    await wire.close()
  }
  expect(terminal.errors).toEqual([])
})
