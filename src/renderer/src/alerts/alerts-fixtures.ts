/**
 * Test doubles for the alerts client: a TerminalApi that answers the alert
 * requests from handlers the test sets (records every call, pushes topics on
 * demand, reports connection changes), alerts and settings to order, a
 * recording sound player and notification seam. Not used by the app.
 */
import { act } from 'react'
import { fail, ok, type RequestName, type RequestParams, type RequestResult, type Result, type TerminalApi, type TopicFilter, type TopicName, type TopicPayload } from '../../../shared/contract'
import { ruleId, type Alert, type AlertSettings, type ChannelStatus } from '../../../shared/alerts'
import { epochMs } from '../../../shared/domain'
import { createAlertController, type AlertController, type AlertControllerOptions } from './alert-controller'
import type { DesktopNotice, NoticeOutcome, NotificationPermissionState, NotificationSeam } from './notification-seam'
import type { PlayOutcome, SoundPlayer } from './sound-player'

/** 2024-03-15 14:31:05 UTC = 10:31:05 in New York (EDT). */
export const NOW = Date.UTC(2024, 2, 15, 14, 31, 5)

type Handler<K extends RequestName> = (params: RequestParams<K>) => Result<RequestResult<K>> | Promise<Result<RequestResult<K>>>

interface Sub {
  topic: TopicName
  listener: (payload: never) => void
  active: boolean
}

export class FakeAlertsApi implements TerminalApi {
  readonly calls: { method: RequestName; params: unknown }[] = []
  private readonly subs: Sub[] = []
  private readonly handlers = new Map<RequestName, Handler<RequestName>>()
  private readonly connection = new Set<(state: 'open' | 'closed') => void>()
  /** Alerts pushed so far, by id, as the engine holds them. */
  private readonly known = new Map<number, Alert>()

  constructor(readonly host: TerminalApi['host'] = 'browser') {
    // What a working engine answers unless a test says otherwise.
    this.answer('alerts.history', { alerts: [], unread: 0 })
    this.answer('alerts.settings.get', settings())
    // The engine answers a report with the alert as it now stands: the one pushed, with that channel updated.
    this.handle('alerts.report', (p) => {
      const a = this.known.get(p.id) ?? makeAlert(p.id)
      const channels = a.channels.map((c) => (c.channel === p.channel ? { ...c, state: p.state ?? 'sent', reason: p.reason ?? null, attempts: c.attempts + 1, at: epochMs(c.at + 1) } : c))
      const updated = { ...a, channels }
      this.known.set(p.id, updated)
      return ok({ alert: updated })
    })
    this.answer('alerts.claim', { claimed: true })
    this.handle('alerts.mark', () => ok({ updated: 1, unread: 0 }))
    this.answer('alerts.rules.list', { rules: [], unreadable: [] })
  }

  handle<K extends RequestName>(method: K, fn: Handler<K>): this {
    this.handlers.set(method, fn as unknown as Handler<RequestName>)
    return this
  }

  answer<K extends RequestName>(method: K, value: RequestResult<K>): this {
    return this.handle(method, () => ok(value))
  }

  refuse(method: RequestName, code: Parameters<typeof fail>[0], message: string, fields?: Record<string, string>): this {
    return this.handle(method, () => fail(code, message, fields))
  }

  invoke<K extends RequestName>(method: K, params: RequestParams<K>): Promise<Result<RequestResult<K>>> {
    this.calls.push({ method, params })
    const h = this.handlers.get(method) as Handler<K> | undefined
    return Promise.resolve(h ? h(params) : fail('unknown_method', `no fake handler for ${method}`))
  }

  subscribe<T extends TopicName>(topic: T, _filter: TopicFilter<T>, listener: (payload: TopicPayload<T>) => void): () => void {
    const sub: Sub = { topic, listener: listener as (payload: never) => void, active: true }
    this.subs.push(sub)
    return () => {
      sub.active = false
    }
  }

  onConnection(listener: (state: 'open' | 'closed') => void): () => void {
    this.connection.add(listener)
    return () => this.connection.delete(listener)
  }

  push<T extends TopicName>(topic: T, payload: TopicPayload<T>): void {
    if (topic === 'alerts') for (const a of payload as Alert[]) this.known.set(a.id, a)
    for (const s of this.subs) if (s.active && s.topic === topic) (s.listener as (p: TopicPayload<T>) => void)(payload)
  }

  setConnection(state: 'open' | 'closed'): void {
    for (const l of [...this.connection]) l(state)
  }

  subscriptions(topic: TopicName): number {
    return this.subs.filter((s) => s.active && s.topic === topic).length
  }

  callsOf<K extends RequestName>(method: K): RequestParams<K>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.params as RequestParams<K>)
  }
}

export function channel(kind: ChannelStatus['channel'], state: ChannelStatus['state'] = 'pending', over: Partial<ChannelStatus> = {}): ChannelStatus {
  return { channel: kind, target: kind === 'sound' ? 'chime' : null, state, reason: null, attempts: 0, at: epochMs(NOW), ...over }
}

export function makeAlert(id: number, over: Partial<Alert> = {}): Alert {
  return {
    id,
    ruleId: ruleId('rule-breakouts'),
    ruleName: 'Breakouts',
    eventId: 1000 + id,
    symbol: 'AAPL',
    pattern: 'Bull Flag',
    tier: 'daily',
    confidence: 0.82,
    priority: 'HIGH',
    price: 187.25,
    detectedAt: epochMs(NOW - 2000),
    firedAt: epochMs(NOW - 1000),
    urgency: 'normal',
    matched: ['tier Daily', 'confidence >= 0.80'],
    suppressedBy: null,
    channels: [channel('toast'), channel('sound'), channel('desktop')],
    read: false,
    acknowledged: false,
    feedback: null,
    test: false,
    ...over,
  }
}

export function settings(over: Partial<AlertSettings> = {}): AlertSettings {
  return { mute: false, smtp: null, webhooks: [], watchlists: [], smtpPasswordSet: false, ...over }
}

export class RecordingSounds implements SoundPlayer {
  readonly played: string[] = []
  outcome: PlayOutcome = { ok: true }
  play(sound: string): Promise<PlayOutcome> {
    this.played.push(sound)
    return Promise.resolve(this.outcome)
  }
}

export class RecordingNotifications implements NotificationSeam {
  readonly shown: DesktopNotice[] = []
  constructor(
    readonly owner: 'renderer' | 'host' = 'renderer',
    public state: NotificationPermissionState = 'granted',
  ) {}
  permission = () => this.state
  requestPermission = () => Promise.resolve(this.state)
  show(n: DesktopNotice): NoticeOutcome {
    // As the browser seam: nothing is shown without permission.
    if (this.state !== 'granted') return { ok: false, reason: `desktop notifications are not allowed (permission: ${this.state})` }
    this.shown.push(n)
    return { ok: true }
  }
}

export interface Harness {
  api: FakeAlertsApi
  sounds: RecordingSounds
  notifications: RecordingNotifications
  controller: AlertController
  opened: string[]
  titles: number[]
  stop(): void
}

/** A started controller over fakes; flush() before asserting on anything asynchronous. */
export function startHarness(opts: { api?: FakeAlertsApi; notifications?: RecordingNotifications; now?: () => number } & Partial<AlertControllerOptions> = {}): Harness {
  const api = opts.api ?? new FakeAlertsApi()
  const sounds = new RecordingSounds()
  const notifications = opts.notifications ?? new RecordingNotifications()
  const opened: string[] = []
  const titles: number[] = []
  const controller = createAlertController({
    api,
    sounds,
    notifications,
    openSymbol: (s) => opened.push(s),
    now: opts.now ?? (() => NOW),
    setTitle: (n) => titles.push(n),
    ...(opts.maxAlerts ? { maxAlerts: opts.maxAlerts } : {}),
  })
  const stop = controller.start()
  return { api, sounds, notifications, controller, opened, titles, stop }
}

/** Let pending promise callbacks run (the fakes answer on the microtask queue). */
export async function flush(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve()
}

/** Set an input's, textarea's or select's value as a user would (React listens to input/change). */
export function typeInto(el: Element, value: string): void {
  const proto = el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : el instanceof HTMLTextAreaElement ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype
  act(() => {
    Object.getOwnPropertyDescriptor(proto, 'value')!.set!.call(el, value)
    el.dispatchEvent(new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }))
  })
}

/** Click and let the promises it starts settle. */
export async function clickAndSettle(el: Element): Promise<void> {
  await act(async () => {
    ;(el as HTMLElement).click()
    await flush()
  })
}

export function q<E extends Element = HTMLElement>(root: ParentNode, selector: string): E {
  const el = root.querySelector<E>(selector)
  if (!el) throw new Error(`nothing matches ${selector}`)
  return el
}
