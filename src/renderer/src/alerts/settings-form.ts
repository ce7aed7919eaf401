/**
 * The alert settings form as data: a draft of strings and flags the inputs
 * edit, built back into AlertSettings and checked with the contract's own
 * schema, so the form's messages and the engine's name the same fields
 * (`settings.smtp.port`, `settings.webhooks.0.url`...). Pure.
 */
import { alertSettingsSchema, type AlertSettings, type WebhookPreset } from '../../../shared/alerts'
import type { SettingsInput } from './alert-controller'

export interface WebhookDraft {
  /** React key: stable while the list is edited. */
  key: string
  /** Rules refer to webhooks by this id: kept as it was, made up for new ones. */
  id: string
  name: string
  preset: WebhookPreset
  url: string
  /** Only for 'custom'; blank: the engine's default body. */
  template: string
  /** One "Name: value" per line. */
  headers: string
  enabled: boolean
}

export interface WatchlistDraft {
  key: string
  name: string
  /** Separated by commas, spaces or new lines. */
  symbols: string
}

export interface SettingsDraft {
  mute: boolean
  smtpEnabled: boolean
  smtp: { host: string; port: string; secure: boolean; user: string; from: string; to: string }
  /** The password is write-only: 'keep' sends nothing, 'set' a new one, 'remove' null. */
  password: { mode: 'keep' | 'set' | 'remove'; value: string }
  webhooks: WebhookDraft[]
  watchlists: WatchlistDraft[]
}

/** Per-field messages, keyed by dotted path as the engine names them (`settings.smtp.port`). */
export type FieldErrors = Record<string, string>

export const PRESET_LABEL: Record<WebhookPreset, string> = { ntfy: 'ntfy', pushover: 'Pushover', slack: 'Slack', discord: 'Discord', custom: 'Custom' }
export const PRESET_URL_HINT: Record<WebhookPreset, string> = {
  ntfy: 'https://ntfy.sh/your-topic',
  pushover: 'https://api.pushover.net/1/messages.json',
  slack: 'https://hooks.slack.com/services/…',
  discord: 'https://discord.com/api/webhooks/…',
  custom: 'https://example.com/hook',
}

let keySeq = 0
const nextKey = () => `k${++keySeq}`

export const DEFAULT_SMTP = { host: '', port: '587', secure: false, user: '', from: '', to: '' }

export function draftFromSettings(s: AlertSettings): SettingsDraft {
  return {
    mute: s.mute,
    smtpEnabled: s.smtp !== null,
    smtp: s.smtp
      ? { host: s.smtp.host, port: String(s.smtp.port), secure: s.smtp.secure, user: s.smtp.user ?? '', from: s.smtp.from, to: s.smtp.to.join(', ') }
      : { ...DEFAULT_SMTP },
    password: { mode: 'keep', value: '' },
    webhooks: s.webhooks.map((w) => ({
      key: nextKey(),
      id: w.id,
      name: w.name,
      preset: w.preset,
      url: w.url,
      template: w.template ?? '',
      headers: Object.entries(w.headers)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n'),
      enabled: w.enabled,
    })),
    watchlists: s.watchlists.map((w) => ({ key: nextKey(), name: w.name, symbols: w.symbols.join(', ') })),
  }
}

/** A webhook id not yet taken: "webhook-1", "webhook-2"... */
export function newWebhook(taken: readonly { id: string }[]): WebhookDraft {
  const ids = new Set(taken.map((w) => w.id))
  let n = 1
  while (ids.has(`webhook-${n}`)) n++
  return { key: nextKey(), id: `webhook-${n}`, name: '', preset: 'ntfy', url: '', template: '', headers: '', enabled: true }
}

export const newWatchlist = (): WatchlistDraft => ({ key: nextKey(), name: '', symbols: '' })

const splitList = (s: string) =>
  s
    .split(/[\s,;]+/)
    .map((x) => x.trim())
    .filter((x) => x.length > 0)

export type BuiltSettings = { ok: true; settings: SettingsInput; smtpPassword?: string | null } | { ok: false; errors: FieldErrors }

/** The draft as settings to send, or a message per field that is wrong. */
export function buildSettings(d: SettingsDraft): BuiltSettings {
  const errors: FieldErrors = {}
  let port = Number.NaN
  if (d.smtpEnabled) {
    const p = d.smtp.port.trim()
    port = /^\d+$/.test(p) ? Number(p) : Number.NaN
    if (!Number.isInteger(port) || port < 1 || port > 65535) errors['settings.smtp.port'] = 'a port is a whole number from 1 to 65535'
  }
  const webhooks = d.webhooks.map((w, i) => {
    const headers: Record<string, string> = {}
    for (const [n, line] of w.headers.split('\n').entries()) {
      if (line.trim() === '') continue
      const m = /^\s*([^:\s][^:]*?)\s*:\s*(.*)$/.exec(line)
      if (!m) {
        errors[`settings.webhooks.${i}.headers`] = `line ${n + 1}: write a header as "Name: value"`
        continue
      }
      headers[m[1]!] = m[2]!
    }
    return {
      id: w.id,
      name: w.name.trim(),
      preset: w.preset,
      url: w.url.trim(),
      template: w.preset === 'custom' && w.template.trim() !== '' ? w.template : null,
      headers,
      enabled: w.enabled,
    }
  })
  const settings: SettingsInput = {
    mute: d.mute,
    smtp: d.smtpEnabled
      ? {
          host: d.smtp.host.trim(),
          port: Number.isNaN(port) ? 0 : port,
          secure: d.smtp.secure,
          user: d.smtp.user.trim() === '' ? null : d.smtp.user.trim(),
          from: d.smtp.from.trim(),
          to: splitList(d.smtp.to),
        }
      : null,
    webhooks,
    watchlists: d.watchlists.map((w) => ({ name: w.name.trim(), symbols: splitList(w.symbols).map((s) => s.toUpperCase()) })),
  }
  const parsed = alertSettingsSchema.safeParse(settings)
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const key = ['settings', ...issue.path.map(String)].join('.')
      errors[key] ??= issue.message
    }
  }
  const names = new Map<string, number>()
  d.watchlists.forEach((w, i) => {
    const n = w.name.trim().toLowerCase()
    if (n && names.has(n)) errors[`settings.watchlists.${i}.name`] ??= 'two watchlists have this name'
    names.set(n, i)
  })
  if (d.password.mode === 'set' && d.password.value === '') errors.smtpPassword = 'type the new password, or keep the stored one'
  if (Object.keys(errors).length > 0) return { ok: false, errors }
  const out: BuiltSettings = { ok: true, settings: parsed.success ? { ...parsed.data } : settings }
  if (d.password.mode === 'set') out.smtpPassword = d.password.value
  if (d.password.mode === 'remove') out.smtpPassword = null
  return out
}

/** The message for a field: its own, or the first for anything under it (`settings.smtp.to.2` under `settings.smtp.to`). */
export function fieldError(errors: FieldErrors, key: string): string | null {
  if (errors[key]) return errors[key]!
  for (const [k, v] of Object.entries(errors)) if (k.startsWith(`${key}.`)) return v
  return null
}

/** Messages no field on the form shows (so they are listed above the buttons instead of lost). */
export function unplacedErrors(errors: FieldErrors, placed: readonly string[]): string[] {
  return Object.entries(errors)
    .filter(([k]) => !placed.some((p) => k === p || k.startsWith(`${p}.`)))
    .map(([k, v]) => (k === '(root)' ? v : `${k.replace(/^settings\./, '')}: ${v}`))
}
