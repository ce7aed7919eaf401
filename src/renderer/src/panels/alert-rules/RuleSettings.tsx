/** The rule's channels (where an alert goes) and noise controls (when it is held back). */
import { ALERT_SOUNDS, URGENCIES, type AlertSound, type RuleActions, type RuleNoise, type Urgency, type Webhook } from '../../../../shared/alerts'
import { Field, NumberInput } from './controls'
import { nyDateOfEnd, nyEndOfDay, nyWhen } from './ny-time'
import type { ErrorMap } from './rule-model'

/** The first message at a rule field or below it ("noise.quietHours" also shows "noise.quietHours.from"). */
export function errorAt(errors: ErrorMap, path: string): string | undefined {
  if (errors[path]) return errors[path]
  const key = Object.keys(errors).find((k) => k.startsWith(`${path}.`))
  return key ? errors[key] : undefined
}

export function ChannelsSection({
  actions,
  onChange,
  errors,
  webhooks,
}: {
  actions: RuleActions
  onChange(next: RuleActions): void
  errors: ErrorMap
  webhooks: readonly Webhook[]
}) {
  const set = (patch: Partial<RuleActions>) => onChange({ ...actions, ...patch })
  const known = new Set(webhooks.map((w) => w.id))
  const missing = actions.webhooks.filter((id) => !known.has(id))
  const toggleHook = (id: string) => set({ webhooks: actions.webhooks.includes(id) ? actions.webhooks.filter((x) => x !== id) : [...actions.webhooks, id] })
  return (
    <section className="ar-section" aria-label="Channels" data-testid="ar-channels">
      <h3>Channels</h3>
      <div className="ar-checks">
        <label>
          <input type="checkbox" checked={actions.desktop} data-testid="ar-ch-desktop" onChange={(ev) => set({ desktop: ev.target.checked })} /> Desktop notification
        </label>
        <label>
          <input type="checkbox" checked={actions.toast} data-testid="ar-ch-toast" onChange={(ev) => set({ toast: ev.target.checked })} /> Toast
        </label>
        <label>
          <input type="checkbox" checked={actions.email} data-testid="ar-ch-email" onChange={(ev) => set({ email: ev.target.checked })} /> Email
        </label>
      </div>
      <Field label="Sound" error={errorAt(errors, 'actions.sound')}>
        <select aria-label="Sound" data-testid="ar-ch-sound" value={actions.sound ?? ''} onChange={(ev) => set({ sound: ev.target.value === '' ? null : (ev.target.value as AlertSound) })}>
          <option value="">none</option>
          {ALERT_SOUNDS.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Urgency" error={errorAt(errors, 'actions.urgency')} hint="Overrides the urgency taken from the event's priority">
        <select aria-label="Urgency" data-testid="ar-ch-urgency" value={actions.urgency ?? ''} onChange={(ev) => set({ urgency: ev.target.value === '' ? null : (ev.target.value as Urgency) })}>
          <option value="">from the priority</option>
          {URGENCIES.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Webhooks" error={errorAt(errors, 'actions.webhooks')}>
        {webhooks.length === 0 && missing.length === 0 && <span className="dim">None set up (alert settings).</span>}
        <span className="ar-checks">
          {webhooks.map((w) => (
            <label key={w.id} title={w.enabled ? `${w.preset}: ${w.name}` : `${w.name} is disabled in the settings`} className={w.enabled ? '' : 'dim'}>
              <input type="checkbox" checked={actions.webhooks.includes(w.id)} data-testid={`ar-ch-webhook-${w.id}`} onChange={() => toggleHook(w.id)} /> {w.name}
              {!w.enabled && ' (disabled)'}
            </label>
          ))}
          {missing.map((id) => (
            <label key={id} className="ar-bad" title="This webhook is no longer in the settings">
              <input type="checkbox" checked data-testid={`ar-ch-webhook-${id}`} onChange={() => toggleHook(id)} /> {id} (unknown)
            </label>
          ))}
        </span>
      </Field>
    </section>
  )
}

const SNOOZES: readonly { label: string; minutes: number }[] = [
  { label: '15 min', minutes: 15 },
  { label: '1 hour', minutes: 60 },
  { label: '4 hours', minutes: 240 },
  { label: '1 day', minutes: 1440 },
]

export function NoiseSection({
  noise,
  onChange,
  errors,
  emailOn,
  saved,
  now,
  onSnooze,
  busy,
}: {
  noise: RuleNoise
  onChange(next: RuleNoise): void
  errors: ErrorMap
  emailOn: boolean
  /** Snooze acts on the saved rule at once (a new rule is saved first). */
  saved: boolean
  now: number
  onSnooze(until: number | null): void
  busy: boolean
}) {
  const set = (patch: Partial<RuleNoise>) => onChange({ ...noise, ...patch })
  const snoozed = noise.snoozeUntil !== null && noise.snoozeUntil > now
  const expiry = noise.expiresAt === null ? '' : nyDateOfEnd(noise.expiresAt)
  return (
    <section className="ar-section" aria-label="Noise control" data-testid="ar-noise">
      <h3>Noise control</h3>
      <Field label="Cooldown" error={errorAt(errors, 'noise.cooldownMinutes')} hint="Per symbol and pattern: a repeat within this many minutes is held back" errorTestId="ar-err-cooldown">
        <NumberInput
          value={noise.cooldownMinutes}
          onChange={(v) => set({ cooldownMinutes: v ?? 0 })}
          label="Cooldown minutes"
          testId="ar-noise-cooldown"
          placeholder="0"
          invalid={Boolean(errorAt(errors, 'noise.cooldownMinutes'))}
        />
        <span className="dim">min per symbol and pattern</span>
      </Field>
      <Field label="Max per hour" error={errorAt(errors, 'noise.maxPerHour')} errorTestId="ar-err-maxperhour">
        <NumberInput
          value={noise.maxPerHour}
          onChange={(v) => set({ maxPerHour: v ?? null })}
          label="Alerts per hour at most"
          testId="ar-noise-maxperhour"
          placeholder="no cap"
          invalid={Boolean(errorAt(errors, 'noise.maxPerHour'))}
        />
      </Field>
      <Field label="Quiet hours" error={errorAt(errors, 'noise.quietHours')} hint="New York time; may wrap past midnight" errorTestId="ar-err-quiet">
        <input
          type="checkbox"
          aria-label="Quiet hours on"
          checked={noise.quietHours !== null}
          data-testid="ar-noise-quiet"
          onChange={(ev) => set({ quietHours: ev.target.checked ? { from: '20:00', to: '07:00' } : null })}
        />
        {noise.quietHours && (
          <>
            <input type="time" aria-label="Quiet from" data-testid="ar-noise-quiet-from" value={noise.quietHours.from} onChange={(ev) => set({ quietHours: { ...noise.quietHours!, from: ev.target.value } })} />
            <span className="dim">to</span>
            <input type="time" aria-label="Quiet to" data-testid="ar-noise-quiet-to" value={noise.quietHours.to} onChange={(ev) => set({ quietHours: { ...noise.quietHours!, to: ev.target.value } })} />
            <span className="dim">NY</span>
          </>
        )}
      </Field>
      <Field label="Expires" error={errorAt(errors, 'noise.expiresAt')} hint="The rule stops firing after this New York day">
        <input type="date" aria-label="Expires after" data-testid="ar-noise-expires" value={expiry} onChange={(ev) => set({ expiresAt: ev.target.value === '' ? null : nyEndOfDay(ev.target.value) })} />
        {noise.expiresAt !== null && (
          <>
            {noise.expiresAt <= now && <span className="ar-bad">expired</span>}
            <button type="button" className="ar-link" onClick={() => set({ expiresAt: null })}>
              never
            </button>
          </>
        )}
      </Field>
      <div className="ar-checks">
        <label title="Only the first alert per symbol per New York trading day">
          <input type="checkbox" checked={noise.firstPerSymbolPerDay} data-testid="ar-noise-firstperday" onChange={(ev) => set({ firstPerSymbolPerDay: ev.target.checked })} /> First per symbol per day
        </label>
      </div>
      <Field label="Email digest" error={errorAt(errors, 'noise.digestMinutes')} hint="Collect this rule's alerts and send one email every N minutes; empty: one email per alert" errorTestId="ar-err-digest">
        <NumberInput
          value={noise.digestMinutes}
          onChange={(v) => set({ digestMinutes: v ?? null })}
          label="Digest minutes"
          testId="ar-noise-digest"
          placeholder="off"
          disabled={!emailOn}
          invalid={Boolean(errorAt(errors, 'noise.digestMinutes'))}
        />
        <span className="dim">{emailOn ? 'min (empty: one email per alert)' : 'email is off'}</span>
      </Field>
      <Field label="Snooze" error={errorAt(errors, 'noise.snoozeUntil')}>
        {snoozed ? (
          <>
            <span data-testid="ar-snoozed">until {nyWhen(noise.snoozeUntil!, now)} NY</span>
            <button type="button" data-testid="ar-unsnooze" disabled={!saved || busy} onClick={() => onSnooze(null)}>
              End snooze
            </button>
          </>
        ) : (
          SNOOZES.map((s) => (
            <button key={s.minutes} type="button" data-testid={`ar-snooze-${s.minutes}`} disabled={!saved || busy} title={saved ? `Hold this rule's alerts back for ${s.label}` : 'Save the rule first'} onClick={() => onSnooze(now + s.minutes * 60_000)}>
              {s.label}
            </button>
          ))
        )}
      </Field>
    </section>
  )
}
