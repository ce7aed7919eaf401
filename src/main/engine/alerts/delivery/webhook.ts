/**
 * Webhooks: what each service expects (rendering is pure) and the HTTP send
 * (fetch injected, with a timeout).
 *
 * - ntfy: JSON publishing (https://docs.ntfy.sh/publish/#publish-as-json). The
 *   user gives the topic URL (https://ntfy.sh/mytopic); ntfy only reads a JSON
 *   body posted to the server's root, so the request goes to https://ntfy.sh/
 *   with `topic` in the body.
 * - Pushover: form-encoded POST to the messages API; `token` and `user` come
 *   from the URL's query or from headers and move into the body, so they never
 *   travel in a URL.
 * - Slack incoming webhook: `{text, blocks}`, text escaped for mrkdwn.
 * - Discord execute-webhook: `{content, embeds}`, with mentions disabled.
 * - custom: the user's JSON template with {{placeholders}}; values are
 *   JSON-escaped, and a template that does not render to valid JSON is refused.
 *
 * A template on any preset replaces the preset's body; the preset still decides
 * where it goes (ntfy's root, with `topic` added when missing) and Pushover's
 * credentials.
 *
 * A request carries its secrets (header values, URL tokens, Pushover keys) so
 * any text that came back from the server is scrubbed before it is shown; a
 * message names the service's host, never the full URL (Slack and Discord keep
 * their token in the path).
 */
import { ruleId, type Alert, type Webhook } from '../../../../shared/alerts'
import { epochMs } from '../../../../shared/domain'
import { alertBody, alertHeadline, alertTitle, clip, money, oneLine, percent } from './alert-text'
import { DeliveryError, scrubSecrets, seconds, snippet, systemTimers, type DeliveryTimers } from './delivery-error'

export interface WebhookRequest {
  url: string
  method: 'POST'
  /** Lower-case names. Holds secrets: never log. */
  headers: Record<string, string>
  body: string
  /** Where it goes, safe to show: "https://hooks.slack.com". */
  target: string
  /** Values scrubbed from any text shown about this request. */
  secrets: readonly string[]
}

export type WebhookRenderErrorCode = 'invalid_url' | 'invalid_template' | 'invalid_header' | 'missing_credentials'
export type WebhookRenderResult = { ok: true; value: WebhookRequest } | { ok: false; error: { code: WebhookRenderErrorCode; message: string } }

export interface RenderOptions {
  /** A link to the alert ({{url}}, ntfy's click, Pushover's url, the Discord embed's url); none when absent. */
  link?: string | null
}

/** Placeholders a template may use. */
export const WEBHOOK_PLACEHOLDERS = ['symbol', 'pattern', 'tier', 'confidence', 'price', 'rule', 'title', 'body', 'url', 'detectedAt', 'priority', 'urgency'] as const
export type WebhookPlaceholder = (typeof WEBHOOK_PLACEHOLDERS)[number]

const USER_AGENT = 'TickStockTerminal-Alerts'
const JSON_HEADERS = { 'content-type': 'application/json', 'user-agent': USER_AGENT }

const fail = (code: WebhookRenderErrorCode, message: string): WebhookRenderResult => ({ ok: false, error: { code, message } })

/** The HTTP request that delivers `alert` through `webhook`. Pure. */
export function renderWebhook(webhook: Webhook, alert: Alert, options: RenderOptions = {}): WebhookRenderResult {
  let url: URL
  try {
    url = new URL(webhook.url)
  } catch {
    return fail('invalid_url', 'the webhook URL is not a valid URL')
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('invalid_url', 'a webhook URL starts with http:// or https://')
  const link = options.link ?? null

  const secrets: string[] = []
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(webhook.headers)) {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) return fail('invalid_header', `header name "${oneLine(name).slice(0, 64)}" is not a valid HTTP header name`)
    if (/[\r\n\u0000]/.test(value)) return fail('invalid_header', `the value of header "${name}" holds a line break`)
    headers[name.toLowerCase()] = value
    secrets.push(value)
  }
  // fetch refuses a URL with credentials: send them as Basic auth instead.
  if (url.username || url.password) {
    const user = safeDecode(url.username)
    const pass = safeDecode(url.password)
    secrets.push(user, pass, `${user}:${pass}`)
    headers['authorization'] ??= `Basic ${Buffer.from(`${user}:${pass}`, 'utf8').toString('base64')}`
    secrets.push(headers['authorization'])
    url.username = ''
    url.password = ''
  }
  for (const value of url.searchParams.values()) secrets.push(value)
  // Slack, Discord and others keep the token in the path.
  for (const segment of url.pathname.split('/')) if (segment.length >= 16) secrets.push(segment, safeDecode(segment))

  const target = url.origin
  const rendered = webhook.template !== null ? renderTemplate(webhook.template, alert, link) : null
  if (rendered && !rendered.ok) return fail('invalid_template', rendered.message)
  // A template that renders to JSON null is still a template: hence the wrapper.
  const templated = rendered?.ok ? { value: rendered.value } : null

  const done = (u: URL, h: Record<string, string>, body: string): WebhookRenderResult => ({
    ok: true,
    value: { url: u.toString(), method: 'POST', headers: h, body, target, secrets: secrets.filter((s) => s.length > 0) },
  })

  switch (webhook.preset) {
    case 'ntfy': {
      const segments = url.pathname.split('/')
      const topic = segments.pop() || segments.pop()
      if (!topic || !/^[-_A-Za-z0-9]{1,64}$/.test(topic)) {
        return fail('invalid_url', 'an ntfy URL ends with the topic (letters, digits, "-" and "_"), e.g. https://ntfy.sh/mytopic')
      }
      secrets.push(topic)
      const root = new URL(url.toString())
      root.pathname = `${segments.join('/')}/`
      let body: string
      if (templated !== null) {
        if (!isPlainObject(templated.value)) return fail('invalid_template', 'an ntfy template renders to a JSON object')
        body = JSON.stringify({ topic, ...templated.value })
      } else {
        body = JSON.stringify(ntfyBody(alert, topic, link))
      }
      return done(root, { ...JSON_HEADERS, ...headers }, body)
    }
    case 'pushover': {
      const creds = pushoverCredentials(url, headers)
      if (!creds) {
        return fail('missing_credentials', 'Pushover needs your application token and user key: add ?token=...&user=... to the URL, or "token" and "user" headers')
      }
      secrets.push(creds.token, creds.user)
      const form = new URLSearchParams()
      form.set('token', creds.token)
      form.set('user', creds.user)
      // Other query parameters (device, sound, priority with retry/expire, ...) are Pushover options: pass them on.
      for (const [k, v] of url.searchParams) form.set(k, v)
      url.search = ''
      if (templated !== null) {
        if (!isPlainObject(templated.value)) return fail('invalid_template', 'a Pushover template renders to a JSON object')
        for (const [k, v] of Object.entries(templated.value)) {
          if (k === 'token' || k === 'user') continue
          if (v !== null && typeof v === 'object') return fail('invalid_template', `Pushover takes flat fields: "${k}" holds an object or a list`)
          form.set(k, v === null ? '' : String(v))
        }
      } else {
        for (const [k, v] of Object.entries(pushoverFields(alert, link))) if (!form.has(k)) form.set(k, v)
      }
      return done(url, { 'content-type': 'application/x-www-form-urlencoded;charset=UTF-8', 'user-agent': USER_AGENT, ...headers }, form.toString())
    }
    case 'slack':
      return done(url, { ...JSON_HEADERS, ...headers }, templated !== null ? JSON.stringify(templated.value) : JSON.stringify(slackBody(alert, link)))
    case 'discord':
      return done(url, { ...JSON_HEADERS, ...headers }, templated !== null ? JSON.stringify(templated.value) : JSON.stringify(discordBody(alert, link)))
    case 'custom':
      return done(url, { ...JSON_HEADERS, ...headers }, templated !== null ? JSON.stringify(templated.value) : JSON.stringify(defaultCustomBody(alert, link)))
    default:
      return assertNever(webhook.preset)
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled webhook preset ${String(x)}`)
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isHttpLink = (link: string | null): link is string => link !== null && /^https?:\/\//i.test(link)

// ---------------------------------------------------------------- presets

/** ntfy priorities: 1 min, 2 low, 3 default, 4 high, 5 max/urgent. */
const NTFY_PRIORITY = { low: 2, normal: 3, critical: 5 } as const
/** Pushover priorities: -2 silent, -1 quiet, 0 normal, 1 high (bypasses quiet hours); 2 needs retry/expire. */
const PUSHOVER_PRIORITY = { low: -1, normal: 0, critical: 1 } as const
const DISCORD_COLOR = { low: 0x6b7280, normal: 0x3b82f6, critical: 0xe5484d } as const

function ntfyBody(alert: Alert, topic: string, link: string | null): Record<string, unknown> {
  const tags = [...(alert.urgency === 'critical' ? ['rotating_light'] : []), oneLine(alert.symbol), alert.tier, ...(alert.test ? ['test'] : [])]
  return {
    topic,
    title: clip(alertTitle(alert), 250),
    // ntfy turns messages over 4096 bytes into attachments.
    message: clip(alertBody(alert), 3000),
    priority: NTFY_PRIORITY[alert.urgency],
    tags,
    ...(link !== null ? { click: link } : {}),
  }
}

function pushoverCredentials(url: URL, headers: Record<string, string>): { token: string; user: string } | null {
  const fromHeader = (names: readonly string[]): string | undefined => {
    for (const n of names) {
      const v = headers[n]
      if (v !== undefined) {
        delete headers[n]
        return v
      }
    }
    return undefined
  }
  const headerToken = fromHeader(['token', 'x-pushover-token'])
  const headerUser = fromHeader(['user', 'x-pushover-user'])
  const token = url.searchParams.get('token') ?? headerToken
  const user = url.searchParams.get('user') ?? headerUser
  url.searchParams.delete('token')
  url.searchParams.delete('user')
  return token && user ? { token, user } : null
}

/** Pushover limits: title 250, message 1024, url 512, url_title 100 characters. */
function pushoverFields(alert: Alert, link: string | null): Record<string, string> {
  return {
    title: clip(alertTitle(alert), 250),
    message: clip(alertBody(alert), 1024),
    priority: String(PUSHOVER_PRIORITY[alert.urgency]),
    timestamp: String(Math.floor(alert.detectedAt / 1000)),
    ...(link !== null && link.length <= 512 ? { url: link, url_title: 'Open in TickStock' } : {}),
  }
}

/** Slack reads &, < and > as markup (<!channel> pings everyone): escape them in every text. */
function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}

function slackBody(alert: Alert, link: string | null): Record<string, unknown> {
  const price = money(alert.price)
  const fields = [
    `*Tier*\n${alert.tier}`,
    `*Confidence*\n${percent(alert.confidence)}`,
    `*Priority*\n${alert.priority}`,
    ...(price ? [`*Price*\n${price}`] : []),
  ].map((text) => ({ type: 'mrkdwn', text }))
  const headline = `*${slackEscape(alertHeadline(alert))}*${isHttpLink(link) ? ` <${slackEscape(link)}|Open>` : ''}`
  const context = [`rule ${oneLine(alert.ruleName)}`, ...(alert.matched.length > 0 ? [`matched: ${alert.matched.map(oneLine).join('; ')}`] : [])].join(' · ')
  return {
    // The notification and fallback text.
    text: slackEscape(clip(alertTitle(alert), 3000)),
    blocks: [
      { type: 'section', text: { type: 'mrkdwn', text: clip(headline, 3000) }, fields },
      { type: 'context', elements: [{ type: 'mrkdwn', text: clip(slackEscape(context), 2000) }] },
    ],
  }
}

function discordBody(alert: Alert, link: string | null): Record<string, unknown> {
  const price = money(alert.price)
  const fields = [
    { name: 'Tier', value: alert.tier, inline: true },
    { name: 'Confidence', value: percent(alert.confidence), inline: true },
    { name: 'Priority', value: alert.priority, inline: true },
    ...(price ? [{ name: 'Price', value: price, inline: true }] : []),
    ...(alert.matched.length > 0 ? [{ name: 'Matched', value: clip(alert.matched.map(oneLine).join('\n'), 1024), inline: false }] : []),
  ]
  return {
    content: clip(alertTitle(alert), 2000),
    embeds: [
      {
        title: clip(alertHeadline(alert), 256),
        description: clip(alertBody(alert), 4096),
        color: DISCORD_COLOR[alert.urgency],
        fields,
        timestamp: new Date(alert.detectedAt).toISOString(),
        footer: { text: clip(`rule ${oneLine(alert.ruleName)}`, 2048) },
        ...(isHttpLink(link) ? { url: link } : {}),
      },
    ],
    // A pattern or rule name must never ping @everyone.
    allowed_mentions: { parse: [] },
  }
}

function defaultCustomBody(alert: Alert, link: string | null): Record<string, unknown> {
  return {
    symbol: alert.symbol,
    pattern: alert.pattern,
    tier: alert.tier,
    confidence: alert.confidence,
    priority: alert.priority,
    urgency: alert.urgency,
    price: alert.price,
    rule: alert.ruleName,
    title: alertTitle(alert),
    body: alertBody(alert),
    url: link,
    detectedAt: new Date(alert.detectedAt).toISOString(),
    firedAt: new Date(alert.firedAt).toISOString(),
    matched: alert.matched,
    test: alert.test,
  }
}

// ---------------------------------------------------------------- templates

const PLACEHOLDER = /\{\{\s*([A-Za-z]+)\s*\}\}/g

/** A placeholder's text inside the template: strings JSON-escaped (to sit inside quotes), numbers as literals, a missing price as null. */
function placeholderValue(name: WebhookPlaceholder, alert: Alert, link: string | null): string {
  const str = (s: string): string => JSON.stringify(s).slice(1, -1)
  switch (name) {
    case 'symbol':
      return str(alert.symbol)
    case 'pattern':
      return str(alert.pattern)
    case 'tier':
      return str(alert.tier)
    case 'confidence':
      return String(alert.confidence)
    case 'price':
      return alert.price === null || !Number.isFinite(alert.price) ? 'null' : String(alert.price)
    case 'rule':
      return str(alert.ruleName)
    case 'title':
      return str(alertTitle(alert))
    case 'body':
      return str(alertBody(alert))
    case 'url':
      return str(link ?? '')
    case 'detectedAt':
      return str(new Date(alert.detectedAt).toISOString())
    case 'priority':
      return str(alert.priority)
    case 'urgency':
      return str(alert.urgency)
    default:
      return assertNever(name)
  }
}

/** Placeholders that render as JSON numbers (or null) and may stand outside quotes; the rest are text. */
const NUMERIC_PLACEHOLDERS: ReadonlySet<string> = new Set<WebhookPlaceholder>(['confidence', 'price'])

/** The first text placeholder that stands outside a JSON string in the template, if any. */
function textPlaceholderOutsideQuotes(template: string): string | null {
  let inString = false
  for (let i = 0; i < template.length; i++) {
    const c = template[i]
    if (inString) {
      if (c === '\\') i++
      else if (c === '"') inString = false
      continue
    }
    if (c === '"') inString = true
    else if (c === '{' && template[i + 1] === '{') {
      const m = /^\{\{\s*([A-Za-z]+)\s*\}\}/.exec(template.slice(i))
      if (m && !NUMERIC_PLACEHOLDERS.has(m[1]!) && (WEBHOOK_PLACEHOLDERS as readonly string[]).includes(m[1]!)) return m[1]!
    }
  }
  return null
}

function renderTemplate(template: string, alert: Alert, link: string | null): { ok: true; value: unknown } | { ok: false; message: string } {
  const bare = textPlaceholderOutsideQuotes(template)
  if (bare !== null) return { ok: false, message: `{{${bare}}} is text and goes inside quotes: "{{${bare}}}"` }
  const unknown = new Set<string>()
  const text = template.replace(PLACEHOLDER, (all: string, name: string) => {
    if (!(WEBHOOK_PLACEHOLDERS as readonly string[]).includes(name)) {
      unknown.add(name)
      return all
    }
    return placeholderValue(name as WebhookPlaceholder, alert, link)
  })
  if (unknown.size > 0) {
    return {
      ok: false,
      message: `unknown placeholder ${[...unknown].map((n) => `{{${n}}}`).join(', ')}; the template can use ${WEBHOOK_PLACEHOLDERS.map((n) => `{{${n}}}`).join(', ')}`,
    }
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown }
  } catch (err) {
    // The parser's own message quotes the text, which may hold a token: give the position only.
    const at = /position (\d+)/.exec(err instanceof Error ? err.message : '')?.[1]
    return {
      ok: false,
      message: `the template is not valid JSON once the placeholders are filled in${at ? ` (at character ${Number(at) + 1})` : ''}`,
    }
  }
}

const SAMPLE_ALERT: Alert = {
  id: 0,
  ruleId: ruleId('sample'),
  ruleName: 'Sample "rule"',
  eventId: 0,
  symbol: 'AAPL',
  pattern: 'Hammer',
  tier: 'intraday',
  confidence: 0.86,
  priority: 'HIGH',
  price: null,
  detectedAt: epochMs(Date.UTC(2026, 2, 3, 15, 31)),
  firedAt: epochMs(Date.UTC(2026, 2, 3, 15, 31)),
  urgency: 'normal',
  matched: ['confidence >= 0.80'],
  suppressedBy: null,
  channels: [],
  read: false,
  acknowledged: false,
  feedback: null,
  test: true,
}

/** Checks a template as the settings editor saves it: the problem, or null when it renders to valid JSON. */
export function validateWebhookTemplate(template: string): string | null {
  const r = renderTemplate(template, SAMPLE_ALERT, 'https://example.com/alert')
  return r.ok ? null : r.message
}

// ---------------------------------------------------------------- sending

export interface SendWebhookOptions {
  fetch: typeof fetch
  /** The whole exchange (connect, answer, reading the answer) ends after this long. */
  timeoutMs: number
  /** Default: the global setTimeout / clearTimeout. */
  timers?: DeliveryTimers
  /** Cancels the send (the delivery queue's dispose). */
  signal?: AbortSignal
  /** For an HTTP-date Retry-After. Default: Date.now. */
  now?: () => number
}

/** Statuses worth another attempt: rate limited, timed out, the service is down. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500
}

const ANSWER_CHARS = 200
const ANSWER_BYTES = 4096

/** Resolves when the service answered 2xx; otherwise rejects with a DeliveryError (status, the answer's first 200 characters, scrubbed). */
export async function sendWebhook(request: WebhookRequest, options: SendWebhookOptions): Promise<void> {
  const timers = options.timers ?? systemTimers
  const controller = new AbortController()
  let timedOut = false
  const timer = timers.setTimeout(() => {
    timedOut = true
    controller.abort()
  }, options.timeoutMs)
  const onCancel = (): void => controller.abort()
  options.signal?.addEventListener('abort', onCancel, { once: true })
  if (options.signal?.aborted) controller.abort()
  const fail = (message: string, retryable: boolean, extra: { status?: number; retryAfterMs?: number | null } = {}): DeliveryError =>
    new DeliveryError(scrubSecrets(message, request.secrets), { retryable, ...extra })

  try {
    let response: Response
    try {
      response = await options.fetch(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        // A redirect would replay the body (and its credentials) somewhere else.
        redirect: 'manual',
        signal: controller.signal,
      })
    } catch (err) {
      if (timedOut) throw fail(`no answer from ${request.target} within ${seconds(options.timeoutMs)} (timeout)`, true)
      if (controller.signal.aborted) throw fail(`sending to ${request.target} was cancelled`, true)
      throw describeNetworkError(err, request.target, fail)
    }

    if (response.status >= 200 && response.status < 300) {
      await response.body?.cancel().catch(() => undefined)
      return
    }
    let answer = ''
    try {
      answer = await readStart(response, ANSWER_BYTES)
    } catch {
      if (timedOut) throw fail(`${request.target} answered ${response.status} but its answer did not arrive within ${seconds(options.timeoutMs)} (timeout)`, isRetryableStatus(response.status), { status: response.status })
    }
    const said = snippet(scrubSecrets(answer, request.secrets), ANSWER_CHARS)
    if (response.status >= 300 && response.status < 400) {
      const location = response.headers.get('location')
      let where = ''
      try {
        where = location ? ` to ${new URL(location, request.url).origin}` : ''
      } catch {
        where = ''
      }
      throw fail(`${request.target} redirected (${response.status})${where}: update the webhook URL`, false, { status: response.status })
    }
    const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), options.now ?? Date.now)
    throw fail(`${request.target} answered ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${said ? `: ${said}` : ''}`, isRetryableStatus(response.status), {
      status: response.status,
      retryAfterMs,
    })
  } finally {
    timers.clearTimeout(timer)
    options.signal?.removeEventListener('abort', onCancel)
  }
}

/** The first `maxBytes` of the answer as text; the rest is not read (an error page can be large). */
async function readStart(response: Response, maxBytes: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    while (size < maxBytes) {
      const { done, value } = await reader.read()
      if (done) break
      chunks.push(value)
      size += value.byteLength
    }
  } finally {
    await reader.cancel().catch(() => undefined)
  }
  return new TextDecoder('utf-8', { fatal: false }).decode(Buffer.concat(chunks).subarray(0, maxBytes))
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: () => number): number | null {
  if (value === null) return null
  const trimmed = value.trim()
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000
  const at = Date.parse(trimmed)
  return Number.isNaN(at) ? null : Math.max(0, at - now())
}

const TLS_CAUSE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS|ERR_SSL/

/** The system error code under fetch's error: on the cause, its cause, or the first of an AggregateError (one per address tried). */
function errorCode(cause: unknown, depth = 0): string | null {
  if (cause === null || typeof cause !== 'object' || depth > 3) return null
  const c = cause as { code?: unknown; cause?: unknown; errors?: unknown }
  if (typeof c.code === 'string') return c.code
  if (Array.isArray(c.errors)) for (const e of c.errors as unknown[]) if (errorCode(e, depth + 1)) return errorCode(e, depth + 1)
  return errorCode(c.cause, depth + 1)
}

/** fetch's "fetch failed" says nothing: name the cause from the error code underneath. Never the URL. */
function describeNetworkError(err: unknown, target: string, fail: (message: string, retryable: boolean) => DeliveryError): DeliveryError {
  const cause = (err as { cause?: unknown } | null)?.cause
  const code = errorCode(cause)
  if (code === null && cause instanceof Error && cause.message === 'bad port') {
    return fail(`fetch does not allow the port of ${target}: use another port`, false)
  }
  switch (code) {
    case 'ECONNREFUSED':
      return fail(`connection refused by ${target}`, true)
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return fail(`host not found: ${new URL(target).hostname}`, true)
    case 'ECONNRESET':
    case 'EPIPE':
    case 'UND_ERR_SOCKET':
      return fail(`${target} closed the connection`, true)
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return fail(`timed out connecting to ${target} (timeout)`, true)
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return fail(`${target} is unreachable`, true)
    default:
      if (code && TLS_CAUSE.test(code)) return fail(`TLS certificate of ${target} was refused (${code})`, false)
      return fail(`could not reach ${target}${code ? ` (${code})` : ''}`, true)
  }
}
