import { act } from 'react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import type { DeadLetter } from '../../../shared/contract'
import { epochMs } from '../../../shared/domain'
import { render, type Rendered } from '../test-support/render'
import { AlertSettingsDialog } from './AlertSettingsDialog'
import { clickAndSettle, FakeAlertsApi, flush, makeAlert, NOW, q, settings, startHarness, typeInto, type Harness } from './alerts-fixtures'

let h: Harness
let view: Rendered
afterEach(() => {
  view.unmount()
  h.stop()
})

const stored = settings({
  smtpPasswordSet: true,
  smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'me', from: 'terminal@example.com', to: ['me@example.com'] },
})

const dead = (over: Partial<DeadLetter> = {}): DeadLetter => ({ id: 3, alertId: 12, channel: 'webhook', target: 'phone', reason: 'HTTP 503', attempts: 4, firstAt: epochMs(NOW - 60_000), lastAt: epochMs(NOW), resolved: false, ...over })

async function open(api = new FakeAlertsApi().answer('alerts.settings.get', stored).answer('alerts.deadLetters', { items: [dead()] })) {
  h = startHarness({ api })
  const onClose = vi.fn()
  await act(async () => {
    view = render(<AlertSettingsDialog controller={h.controller} onClose={onClose} />)
    await flush()
  })
  return onClose
}

const field = (name: string) => q<HTMLInputElement>(view.container, `[name="${name}"]`)
const errorNear = (name: string) => field(name).closest('.as-field')?.querySelector('[data-testid="as-field-error"]')?.textContent ?? null

describe('alert settings dialog', () => {
  it('never shows the stored SMTP password: an empty write-only field that says "stored"', async () => {
    await open()
    const pw = q<HTMLInputElement>(view.container, '[data-testid="as-password"]')
    expect(pw.type).toBe('password')
    expect(pw.value).toBe('')
    expect(pw.placeholder).toBe('stored')
    expect(field('settings.smtp.host').value).toBe('smtp.example.com')
  })

  it('shows a message next to each bad field and sends nothing', async () => {
    await open()
    typeInto(field('settings.smtp.port'), 'abc')
    typeInto(field('settings.smtp.from'), 'nobody')
    await clickAndSettle(q(view.container, '[data-testid="as-save"]'))
    expect(errorNear('settings.smtp.port')).toBe('a port is a whole number from 1 to 65535')
    expect(errorNear('settings.smtp.from')).toBe('"from" must be an email address')
    expect(h.api.callsOf('alerts.settings.set')).toEqual([])
  })

  it("places the engine's field errors next to the fields they name", async () => {
    const onClose = await open()
    h.api.refuse('alerts.settings.set', 'bad_request', 'invalid settings', { 'settings.smtp.host': 'cannot resolve smtp.example.com' })
    await clickAndSettle(q(view.container, '[data-testid="as-save"]'))
    expect(errorNear('settings.smtp.host')).toBe('cannot resolve smtp.example.com')
    expect(onClose).not.toHaveBeenCalled()
  })

  it('saves mute, a new password and a webhook, then closes', async () => {
    const onClose = await open()
    h.api.handle('alerts.settings.set', (p) => ({ ok: true, value: { ...p.settings, smtpPasswordSet: true } as never }))
    await clickAndSettle(q(view.container, '[data-testid="as-mute"]'))
    typeInto(q(view.container, '[data-testid="as-password"]'), 'n3w')
    await clickAndSettle(q(view.container, '[data-testid="as-add-webhook"]'))
    typeInto(field('settings.webhooks.0.name'), 'Phone')
    typeInto(field('settings.webhooks.0.url'), 'https://ntfy.sh/desk')
    await clickAndSettle(q(view.container, '[data-testid="as-save"]'))
    const sent = h.api.callsOf('alerts.settings.set')[0]!
    expect(sent.smtpPassword).toBe('n3w')
    expect(sent.settings.mute).toBe(true)
    expect(sent.settings.webhooks).toEqual([{ id: 'webhook-1', name: 'Phone', preset: 'ntfy', url: 'https://ntfy.sh/desk', template: null, headers: {}, enabled: true }])
    expect(onClose).toHaveBeenCalled()
  })

  it('lists failed deliveries and retries one', async () => {
    await open()
    expect(q(view.container, '[data-testid="as-dead-letter"]').textContent).toContain('HTTP 503')
    h.api.answer('alerts.deadLetters.retry', { item: dead({ resolved: true }), alert: makeAlert(12) })
    await clickAndSettle(q(view.container, '[data-testid="as-dead-retry"]'))
    expect(h.api.callsOf('alerts.deadLetters.retry')).toEqual([{ id: 3 }])
    expect(q(view.container, '[data-testid="as-dead-letter"]').textContent).toContain('resolved')
    expect(h.controller.store.getState().alerts.map((a) => a.id)).toContain(12)
  })

  it('previews sounds', async () => {
    await open()
    await clickAndSettle(q(view.container, '[data-testid="as-sound"][data-sound="alarm"]'))
    expect(h.sounds.played).toEqual(['alarm'])
  })
})
