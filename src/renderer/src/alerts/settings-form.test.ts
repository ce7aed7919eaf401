import { describe, expect, it } from 'vitest'
import { buildSettings, draftFromSettings, fieldError, newWebhook, unplacedErrors } from './settings-form'
import { settings } from './alerts-fixtures'

const smtpSettings = settings({
  smtpPasswordSet: true,
  smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'me', from: 'terminal@example.com', to: ['me@example.com', 'desk@example.com'] },
  webhooks: [{ id: 'phone', name: 'Phone', preset: 'ntfy', url: 'https://ntfy.sh/desk', template: null, headers: { Authorization: 'Bearer x' }, enabled: true }],
  watchlists: [{ name: 'Semis', symbols: ['NVDA', 'AMD'] }],
})

describe('alert settings form', () => {
  it('round-trips settings through the draft, keeping the stored password unless told', () => {
    const built = buildSettings(draftFromSettings(smtpSettings))
    expect(built.ok).toBe(true)
    if (!built.ok) return
    const { smtpPasswordSet: _, ...expected } = smtpSettings
    expect(built.settings).toEqual(expected)
    expect('smtpPassword' in built).toBe(false)
  })

  it('sends a new password, or null to remove the stored one', () => {
    const d = draftFromSettings(smtpSettings)
    const set = buildSettings({ ...d, password: { mode: 'set', value: 's3cret' } })
    expect(set.ok && set.smtpPassword).toBe('s3cret')
    const removed = buildSettings({ ...d, password: { mode: 'remove', value: '' } })
    expect(removed.ok && removed.smtpPassword).toBeNull()
  })

  it('parses lists: recipients, symbols (upper case) and header lines', () => {
    const d = draftFromSettings(smtpSettings)
    d.smtp.to = 'a@example.com;  b@example.com\nc@example.com'
    d.watchlists[0]!.symbols = 'nvda amd, avgo'
    d.webhooks[0]!.headers = 'Authorization: Bearer y\nX-Priority:  high'
    const built = buildSettings(d)
    expect(built.ok).toBe(true)
    if (!built.ok) return
    expect(built.settings.smtp!.to).toEqual(['a@example.com', 'b@example.com', 'c@example.com'])
    expect(built.settings.watchlists[0]!.symbols).toEqual(['NVDA', 'AMD', 'AVGO'])
    expect(built.settings.webhooks[0]!.headers).toEqual({ Authorization: 'Bearer y', 'X-Priority': 'high' })
  })

  it('names each bad field as the engine does', () => {
    const d = draftFromSettings(smtpSettings)
    d.smtp.port = '70000'
    d.smtp.from = 'not an address'
    d.smtp.to = 'me@example.com, nope'
    d.webhooks[0]!.url = 'ftp://x'
    d.webhooks[0]!.headers = 'no colon here'
    d.watchlists.push({ key: 'x', name: 'semis', symbols: 'AAPL' })
    const built = buildSettings(d)
    expect(built.ok).toBe(false)
    if (built.ok) return
    expect(Object.keys(built.errors).sort()).toEqual(
      ['settings.smtp.from', 'settings.smtp.port', 'settings.smtp.to.1', 'settings.watchlists.1.name', 'settings.webhooks.0.headers', 'settings.webhooks.0.url'].sort(),
    )
    expect(built.errors['settings.smtp.port']).toBe('a port is a whole number from 1 to 65535')
    expect(fieldError(built.errors, 'settings.smtp.to')).toBe('every recipient must be an email address')
  })

  it('a new webhook gets an id not yet taken; a custom one keeps its template', () => {
    const taken = [{ id: 'webhook-1' }, { id: 'webhook-2' }]
    expect(newWebhook(taken).id).toBe('webhook-3')
    const d = draftFromSettings(settings())
    d.webhooks.push({ ...newWebhook([]), name: 'Desk', preset: 'custom', url: 'https://example.com/hook', template: '{"text":"{{title}}"}' })
    const built = buildSettings(d)
    expect(built.ok && built.settings.webhooks[0]).toMatchObject({ id: 'webhook-1', preset: 'custom', template: '{"text":"{{title}}"}' })
  })

  it('lists messages no field shows instead of losing them', () => {
    expect(unplacedErrors({ 'settings.smtp.port': 'bad', 'settings.webhooks': 'at most 20 webhooks' }, ['settings.smtp.port'])).toEqual(['webhooks: at most 20 webhooks'])
  })
})
