import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import type { Webhook } from '../../../../shared/alerts'
import { DeliveryError } from './delivery-error'
import { fakeClock } from './fake-clock'
import { DeliveryQueue, type AttemptReport, type DeadLetter } from './retry'
import { renderWebhook, sendWebhook, validateWebhookTemplate, type WebhookRequest } from './webhook'
import { makeAlert, T0 } from './test-alerts'

const hook = (over: Partial<Webhook> = {}): Webhook => ({
  id: 'h1',
  name: 'Hook',
  preset: 'custom',
  url: 'https://example.com/hook',
  template: null,
  headers: {},
  enabled: true,
  ...over,
})

function render(webhook: Webhook, alert = makeAlert(), link: string | null = null): WebhookRequest {
  const r = renderWebhook(webhook, alert, { link })
  if (!r.ok) throw new Error(`render failed: ${r.error.code}: ${r.error.message}`)
  return r.value
}

const json = (req: WebhookRequest): Record<string, unknown> => JSON.parse(req.body) as Record<string, unknown>

describe('renderWebhook presets', () => {
  it('ntfy: JSON publishing to the server root with the topic, title, message, priority, tags and click', () => {
    const req = render(hook({ preset: 'ntfy', url: 'https://ntfy.sh/tickstock-alerts', headers: { Authorization: 'Bearer tk_abcdefghijklmnop' } }), makeAlert(), 'tickstock://alert/1')
    expect(req.url).toBe('https://ntfy.sh/')
    expect(req.method).toBe('POST')
    expect(req.headers['content-type']).toBe('application/json')
    expect(req.headers['authorization']).toBe('Bearer tk_abcdefghijklmnop')
    expect(json(req)).toEqual({
      topic: 'tickstock-alerts',
      title: 'AAPL Hammer (intraday, 86%) - rule Momentum',
      message: expect.stringContaining('Hammer on AAPL at $187.20') as unknown,
      priority: 3,
      tags: ['AAPL', 'intraday'],
      click: 'tickstock://alert/1',
    })
  })

  it('ntfy: priority follows the urgency; a self-hosted server under a path keeps its path', () => {
    const critical = render(hook({ preset: 'ntfy', url: 'https://push.example.com/ntfy/alerts/' }), makeAlert({ urgency: 'critical' }))
    expect(critical.url).toBe('https://push.example.com/ntfy/')
    expect(json(critical)).toMatchObject({ topic: 'alerts', priority: 5, tags: ['rotating_light', 'AAPL', 'intraday'] })
    expect(json(render(hook({ preset: 'ntfy', url: 'https://ntfy.sh/a-b_c' }), makeAlert({ urgency: 'low' })))).toMatchObject({ priority: 2 })
    expect(json(render(hook({ preset: 'ntfy', url: 'https://ntfy.sh/t' }), makeAlert()))).not.toHaveProperty('click')
  })

  it('ntfy: a URL without a topic is refused', () => {
    const r = renderWebhook(hook({ preset: 'ntfy', url: 'https://ntfy.sh/' }), makeAlert())
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_url' } })
  })

  it('Pushover: token and user move from the URL query into a form body with title, message, priority and url', () => {
    const req = render(hook({ preset: 'pushover', url: 'https://api.pushover.net/1/messages.json?token=azGDORePK8gMaC0QOYAMyEEuzJnyUi&user=uQiRzpo4DXghDmr9QzzfQu27cmVRsG&device=phone' }), makeAlert({ urgency: 'critical' }), 'https://example.com/a/1')
    expect(req.url).toBe('https://api.pushover.net/1/messages.json')
    expect(req.headers['content-type']).toBe('application/x-www-form-urlencoded;charset=UTF-8')
    const form = Object.fromEntries(new URLSearchParams(req.body))
    expect(form).toEqual({
      token: 'azGDORePK8gMaC0QOYAMyEEuzJnyUi',
      user: 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG',
      device: 'phone',
      title: 'AAPL Hammer (intraday, 86%) - rule Momentum',
      message: expect.stringContaining('Hammer on AAPL') as unknown,
      priority: '1',
      timestamp: String(T0 / 1000),
      url: 'https://example.com/a/1',
      url_title: 'Open in TickStock',
    })
    expect(req.secrets).toEqual(expect.arrayContaining(['azGDORePK8gMaC0QOYAMyEEuzJnyUi', 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG']))
  })

  it('Pushover: token and user may come from headers instead, and are not sent as headers', () => {
    const req = render(hook({ preset: 'pushover', url: 'https://api.pushover.net/1/messages.json', headers: { Token: 'tok-1234567890', 'X-Pushover-User': 'usr-1234567890' } }))
    const form = new URLSearchParams(req.body)
    expect([form.get('token'), form.get('user'), form.get('priority')]).toEqual(['tok-1234567890', 'usr-1234567890', '0'])
    expect(Object.keys(req.headers).sort()).toEqual(['content-type', 'user-agent'])
  })

  it('Pushover: missing credentials are refused with what to add', () => {
    const r = renderWebhook(hook({ preset: 'pushover', url: 'https://api.pushover.net/1/messages.json?token=only-token' }), makeAlert())
    expect(r).toMatchObject({ ok: false, error: { code: 'missing_credentials' } })
    expect(!r.ok && r.error.message).toContain('?token=...&user=...')
    expect(!r.ok && r.error.message).not.toContain('only-token')
  })

  it('Slack: {text, blocks} with mrkdwn escaped so a name cannot ping the channel', () => {
    const req = render(hook({ preset: 'slack', url: 'https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX' }), makeAlert({ ruleName: '<!channel> & friends' }), 'https://example.com/a/1')
    const body = json(req)
    expect(Object.keys(body).sort()).toEqual(['blocks', 'text'])
    expect(body.text).toBe('AAPL Hammer (intraday, 86%) - rule &lt;!channel&gt; &amp; friends')
    const blocks = body.blocks as { type: string; text?: { type: string; text: string }; fields?: { type: string; text: string }[]; elements?: { text: string }[] }[]
    expect(blocks.map((b) => b.type)).toEqual(['section', 'context'])
    expect(blocks[0]!.text).toEqual({ type: 'mrkdwn', text: '*AAPL Hammer (intraday, 86%)* <https://example.com/a/1|Open>' })
    expect(blocks[0]!.fields!.map((f) => f.text)).toEqual(['*Tier*\nintraday', '*Confidence*\n86%', '*Priority*\nHIGH', '*Price*\n$187.20'])
    expect(blocks[1]!.elements![0]!.text).toBe('rule &lt;!channel&gt; &amp; friends · matched: confidence &gt;= 0.80; regime Bull')
    expect(req.body).not.toContain('<!channel>')
  })

  it('Discord: {content, embeds} with fields, colour, timestamp, and mentions disabled', () => {
    const body = json(render(hook({ preset: 'discord', url: 'https://discord.com/api/webhooks/123456789012345678/abcdefghijklmnopqrstuvwxyz0123456789' }), makeAlert({ urgency: 'critical', price: null })))
    expect(body).toEqual({
      content: 'AAPL Hammer (intraday, 86%) - rule Momentum',
      embeds: [
        {
          title: 'AAPL Hammer (intraday, 86%)',
          description: expect.stringContaining('Hammer on AAPL (intraday, 86% confidence, HIGH priority)') as unknown,
          color: 0xe5484d,
          fields: [
            { name: 'Tier', value: 'intraday', inline: true },
            { name: 'Confidence', value: '86%', inline: true },
            { name: 'Priority', value: 'HIGH', inline: true },
            { name: 'Matched', value: 'confidence >= 0.80\nregime Bull', inline: false },
          ],
          timestamp: new Date(T0).toISOString(),
          footer: { text: 'rule Momentum' },
        },
      ],
      allowed_mentions: { parse: [] },
    })
  })

  it('custom without a template: a JSON object with every field', () => {
    expect(json(render(hook(), makeAlert(), 'https://example.com/a/1'))).toMatchObject({
      symbol: 'AAPL',
      pattern: 'Hammer',
      tier: 'intraday',
      confidence: 0.86,
      price: 187.2,
      rule: 'Momentum',
      url: 'https://example.com/a/1',
      detectedAt: new Date(T0).toISOString(),
      test: false,
    })
  })

  it('sends URL credentials as Basic auth (fetch refuses them in the URL)', () => {
    const req = render(hook({ url: 'https://bot:p%40ss-w0rd-123@example.com/hook' }))
    expect(req.url).toBe('https://example.com/hook')
    expect(req.headers['authorization']).toBe(`Basic ${Buffer.from('bot:p@ss-w0rd-123').toString('base64')}`)
    expect(req.secrets).toContain('p@ss-w0rd-123')
  })

  it('refuses a header value with a line break without quoting the value', () => {
    const r = renderWebhook(hook({ headers: { 'X-Token': 'abc-secret-value\r\nX-Evil: 1' } }), makeAlert())
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_header' } })
    expect(!r.ok && r.error.message).not.toContain('abc-secret-value')
  })
})

describe('custom templates', () => {
  const template = '{"text": "{{title}}", "symbol": "{{symbol}}", "rule": "{{rule}}", "conf": {{confidence}}, "price": {{price}}, "body": "{{body}}", "at": "{{detectedAt}}", "link": "{{url}}", "tier": "{{tier}}", "pattern": "{{pattern}}", "p": "{{ priority }}", "u": "{{urgency}}"}'

  it('fills the placeholders, JSON-escaped, so a quote or backslash in a name still renders valid JSON', () => {
    const alert = makeAlert({ symbol: 'BRK"B', ruleName: 'My "best" rule \\ with\nnewline', pattern: 'Head & "Shoulders"', price: null })
    const body = json(render(hook({ template }), alert, 'https://example.com/a/1'))
    expect(body).toMatchObject({
      symbol: 'BRK"B',
      rule: 'My "best" rule \\ with\nnewline',
      pattern: 'Head & "Shoulders"',
      conf: 0.86,
      price: null,
      at: new Date(T0).toISOString(),
      link: 'https://example.com/a/1',
      tier: 'intraday',
      p: 'HIGH',
      u: 'normal',
    })
    expect(body.text).toBe('BRK"B Head & "Shoulders" (intraday, 86%) - rule My "best" rule \\ with newline')
  })

  it('a template on a preset replaces its body; ntfy still posts to the root with the topic', () => {
    const req = render(hook({ preset: 'ntfy', url: 'https://ntfy.sh/alerts', template: '{"message": "{{symbol}} {{pattern}}"}' }))
    expect(req.url).toBe('https://ntfy.sh/')
    expect(json(req)).toEqual({ topic: 'alerts', message: 'AAPL Hammer' })
  })

  it('refuses a template that is not valid JSON once filled in, with a clear message', () => {
    const bare = renderWebhook(hook({ template: '{"symbol": {{symbol}}}' }), makeAlert())
    expect(bare).toEqual({ ok: false, error: { code: 'invalid_template', message: '{{symbol}} is text and goes inside quotes: "{{symbol}}"' } })
    const broken = renderWebhook(hook({ template: '{"symbol": "{{symbol}}",}' }), makeAlert())
    expect(broken).toMatchObject({ ok: false, error: { code: 'invalid_template' } })
    expect(!broken.ok && broken.error.message).toMatch(/^the template is not valid JSON once the placeholders are filled in/)
    // A number placeholder may stand bare; a brace inside a string is not a placeholder position.
    expect(validateWebhookTemplate('{"c": {{confidence}}, "p": {{ price }}, "s": "{ {{symbol}} }"}')).toBeNull()
  })

  it('refuses an unknown placeholder and lists the known ones', () => {
    expect(validateWebhookTemplate('{"a": "{{ticker}}"}')).toMatch(/^unknown placeholder \{\{ticker\}\}; the template can use \{\{symbol\}\}, /)
    expect(validateWebhookTemplate(template)).toBeNull()
    expect(validateWebhookTemplate('{"a": ')).toMatch(/not valid JSON/)
  })
})

// ---------------------------------------------------------------- over HTTP

interface Seen {
  method: string
  url: string
  headers: IncomingMessage['headers']
  body: string
}

type Handler = (req: Seen, res: ServerResponse) => void

const servers: Server[] = []
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections()
    await new Promise<void>((r) => s.close(() => r()))
  }
})

async function startHttp(handler: Handler): Promise<{ base: string; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const s = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') }
      seen.push(s)
      handler(s, res)
    })
  })
  servers.push(server)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  return { base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen }
}

async function sendFailure(req: WebhookRequest, timeoutMs = 5_000): Promise<DeliveryError> {
  const err = await sendWebhook(req, { fetch, timeoutMs }).then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(DeliveryError)
  return err as DeliveryError
}

describe('sendWebhook over HTTP, with the delivery queue', () => {
  it('a 503 is retried and the retry is sent: attempt 1 failed with 503, attempt 2 sent', async () => {
    let calls = 0
    const { base, seen } = await startHttp((_req, res) => {
      if (++calls === 1) res.writeHead(503, { 'content-type': 'text/plain' }).end('upstream down, try later')
      else res.writeHead(204).end()
    })
    const clock = fakeClock(T0)
    const reports: AttemptReport<string>[] = []
    const dead: DeadLetter<string>[] = []
    const queue = new DeliveryQueue<string>({ now: clock.now, timers: clock, random: () => 0.5, onAttempt: (r) => reports.push(r), onDeadLetter: (d) => dead.push(d) })
    const req = render(hook({ url: `${base}/hooks/abc` }))
    queue.enqueue('alert-1:webhook:h1', (signal) => sendWebhook(req, { fetch, timeoutMs: 5_000, signal }))
    await queue.whenIdle()
    expect(reports).toHaveLength(1)
    clock.advance(clock.pending()[0]!)
    await queue.whenIdle()
    expect(reports.map((r) => ({ attempt: r.attempt, outcome: r.outcome, reason: r.reason }))).toEqual([
      { attempt: 1, outcome: 'failed', reason: `${base} answered 503 Service Unavailable: upstream down, try later` },
      { attempt: 2, outcome: 'sent', reason: null },
    ])
    expect(dead).toEqual([])
    expect(seen).toHaveLength(2)
    expect(seen[1]).toMatchObject({ method: 'POST', url: '/hooks/abc', headers: { 'content-type': 'application/json' } })
    expect(JSON.parse(seen[1]!.body)).toMatchObject({ symbol: 'AAPL', pattern: 'Hammer' })
    queue.dispose()
  })

  it('a 400 is not retried and becomes a dead letter at once', async () => {
    const { base, seen } = await startHttp((_req, res) => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_payload"}'))
    const clock = fakeClock(T0)
    const dead: DeadLetter<string>[] = []
    const queue = new DeliveryQueue<string>({ now: clock.now, timers: clock, onDeadLetter: (d) => dead.push(d) })
    const req = render(hook({ url: `${base}/hooks/abc` }))
    queue.enqueue('alert-1:webhook:h1', (signal) => sendWebhook(req, { fetch, timeoutMs: 5_000, signal }))
    await queue.whenIdle()
    expect(dead).toEqual([{ job: 'alert-1:webhook:h1', attempts: 1, reason: `${base} answered 400 Bad Request: {"error":"invalid_payload"}`, at: T0 }])
    expect(clock.pending()).toEqual([])
    expect(seen).toHaveLength(1)
  })

  it('a hanging server hits the timeout, which is retryable', async () => {
    const { base } = await startHttp(() => undefined)
    const err = await sendFailure(render(hook({ url: `${base}/slow` })), 200)
    expect(err.message).toBe(`no answer from ${base} within 0.2 s (timeout)`)
    expect(err.retryable).toBe(true)
  })

  it('a refused connection is retryable and names the target', async () => {
    const { base } = await startHttp(() => undefined)
    const server = servers.pop()!
    await new Promise<void>((r) => server.close(() => r()))
    const err = await sendFailure(render(hook({ url: `${base}/x` })))
    expect(err.message).toBe(`connection refused by ${base}`)
    expect(err.retryable).toBe(true)
  })

  it('a 429 is retryable and carries Retry-After; the answer is cut to 200 characters', async () => {
    const { base } = await startHttp((_req, res) => res.writeHead(429, { 'retry-after': '7' }).end('x'.repeat(5000)))
    const err = await sendFailure(render(hook({ url: `${base}/x` })))
    expect(err).toMatchObject({ retryable: true, status: 429, retryAfterMs: 7_000 })
    const said = err.message.slice(err.message.indexOf(': ') + 2)
    expect(said.length).toBeLessThanOrEqual(200)
  })

  it('does not follow a redirect (it would replay the body elsewhere)', async () => {
    const { base, seen } = await startHttp((_req, res) => res.writeHead(302, { location: 'http://elsewhere.example/collect?token=abcdef' }).end())
    const err = await sendFailure(render(hook({ url: `${base}/x` })))
    expect(err.message).toBe(`${base} redirected (302) to http://elsewhere.example: update the webhook URL`)
    expect(err.retryable).toBe(false)
    expect(seen).toHaveLength(1)
  })

  it('never shows a secret in an error, even when the server echoes the request', async () => {
    const echo: Handler = (req, res) => res.writeHead(401).end(`${req.headers.authorization ?? ''} ${req.url} ${req.body}`)
    const { base } = await startHttp(echo)
    const cases: { webhook: Webhook; secrets: string[] }[] = [
      { webhook: hook({ url: `${base}/services/T00000000/B00000000/XXXXXXXXsecretXXXXXXXXXX`, preset: 'slack' }), secrets: ['XXXXXXXXsecretXXXXXXXXXX'] },
      { webhook: hook({ url: `${base}/api/webhooks/123456789012345678/discord-webhook-token-abcdef`, preset: 'discord' }), secrets: ['discord-webhook-token-abcdef'] },
      {
        webhook: hook({ url: `${base}/1/messages.json?token=azGDORePK8gMaC0QOYAMyEEuzJnyUi&user=uQiRzpo4DXghDmr9QzzfQu27cmVRsG`, preset: 'pushover' }),
        secrets: ['azGDORePK8gMaC0QOYAMyEEuzJnyUi', 'uQiRzpo4DXghDmr9QzzfQu27cmVRsG'],
      },
      { webhook: hook({ url: `${base}/private-topic-7f3a9`, preset: 'ntfy', headers: { Authorization: 'Bearer tk_7eevizlsiwf9yi4uxsrs83r4352o0' } }), secrets: ['tk_7eevizlsiwf9yi4uxsrs83r4352o0', 'private-topic-7f3a9'] },
      { webhook: hook({ url: `http://bot:hunter2-pass@${base.slice('http://'.length)}/x?api_key=k-123456789` }), secrets: ['hunter2-pass', 'k-123456789', Buffer.from('bot:hunter2-pass').toString('base64')] },
    ]
    for (const { webhook, secrets } of cases) {
      const err = await sendFailure(render(webhook))
      expect(err.message).toContain('answered 401')
      for (const s of secrets) expect(err.message).not.toContain(s)
      expect(err.message).toContain('***')
    }
  })

  it('never shows a webhook URL path or query in a network error', async () => {
    const { base } = await startHttp(() => undefined)
    const server = servers.pop()!
    await new Promise<void>((r) => server.close(() => r()))
    const err = await sendFailure(render(hook({ url: `${base}/services/T0/B0/XXXXXXXXsecretXXXXXXXXXX?token=abcdef` })))
    expect(err.message).toBe(`connection refused by ${base}`)
  })

  it('names a port that fetch refuses, not retryable', async () => {
    const err = await sendFailure(render(hook({ url: 'http://127.0.0.1:6000/x' })))
    expect(err.message).toBe('fetch does not allow the port of http://127.0.0.1:6000: use another port')
    expect(err.retryable).toBe(false)
  })
})
