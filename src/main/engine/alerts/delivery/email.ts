/**
 * Alert emails: the message (pure: one alert or a digest, New York times,
 * HTML-escaped) and an SMTP sender (nodemailer, one pooled transport for the
 * current settings). Send failures become a DeliveryError whose message names
 * the cause and never the password.
 */
import type { ConnectionOptions } from 'node:tls'
import nodemailer, { type NodemailerError, type SMTPPoolOptions, type Transporter } from 'nodemailer'
import type { Alert, SmtpSettings } from '../../../../shared/alerts'
import { alertBody, alertTitle, etDate, etRange, etTime, money, oneLine, percent } from './alert-text'
import { DeliveryError, scrubSecrets, seconds, snippet } from './delivery-error'

export interface EmailMessage {
  subject: string
  text: string
  html: string
  /** 'high' when any alert is critical (sets the X-Priority / Importance headers). */
  priority: 'high' | 'normal' | 'low'
}

/** What a digest adds to its alerts: how many were left out and the window it covers. */
export interface DigestInfo {
  /** Alerts over the digest's cap, counted but not listed ("and 123 more"). */
  omitted?: number
  /** The collection window; the alerts' first and last firing times when absent. */
  from?: number
  to?: number
}

const FOOTER = 'Sent by TickStock Terminal. Change or mute this rule in the Alerts panel.'

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
}

function emailPriority(alerts: readonly Alert[]): EmailMessage['priority'] {
  if (alerts.some((a) => a.urgency === 'critical')) return 'high'
  if (alerts.every((a) => a.urgency === 'low')) return 'low'
  return 'normal'
}

/**
 * The email for one alert ("AAPL Hammer (intraday, 86%) - rule Momentum") or
 * a digest of several ("7 alerts from Momentum, 10:30-10:45 ET" with a table).
 * A digest that holds a single alert reads as that alert.
 */
export function formatAlertEmail(alerts: readonly Alert[], digest: DigestInfo = {}): EmailMessage {
  if (alerts.length === 0) throw new RangeError('formatAlertEmail needs at least one alert')
  const omitted = Math.max(0, digest.omitted ?? 0)
  if (alerts.length === 1 && omitted === 0) return singleEmail(alerts[0]!)
  return digestEmail(alerts, omitted, digest)
}

function singleEmail(alert: Alert): EmailMessage {
  const subject = alertTitle(alert)
  const text = `${alertBody(alert)}\n\n${FOOTER}\n`
  const rows: [string, string][] = [
    ['Symbol', alert.symbol],
    ['Pattern', alert.pattern],
    ['Tier', alert.tier],
    ['Confidence', percent(alert.confidence)],
    ['Priority', alert.priority],
    ['Price', money(alert.price) ?? '-'],
    ['Detected', `${etTime(alert.detectedAt, true)} ET, ${etDate(alert.detectedAt)}`],
    ['Rule', alert.ruleName],
  ]
  if (alert.matched.length > 0) rows.push(['Matched', alert.matched.join('; ')])
  const html = page(
    subject,
    `<h2 style="margin:0 0 12px">${escapeHtml(subject)}</h2>
<table cellpadding="4" style="border-collapse:collapse">
${rows.map(([k, v]) => `<tr><th align="left" style="color:#555;padding-right:16px">${escapeHtml(k)}</th><td>${escapeHtml(oneLine(v))}</td></tr>`).join('\n')}
</table>`,
  )
  return { subject, text, html, priority: emailPriority([alert]) }
}

function digestEmail(alerts: readonly Alert[], omitted: number, digest: DigestInfo): EmailMessage {
  const sorted = [...alerts].sort((a, b) => a.firedAt - b.firedAt)
  const from = digest.from ?? sorted[0]!.firedAt
  const to = digest.to ?? sorted[sorted.length - 1]!.firedAt
  const total = sorted.length + omitted
  const rules = [...new Set(sorted.map((a) => a.ruleId))]
  const source = rules.length === 1 ? oneLine(sorted[sorted.length - 1]!.ruleName) : `${rules.length} rules`
  const test = sorted.every((a) => a.test) ? '[Test] ' : ''
  const subject = `${test}${total} alerts from ${source}, ${etRange(from, to)}`
  const day = etDate(from)

  const columns = ['Time (ET)', 'Symbol', 'Pattern', 'Tier', 'Confidence', 'Price', 'Priority'] as const
  const cells = (a: Alert): string[] => [
    etTime(a.detectedAt, true),
    oneLine(a.symbol),
    oneLine(a.pattern),
    a.tier,
    percent(a.confidence),
    money(a.price) ?? '-',
    a.priority,
  ]
  const table = sorted.map(cells)
  const widths = columns.map((c, i) => Math.max(c.length, ...table.map((r) => r[i]!.length)))
  const line = (r: readonly string[]): string =>
    r
      .map((v, i) => v.padEnd(widths[i]!))
      .join('  ')
      .trimEnd()
  const more = omitted > 0 ? `and ${omitted} more` : null
  const text = [`${subject} (${day})`, '', line(columns), ...table.map(line), ...(more ? ['', more] : []), '', FOOTER, ''].join('\n')

  const th = columns.map((c) => `<th align="left" style="border-bottom:1px solid #ccc">${escapeHtml(c)}</th>`).join('')
  const trs = table.map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`).join('\n')
  const html = page(
    subject,
    `<h2 style="margin:0 0 4px">${escapeHtml(subject)}</h2>
<p style="margin:0 0 12px;color:#555">${escapeHtml(day)}</p>
<table cellpadding="4" style="border-collapse:collapse">
<thead><tr>${th}</tr></thead>
<tbody>
${trs}
</tbody>
</table>${more ? `\n<p>${escapeHtml(more)}</p>` : ''}`,
  )
  return { subject, text, html, priority: emailPriority(sorted) }
}

function page(title: string, content: string): string {
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;font-size:14px;color:#111">
${content}
<p style="margin-top:16px;color:#888;font-size:12px">${escapeHtml(FOOTER)}</p>
</body></html>
`
}

// ---------------------------------------------------------------- SMTP

export interface SmtpSenderOptions {
  /** Connecting, the greeting and a DNS lookup each time out after this long, an idle socket after twice it, a whole send after three times it. */
  timeoutMs: number
  /** Extra TLS options (a private CA for a self-hosted server). Certificates are verified unless this says otherwise. */
  tls?: ConnectionOptions
  /** Pooled connections to the server (default 2). */
  maxConnections?: number
}

export interface SmtpSender {
  /** Rejects with a DeliveryError. `password` is the stored SMTP password (null: none stored). */
  send(message: EmailMessage, smtp: SmtpSettings, password: string | null): Promise<void>
  /** Closes the pooled connections; idle ones at once, a send in progress finishes first. */
  close(): void
}

interface PooledTransport {
  smtp: SmtpSettings
  password: string | null
  transport: Transporter
}

/** Only what the connection depends on: from/to change per message, not per connection. */
function sameConnection(a: PooledTransport, smtp: SmtpSettings, password: string | null): boolean {
  return a.smtp.host === smtp.host && a.smtp.port === smtp.port && a.smtp.secure === smtp.secure && a.smtp.user === smtp.user && a.password === password
}

/** Password forms that could show up in a library error or a server reply (AUTH PLAIN / LOGIN send base64). */
function smtpSecrets(smtp: SmtpSettings, password: string | null): string[] {
  if (!password) return []
  const out = [password]
  if (smtp.user !== null) out.push(`\u0000${smtp.user}\u0000${password}`, `${smtp.user}\u0000${smtp.user}\u0000${password}`)
  return out
}

export function createSmtpSender(options: SmtpSenderOptions): SmtpSender {
  let current: PooledTransport | null = null
  let closed = false

  const transportFor = (smtp: SmtpSettings, password: string | null): Transporter => {
    if (current && sameConnection(current, smtp, password)) return current.transport
    current?.transport.close()
    const config: SMTPPoolOptions & { pool: true } = {
      pool: true,
      host: smtp.host,
      port: smtp.port,
      // secure: TLS from the first byte (465). Otherwise nodemailer upgrades with STARTTLS whenever the server offers it.
      secure: smtp.secure,
      auth: smtp.user !== null ? { user: smtp.user, pass: password ?? '' } : undefined,
      connectionTimeout: options.timeoutMs,
      greetingTimeout: options.timeoutMs,
      // Longer than the greeting wait, so a silent server reads as "no greeting"; a slow DATA phase gets some slack.
      socketTimeout: options.timeoutMs * 2,
      dnsTimeout: options.timeoutMs,
      maxConnections: options.maxConnections ?? 2,
      // Alerts come in bursts: don't hold a connection to someone's mail server all day.
      idleTimeout: 60_000,
      logger: false,
      debug: false,
      tls: options.tls,
    }
    current = { smtp, password, transport: nodemailer.createTransport(config) }
    return current.transport
  }

  return {
    async send(message, smtp, password) {
      if (closed) throw new DeliveryError('the email sender is closed', { retryable: false })
      if (smtp.user !== null && !password) {
        throw new DeliveryError(`no SMTP password is stored for ${oneLine(smtp.user)}: enter it in the alert settings`, { retryable: false })
      }
      const transport = transportFor(smtp, password)
      const deadline = options.timeoutMs * 3
      try {
        await transport.sendMail({
          from: smtp.from,
          to: smtp.to,
          subject: oneLine(message.subject),
          text: message.text,
          html: message.html,
          priority: message.priority,
          // A server that trickles its replies never trips the socket timeout; this ends the send.
          signal: AbortSignal.timeout(deadline),
        })
      } catch (err) {
        const error = err as NodemailerError
        if (error.code === 'EABORT' && current?.transport === transport) {
          // The stalled connection may still be held: start over with a fresh pool.
          transport.close({ force: true })
          current = null
        }
        throw describeSmtpError(error, smtp, smtpSecrets(smtp, password), deadline)
      }
    },
    close() {
      closed = true
      current?.transport.close()
      current = null
    },
  }
}

const TLS_CODES = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL|EPROTO/

/** A short message that names the cause; the password (in any form) never appears. */
export function describeSmtpError(err: NodemailerError, smtp: SmtpSettings, secrets: readonly string[], deadlineMs: number): DeliveryError {
  const where = `${smtp.host}:${smtp.port}`
  const reply = (): string => (err.response ? `: ${snippet(scrubSecrets(err.response, secrets), 160)}` : '')
  const code = err.code ?? ''
  const msg = (text: string, retryable: boolean): DeliveryError => new DeliveryError(scrubSecrets(text, secrets), { retryable, status: err.responseCode ?? null })

  // 530: the server wants a login before MAIL FROM (reported as an envelope error).
  if (err.responseCode === 530) return msg(`${where} needs a login: set the SMTP user and password`, false)
  switch (code) {
    case 'EAUTH':
      return msg(`authentication failed for ${oneLine(smtp.user ?? '')} at ${where}${reply()}`, false)
    case 'ENOAUTH':
      return msg(`${where} needs a login: set the SMTP user and password`, false)
    case 'ETIMEDOUT': {
      const what =
        err.timeoutType === 'GREETING_TIMEOUT'
          ? 'no greeting from'
          : err.timeoutType === 'SOCKET_TIMEOUT'
            ? 'no answer from'
            : err.timeoutType === 'UPGRADE_TIMEOUT'
              ? 'TLS upgrade timed out with'
              : 'timed out connecting to'
      return msg(`${what} ${where} (timeout)`, true)
    }
    case 'EABORT':
      return msg(`sending through ${where} took longer than ${seconds(deadlineMs)} (timeout)`, true)
    case 'EDNS':
      return msg(`mail server not found: ${smtp.host}`, true)
    case 'ETLS':
      return msg(tlsFailure(where, err.originalCode ?? null), false)
    case 'EENVELOPE': {
      const rejected = err.rejected?.length ? ` (${err.rejected.map(oneLine).join(', ')})` : ''
      return msg(`${where} refused the sender or recipients${rejected}${reply()}`, err.permanent === false)
    }
    case 'EMESSAGE':
      return msg(`${where} refused the message${reply()}`, err.permanent === false)
    case 'ECONNECTION':
      return msg(`${where} closed the connection unexpectedly`, true)
    default:
      break
  }
  const cause = err.originalCode ?? err.code
  if (cause === 'ECONNREFUSED') return msg(`connection refused by ${where}`, true)
  if (cause === 'ENOTFOUND' || cause === 'EAI_AGAIN') return msg(`mail server not found: ${smtp.host}`, true)
  if (cause === 'ECONNRESET' || cause === 'EPIPE') return msg(`${where} reset the connection`, true)
  if (cause === 'EHOSTUNREACH' || cause === 'ENETUNREACH') return msg(`${where} is unreachable`, true)
  if (cause && TLS_CODES.test(cause)) return msg(tlsFailure(where, cause), false)
  if (err.responseCode) return msg(`${where} answered ${err.responseCode}${reply()}`, err.permanent !== true)
  return msg(`sending through ${where} failed (${cause ?? 'unknown error'})`, true)
}

function tlsFailure(where: string, cause: string | null): string {
  const hint =
    cause && /CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause)
      ? ': the server certificate is not trusted'
      : ': check "secure" and the port (465 = TLS from the start, 587 = STARTTLS)'
  return `TLS failed with ${where}${cause ? ` (${cause})` : ''}${hint}`
}
