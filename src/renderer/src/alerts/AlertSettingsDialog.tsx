/**
 * Alert settings: global mute and sound previews, email (SMTP, the password
 * write-only), webhooks, watchlists, and failed deliveries to retry. Opened
 * from the Alerts panel and the menu (View > Alerts). Messages, from the form's
 * own check or from the engine, sit next to the field they name.
 */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import { useStore } from 'zustand'
import { ALERT_SOUNDS, WEBHOOK_PRESETS, type AlertSettings, type WebhookPreset } from '../../../shared/alerts'
import type { DeadLetter } from '../../../shared/contract'
import type { AlertController } from './alert-controller'
import { alertTimeFull } from './alert-format'
import {
  buildSettings,
  DEFAULT_SMTP,
  draftFromSettings,
  fieldError,
  newWatchlist,
  newWebhook,
  PRESET_LABEL,
  PRESET_URL_HINT,
  unplacedErrors,
  type FieldErrors,
  type SettingsDraft,
  type WatchlistDraft,
  type WebhookDraft,
} from './settings-form'

export function AlertSettingsDialog({ controller, onClose }: { controller: AlertController; onClose(): void }) {
  const settings = useStore(controller.store, (s) => s.settings)
  const [loadError, setLoadError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    void controller.loadSettings().then((r) => {
      if (live) setLoadError(r.ok ? null : r.error.message)
    })
    return () => {
      live = false
    }
  }, [controller])

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      onClose()
    }
  }

  return (
    <div className="modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog alert-settings" role="dialog" aria-modal="true" aria-label="Alert settings" data-testid="alert-settings" onKeyDown={onKeyDown}>
        <h2 className="dialog-title">Alert settings</h2>
        {settings ? (
          <SettingsForm key="form" settings={settings} controller={controller} onClose={onClose} />
        ) : (
          <>
            <p className="dialog-text" data-testid="alert-settings-loading">
              {loadError ? `The settings could not be loaded: ${loadError}` : 'Loading…'}
            </p>
            <div className="dialog-buttons">
              <button type="button" onClick={onClose}>
                Close
              </button>
            </div>
          </>
        )}
      </div>
    </div>
  )
}

function SettingsForm({ settings, controller, onClose }: { settings: AlertSettings; controller: AlertController; onClose(): void }) {
  const [draft, setDraft] = useState<SettingsDraft>(() => draftFromSettings(settings))
  const [errors, setErrors] = useState<FieldErrors>({})
  const [message, setMessage] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const firstRef = useRef<HTMLInputElement>(null)
  useEffect(() => firstRef.current?.focus(), [])

  const patch = (p: Partial<SettingsDraft>) => setDraft((d) => ({ ...d, ...p }))
  const patchSmtp = (p: Partial<SettingsDraft['smtp']>) => setDraft((d) => ({ ...d, smtp: { ...d.smtp, ...p } }))
  const patchWebhook = (key: string, p: Partial<WebhookDraft>) => setDraft((d) => ({ ...d, webhooks: d.webhooks.map((w) => (w.key === key ? { ...w, ...p } : w)) }))
  const patchWatchlist = (key: string, p: Partial<WatchlistDraft>) => setDraft((d) => ({ ...d, watchlists: d.watchlists.map((w) => (w.key === key ? { ...w, ...p } : w)) }))

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    const built = buildSettings(draft)
    if (!built.ok) {
      setErrors(built.errors)
      setMessage('Some fields need a fix.')
      return
    }
    setErrors({})
    setMessage(null)
    setBusy(true)
    const r = await controller.saveSettings(built.settings, built.smtpPassword)
    setBusy(false)
    if (r.ok) {
      onClose()
      return
    }
    setErrors(r.error.fields ?? {})
    setMessage(r.error.fields ? 'The engine refused some fields.' : `The settings could not be saved: ${r.error.message}`)
  }

  const err = (key: string) => fieldError(errors, key)
  const placed = [
    'settings.mute',
    ...['host', 'port', 'secure', 'user', 'from', 'to'].map((f) => `settings.smtp.${f}`),
    'smtpPassword',
    ...draft.webhooks.flatMap((_, i) => ['id', 'name', 'preset', 'url', 'template', 'headers', 'enabled'].map((f) => `settings.webhooks.${i}.${f}`)),
    ...draft.watchlists.flatMap((_, i) => ['name', 'symbols'].map((f) => `settings.watchlists.${i}.${f}`)),
  ]
  const others = unplacedErrors(errors, placed)

  return (
    <form className="as-form" onSubmit={(e) => void submit(e)} noValidate>
      <div className="as-scroll">
        <fieldset className="as-section">
          <legend>Sound</legend>
          <label className="as-check">
            <input ref={firstRef} type="checkbox" name="settings.mute" data-testid="as-mute" checked={draft.mute} onChange={(e) => patch({ mute: e.target.checked })} />
            Mute all alert sounds (alerts are still listed, toasted and sent)
          </label>
          <SoundPreviews controller={controller} />
        </fieldset>

        <fieldset className="as-section">
          <legend>Email</legend>
          <label className="as-check">
            <input
              type="checkbox"
              data-testid="as-smtp-enabled"
              checked={draft.smtpEnabled}
              onChange={(e) => patch({ smtpEnabled: e.target.checked, smtp: e.target.checked && draft.smtp.host === '' ? { ...DEFAULT_SMTP } : draft.smtp })}
            />
            Send alert emails through an SMTP server
          </label>
          {draft.smtpEnabled && (
            <div className="as-grid">
              <Field label="Host" error={err('settings.smtp.host')}>
                <input name="settings.smtp.host" value={draft.smtp.host} placeholder="smtp.example.com" spellCheck={false} onChange={(e) => patchSmtp({ host: e.target.value })} />
              </Field>
              <Field label="Port" error={err('settings.smtp.port')}>
                <input name="settings.smtp.port" inputMode="numeric" value={draft.smtp.port} onChange={(e) => patchSmtp({ port: e.target.value })} />
              </Field>
              <label className="as-check as-wide">
                <input type="checkbox" name="settings.smtp.secure" checked={draft.smtp.secure} onChange={(e) => patchSmtp({ secure: e.target.checked })} />
                TLS from the start (port 465); otherwise STARTTLS when the server offers it
              </label>
              <Field label="User" error={err('settings.smtp.user')}>
                <input name="settings.smtp.user" value={draft.smtp.user} autoComplete="off" spellCheck={false} onChange={(e) => patchSmtp({ user: e.target.value })} />
              </Field>
              <PasswordField draft={draft} stored={settings.smtpPasswordSet} error={err('smtpPassword')} onChange={(password) => patch({ password })} />
              <Field label="From" error={err('settings.smtp.from')}>
                <input name="settings.smtp.from" value={draft.smtp.from} placeholder="terminal@example.com" spellCheck={false} onChange={(e) => patchSmtp({ from: e.target.value })} />
              </Field>
              <Field label="To (comma separated)" error={err('settings.smtp.to')}>
                <input name="settings.smtp.to" value={draft.smtp.to} placeholder="me@example.com, desk@example.com" spellCheck={false} onChange={(e) => patchSmtp({ to: e.target.value })} />
              </Field>
            </div>
          )}
        </fieldset>

        <fieldset className="as-section">
          <legend>Webhooks</legend>
          {draft.webhooks.length === 0 && <p className="as-hint">No webhooks. Rules can post alerts to ntfy, Pushover, Slack, Discord or any URL.</p>}
          {draft.webhooks.map((w, i) => (
            <div key={w.key} className="as-item" data-testid="as-webhook">
              <div className="as-grid">
                <Field label="Name" error={err(`settings.webhooks.${i}.name`)}>
                  <input name={`settings.webhooks.${i}.name`} value={w.name} placeholder="Phone" onChange={(e) => patchWebhook(w.key, { name: e.target.value })} />
                </Field>
                <Field label="Service" error={err(`settings.webhooks.${i}.preset`)}>
                  <select name={`settings.webhooks.${i}.preset`} value={w.preset} onChange={(e) => patchWebhook(w.key, { preset: e.target.value as WebhookPreset })}>
                    {WEBHOOK_PRESETS.map((p) => (
                      <option key={p} value={p}>
                        {PRESET_LABEL[p]}
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="URL" error={err(`settings.webhooks.${i}.url`)} wide>
                  <input name={`settings.webhooks.${i}.url`} value={w.url} placeholder={PRESET_URL_HINT[w.preset]} spellCheck={false} onChange={(e) => patchWebhook(w.key, { url: e.target.value })} />
                </Field>
                {w.preset === 'custom' && (
                  <Field label="Body template (JSON; {{symbol}} {{pattern}} {{tier}} {{confidence}} {{price}} {{rule}} {{title}} {{body}} {{url}})" error={err(`settings.webhooks.${i}.template`)} wide>
                    <textarea name={`settings.webhooks.${i}.template`} rows={3} value={w.template} spellCheck={false} onChange={(e) => patchWebhook(w.key, { template: e.target.value })} />
                  </Field>
                )}
                <Field label='Headers (one "Name: value" per line; never logged)' error={err(`settings.webhooks.${i}.headers`)} wide>
                  <textarea name={`settings.webhooks.${i}.headers`} rows={2} value={w.headers} spellCheck={false} onChange={(e) => patchWebhook(w.key, { headers: e.target.value })} />
                </Field>
              </div>
              <div className="as-item-foot">
                <label className="as-check">
                  <input type="checkbox" name={`settings.webhooks.${i}.enabled`} checked={w.enabled} onChange={(e) => patchWebhook(w.key, { enabled: e.target.checked })} />
                  Enabled
                </label>
                <span className="as-hint" title="Rules refer to the webhook by this id">
                  id {w.id}
                  {err(`settings.webhooks.${i}.id`) && <span className="as-error"> {err(`settings.webhooks.${i}.id`)}</span>}
                </span>
                <button type="button" className="danger" onClick={() => patch({ webhooks: draft.webhooks.filter((x) => x.key !== w.key) })}>
                  Remove
                </button>
              </div>
            </div>
          ))}
          <button type="button" data-testid="as-add-webhook" onClick={() => patch({ webhooks: [...draft.webhooks, newWebhook(draft.webhooks)] })}>
            Add webhook
          </button>
        </fieldset>

        <fieldset className="as-section">
          <legend>Watchlists</legend>
          {draft.watchlists.length === 0 && <p className="as-hint">No watchlists. Rules can include or exclude the symbols of a named list.</p>}
          {draft.watchlists.map((w, i) => (
            <div key={w.key} className="as-item as-grid" data-testid="as-watchlist">
              <Field label="Name" error={err(`settings.watchlists.${i}.name`)}>
                <input name={`settings.watchlists.${i}.name`} value={w.name} placeholder="Semis" onChange={(e) => patchWatchlist(w.key, { name: e.target.value })} />
              </Field>
              <Field label="Symbols" error={err(`settings.watchlists.${i}.symbols`)}>
                <input name={`settings.watchlists.${i}.symbols`} value={w.symbols} placeholder="NVDA, AMD, AVGO" spellCheck={false} onChange={(e) => patchWatchlist(w.key, { symbols: e.target.value })} />
              </Field>
              <button type="button" className="danger" onClick={() => patch({ watchlists: draft.watchlists.filter((x) => x.key !== w.key) })}>
                Remove
              </button>
            </div>
          ))}
          <button type="button" data-testid="as-add-watchlist" onClick={() => patch({ watchlists: [...draft.watchlists, newWatchlist()] })}>
            Add watchlist
          </button>
        </fieldset>

        <DeadLetters controller={controller} />
      </div>

      {(message || others.length > 0) && (
        <div className="dialog-message" role="alert" data-testid="as-message">
          {message}
          {others.map((o) => (
            <div key={o}>{o}</div>
          ))}
        </div>
      )}
      <div className="dialog-buttons">
        <button type="button" onClick={onClose}>
          Cancel
        </button>
        <button type="submit" className="primary" data-testid="as-save" disabled={busy}>
          {busy ? 'Saving…' : 'Save'}
        </button>
      </div>
    </form>
  )
}

function Field({ label, error, wide, children }: { label: string; error: string | null; wide?: boolean; children: ReactNode }) {
  return (
    <label className={wide ? 'as-field as-wide' : 'as-field'}>
      <span className="as-label">{label}</span>
      {children}
      {error && (
        <span className="as-error" data-testid="as-field-error">
          {error}
        </span>
      )}
    </label>
  )
}

function PasswordField({ draft, stored, error, onChange }: { draft: SettingsDraft; stored: boolean; error: string | null; onChange(p: SettingsDraft['password']): void }) {
  const { mode, value } = draft.password
  return (
    <>
      <Field label={stored ? 'Password (stored; type to replace)' : 'Password'} error={error}>
        <input
          name="smtpPassword"
          type="password"
          autoComplete="new-password"
          data-testid="as-password"
          value={value}
          disabled={mode === 'remove'}
          placeholder={mode === 'remove' ? 'will be removed' : stored ? 'stored' : 'not set'}
          onChange={(e) => onChange({ mode: e.target.value === '' ? 'keep' : 'set', value: e.target.value })}
        />
      </Field>
      {stored && (
        <label className="as-check as-wide">
          <input type="checkbox" data-testid="as-password-remove" checked={mode === 'remove'} onChange={(e) => onChange({ mode: e.target.checked ? 'remove' : 'keep', value: '' })} />
          Remove the stored password
        </label>
      )}
    </>
  )
}

function SoundPreviews({ controller }: { controller: AlertController }) {
  const [result, setResult] = useState<string | null>(null)
  return (
    <div className="as-sounds">
      <span className="as-label">Preview</span>
      {ALERT_SOUNDS.map((s) => (
        <button
          key={s}
          type="button"
          data-testid="as-sound"
          data-sound={s}
          onClick={() => {
            setResult(null)
            void controller.previewSound(s).then((r) => setResult(r.ok ? null : r.reason))
          }}
        >
          ▶ {s}
        </button>
      ))}
      {result && <span className="as-error">{result}</span>}
    </div>
  )
}

function DeadLetters({ controller }: { controller: AlertController }) {
  const [items, setItems] = useState<DeadLetter[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [retrying, setRetrying] = useState<Record<number, string>>({})

  const load = () => {
    setError(null)
    void controller.deadLetters().then((r) => {
      if (r.ok) setItems(r.value.items)
      else setError(r.error.message)
    })
  }
  useEffect(load, [controller])

  const retry = async (d: DeadLetter) => {
    setRetrying((m) => ({ ...m, [d.id]: 'retrying…' }))
    const r = await controller.retryDeadLetter(d.id)
    if (r.ok) {
      const item = r.value.item
      setItems((list) => (list ? (item ? list.map((x) => (x.id === d.id ? item : x)) : list.filter((x) => x.id !== d.id)) : list))
      setRetrying((m) => ({ ...m, [d.id]: item && !item.resolved ? `failed again: ${item.reason}` : 'sent' }))
    } else {
      setRetrying((m) => ({ ...m, [d.id]: r.error.message }))
    }
  }

  return (
    <fieldset className="as-section" data-testid="as-dead-letters">
      <legend>Failed deliveries</legend>
      {error && <p className="as-error">Could not list failed deliveries: {error}</p>}
      {items && items.length === 0 && <p className="as-hint">None: every email and webhook went out.</p>}
      {items && items.length > 0 && (
        <ul className="as-dead-list">
          {items.map((d) => (
            <li key={d.id} className="as-dead" data-testid="as-dead-letter" data-id={d.id}>
              <span className="as-dead-when" title={`first tried ${alertTimeFull(d.firstAt)}`}>
                {alertTimeFull(d.lastAt)}
              </span>
              <span className="as-dead-what">
                {d.channel === 'email' ? 'Email' : 'Webhook'} {d.target} (alert #{d.alertId}, {d.attempts} attempt{d.attempts === 1 ? '' : 's'})
              </span>
              <span className="as-dead-reason">{d.reason}</span>
              {d.resolved ? (
                <span className="as-ok">resolved</span>
              ) : (
                <button type="button" data-testid="as-dead-retry" disabled={retrying[d.id] === 'retrying…'} onClick={() => void retry(d)}>
                  Retry
                </button>
              )}
              {retrying[d.id] && <span className="as-hint">{retrying[d.id]}</span>}
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={load}>
        Refresh
      </button>
    </fieldset>
  )
}
