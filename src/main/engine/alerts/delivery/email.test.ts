import { createServer, type AddressInfo, type Server, type Socket } from 'node:net'
import { SMTPServer } from 'smtp-server'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { SmtpSettings } from '../../../../shared/alerts'
import { epochMs } from '../../../../shared/domain'
import { DeliveryError } from './delivery-error'
import { DigestQueue, type Digest } from './digest'
import { createSmtpSender, formatAlertEmail, type SmtpSender } from './email'
import { fakeClock } from './fake-clock'
import { makeAlert, T0 } from './test-alerts'

const USER = 'alerts@example.com'
const PASSWORD = 'hunter2-Sup3r-Secret!'

describe('formatAlertEmail', () => {
  it('titles one alert with the symbol, pattern, tier, confidence and rule, in New York time', () => {
    const m = formatAlertEmail([makeAlert()])
    expect(m.subject).toBe('AAPL Hammer (intraday, 86%) - rule Momentum')
    expect(m.text).toContain('Hammer on AAPL at $187.20 (intraday, 86% confidence, HIGH priority)')
    expect(m.text).toContain('Detected 10:31:05 ET Tue Mar 3 2026, rule Momentum')
    expect(m.text).toContain('Matched: confidence >= 0.80; regime Bull')
    expect(m.html).toContain('10:31:05 ET, Tue Mar 3 2026')
    expect(m.priority).toBe('normal')
  })

  it('uses summer time in New York (EDT)', () => {
    const july = epochMs(Date.UTC(2026, 6, 1, 14, 5, 0))
    expect(formatAlertEmail([makeAlert({ detectedAt: july, firedAt: july })]).text).toContain('Detected 10:05:00 ET Wed Jul 1 2026')
  })

  it('escapes HTML from rule and pattern names, and keeps line breaks out of the subject', () => {
    const m = formatAlertEmail([makeAlert({ ruleName: '<script>alert("x")</script> & co', pattern: 'Bull\r\nBcc: victim@example.com' })])
    expect(m.html).not.toContain('<script>')
    expect(m.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co')
    expect(m.subject).not.toMatch(/[\r\n]/)
    expect(m.subject).toContain('Bull Bcc: victim@example.com')
  })

  it('marks critical alerts high priority and test alerts in the subject', () => {
    const m = formatAlertEmail([makeAlert({ urgency: 'critical', test: true })])
    expect(m.priority).toBe('high')
    expect(m.subject.startsWith('[Test] AAPL Hammer')).toBe(true)
  })

  it('makes a digest: a count, the rule, the window and a table, sorted by time', () => {
    const alerts = Array.from({ length: 7 }, (_, i) =>
      makeAlert({ id: i + 1, symbol: ['MSFT', 'NVDA', 'AMD', 'TSLA', 'META', 'GOOG', 'AMZN'][i]!, firedAt: epochMs(T0 + (6 - i) * 60_000), detectedAt: epochMs(T0 + (6 - i) * 60_000) }),
    )
    const from = epochMs(Date.UTC(2026, 2, 3, 15, 30))
    const m = formatAlertEmail(alerts, { from, to: epochMs(from + 15 * 60_000) })
    expect(m.subject).toBe('7 alerts from Momentum, 10:30-10:45 ET')
    const rows = m.html.match(/<tr><td>/g) ?? []
    expect(rows).toHaveLength(7)
    // Oldest first: AMZN fired first.
    expect(m.text.indexOf('AMZN')).toBeLessThan(m.text.indexOf('MSFT'))
    expect(m.text).toMatch(/Time \(ET\)\s+Symbol\s+Pattern\s+Tier\s+Confidence\s+Price\s+Priority/)
    expect(m.text).toMatch(/10:31:05\s+AMZN\s+Hammer\s+intraday\s+86%\s+\$187\.20\s+HIGH/)
  })

  it('counts what a capped digest leaves out', () => {
    const m = formatAlertEmail([makeAlert({ id: 1 }), makeAlert({ id: 2 })], { omitted: 123 })
    expect(m.subject).toMatch(/^125 alerts from Momentum, /)
    expect(m.text).toContain('and 123 more')
    expect(m.html).toContain('<p>and 123 more</p>')
  })

  it('dates a window that crosses midnight in New York', () => {
    const from = epochMs(Date.UTC(2026, 2, 4, 4, 50)) // 23:50 EST on Mar 3
    const m = formatAlertEmail([makeAlert({ id: 1, firedAt: from }), makeAlert({ id: 2, firedAt: epochMs(from + 20 * 60_000) })])
    expect(m.subject).toBe('2 alerts from Momentum, Mar 3 23:50-Mar 4 00:10 ET')
  })
})

// ---------------------------------------------------------------- a real SMTP server

interface Received {
  raw: string
  user: string | undefined
  secure: boolean
}

interface TestServer {
  port: number
  received: Received[]
  close(): Promise<void>
}

async function startSmtp(options: { starttls?: boolean } = {}): Promise<TestServer> {
  const received: Received[] = []
  const server = new SMTPServer({
    logger: false,
    authMethods: ['PLAIN', 'LOGIN'],
    allowInsecureAuth: true,
    ...(options.starttls ? {} : { disabledCommands: ['STARTTLS'] }),
    onAuth(auth, _session, callback) {
      if (auth.username === USER && auth.password === PASSWORD) callback(null, { user: USER })
      else callback(new Error('Invalid username or password'))
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        received.push({ raw: Buffer.concat(chunks).toString('utf8'), user: session.user as string | undefined, secure: session.secure })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const port = (server.server.address() as AddressInfo).port
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

const settings = (port: number, over: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: '127.0.0.1',
  port,
  secure: false,
  user: USER,
  from: 'terminal@example.com',
  to: ['trader@example.com'],
  ...over,
})

/** Headers and the text/plain part of a received message, transfer encodings undone. */
function parseMail(raw: string): { headers: Map<string, string>; text: string; html: string } {
  const split = (block: string): [Map<string, string>, string] => {
    const at = block.indexOf('\r\n\r\n')
    const head = block.slice(0, at).replace(/\r\n[ \t]+/g, ' ')
    const headers = new Map<string, string>()
    for (const line of head.split('\r\n')) {
      const colon = line.indexOf(':')
      if (colon > 0) headers.set(line.slice(0, colon).toLowerCase(), line.slice(colon + 1).trim())
    }
    return [headers, block.slice(at + 4)]
  }
  const decode = (headers: Map<string, string>, body: string): string => {
    const enc = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase()
    if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
    if (enc === 'quoted-printable') {
      const bytes = body.replace(/=\r\n/g, '').replace(/=([0-9A-F]{2})/gi, (_m, h: string) => `%${h}`)
      return decodeURIComponent(bytes.replace(/%(?![0-9A-F]{2})/gi, '%25'))
    }
    return body
  }
  const [headers, body] = split(raw)
  const boundary = /boundary="?([^";]+)"?/.exec(headers.get('content-type') ?? '')?.[1]
  let text = ''
  let html = ''
  if (boundary) {
    for (const part of body.split(`--${boundary}`).slice(1, -1)) {
      const [ph, pb] = split(part.replace(/^\r\n/, ''))
      const type = ph.get('content-type') ?? ''
      if (type.startsWith('text/plain')) text = decode(ph, pb)
      if (type.startsWith('text/html')) html = decode(ph, pb)
    }
  } else text = decode(headers, body)
  return { headers, text, html }
}

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  )
  expect(err).toBeInstanceOf(DeliveryError)
  return err as DeliveryError
}

describe('createSmtpSender with a real SMTP server', () => {
  let smtp: TestServer
  let sender: SmtpSender

  beforeEach(async () => {
    smtp = await startSmtp()
    sender = createSmtpSender({ timeoutMs: 5_000 })
  })
  afterEach(async () => {
    sender.close()
    await smtp.close()
  })

  it('logs in and delivers the alert: subject and body as formatted', async () => {
    const message = formatAlertEmail([makeAlert()])
    await sender.send(message, settings(smtp.port), PASSWORD)
    expect(smtp.received).toHaveLength(1)
    const got = smtp.received[0]!
    expect(got.user).toBe(USER)
    const mail = parseMail(got.raw)
    expect(mail.headers.get('subject')).toBe('AAPL Hammer (intraday, 86%) - rule Momentum')
    expect(mail.headers.get('from')).toBe('terminal@example.com')
    expect(mail.headers.get('to')).toBe('trader@example.com')
    expect(mail.text).toContain('Hammer on AAPL at $187.20 (intraday, 86% confidence, HIGH priority)')
    expect(mail.text).toContain('Detected 10:31:05 ET Tue Mar 3 2026')
    expect(mail.html).toContain('<h2 style="margin:0 0 12px">AAPL Hammer (intraday, 86%) - rule Momentum</h2>')
  })

  it('a wrong password fails with "authentication failed", not retryable, and the password is nowhere in the message', async () => {
    const wrong = 'not-the-Right-pass-42'
    const err = await failure(sender.send(formatAlertEmail([makeAlert()]), settings(smtp.port), wrong))
    expect(err.message).toContain('authentication failed')
    expect(err.message).toContain(`127.0.0.1:${smtp.port}`)
    expect(err.retryable).toBe(false)
    for (const secret of [wrong, PASSWORD, Buffer.from(wrong).toString('base64'), Buffer.from(`\u0000${USER}\u0000${wrong}`).toString('base64')]) {
      expect(err.message).not.toContain(secret)
      expect(String(err.stack)).not.toContain(secret)
    }
    expect(smtp.received).toHaveLength(0)
  })

  it('rebuilds the pooled transport when the settings change (a corrected password works at once)', async () => {
    await failure(sender.send(formatAlertEmail([makeAlert()]), settings(smtp.port), 'wrong-password'))
    await sender.send(formatAlertEmail([makeAlert()]), settings(smtp.port), PASSWORD)
    expect(smtp.received).toHaveLength(1)
  })

  it('refuses to send for a user without a stored password', async () => {
    const err = await failure(sender.send(formatAlertEmail([makeAlert()]), settings(smtp.port), null))
    expect(err.message).toContain('no SMTP password is stored')
    expect(err.retryable).toBe(false)
  })

  it('sends a digest of several alerts as one email', async () => {
    const clock = fakeClock(T0)
    const sent: Promise<void>[] = []
    const digests: Digest[] = []
    const queue = new DigestQueue({
      now: clock.now,
      timers: clock,
      send: (d) => {
        digests.push(d)
        sent.push(sender.send(formatAlertEmail(d.alerts, d), settings(smtp.port), PASSWORD))
      },
    })
    for (const [i, symbol] of ['AAPL', 'MSFT', 'NVDA', 'AMD'].entries()) {
      if (i > 0) clock.advance(60_000)
      const now = epochMs(clock.now())
      queue.add(makeAlert({ id: i + 1, symbol, firedAt: now, detectedAt: now }), 15)
    }
    expect(digests).toHaveLength(0)
    clock.advance(12 * 60_000)
    await Promise.all(sent)
    expect(digests).toHaveLength(1)
    expect(smtp.received).toHaveLength(1)
    const mail = parseMail(smtp.received[0]!.raw)
    expect(mail.headers.get('subject')).toBe('4 alerts from Momentum, 10:31-10:46 ET')
    for (const s of ['AAPL', 'MSFT', 'NVDA', 'AMD']) expect(mail.text).toContain(s)
  })
})

describe('createSmtpSender failures', () => {
  it('names a refused connection with host:port, retryable', async () => {
    const closed = createServer()
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', () => r()))
    const port = (closed.address() as AddressInfo).port
    await new Promise<void>((r) => closed.close(() => r()))
    const sender = createSmtpSender({ timeoutMs: 2_000 })
    try {
      const err = await failure(sender.send(formatAlertEmail([makeAlert()]), settings(port), PASSWORD))
      expect(err.message).toBe(`connection refused by 127.0.0.1:${port}`)
      expect(err.retryable).toBe(true)
    } finally {
      sender.close()
    }
  })

  it('times out on a server that never greets', async () => {
    const sockets: Socket[] = []
    const silent: Server = createServer((s) => sockets.push(s))
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()))
    const port = (silent.address() as AddressInfo).port
    const sender = createSmtpSender({ timeoutMs: 300 })
    try {
      const err = await failure(sender.send(formatAlertEmail([makeAlert()]), settings(port), PASSWORD))
      expect(err.message).toContain(`127.0.0.1:${port}`)
      expect(err.message).toContain('timeout')
      expect(err.retryable).toBe(true)
      expect(err.message).not.toContain(PASSWORD)
    } finally {
      sender.close()
      for (const s of sockets) s.destroy()
      await new Promise<void>((r) => silent.close(() => r()))
    }
  })

  it('upgrades with STARTTLS when the server offers it, and refuses a certificate it cannot verify', async () => {
    const smtp = await startSmtp({ starttls: true })
    // smtp-server's built-in test certificate is self-signed (and expired): trusted here only on purpose.
    const trusting = createSmtpSender({ timeoutMs: 5_000, tls: { rejectUnauthorized: false } })
    const strict = createSmtpSender({ timeoutMs: 5_000 })
    try {
      await trusting.send(formatAlertEmail([makeAlert()]), settings(smtp.port), PASSWORD)
      expect(smtp.received).toHaveLength(1)
      expect(smtp.received[0]!.secure).toBe(true)

      const err = await failure(strict.send(formatAlertEmail([makeAlert()]), settings(smtp.port), PASSWORD))
      expect(err.message).toContain(`TLS failed with 127.0.0.1:${smtp.port}`)
      expect(err.retryable).toBe(false)
      expect(err.message).not.toContain(PASSWORD)
      expect(smtp.received).toHaveLength(1)
    } finally {
      trusting.close()
      strict.close()
      await smtp.close()
    }
  })
})
