/**
 * What every delivery channel (email, webhook) reports when it fails, and the
 * helpers that keep secrets out of those reports. A DeliveryError's message is
 * shown to the user and stored with the alert's channel status, so it names the
 * cause (auth failed, connection refused host:port, timeout, 503) and never a
 * password, token or webhook URL path.
 */

export class DeliveryError extends Error {
  override readonly name = 'DeliveryError'
  /** A later attempt may succeed (timeout, 503, connection refused); false for a wrong password, a 400, a bad template. */
  readonly retryable: boolean
  /** The HTTP status (webhooks) or SMTP reply code, when the server answered. */
  readonly status: number | null
  /** The server asked to wait this long before the next attempt (HTTP Retry-After). */
  readonly retryAfterMs: number | null

  constructor(message: string, options: { retryable: boolean; status?: number | null; retryAfterMs?: number | null }) {
    super(message)
    this.retryable = options.retryable
    this.status = options.status ?? null
    this.retryAfterMs = options.retryAfterMs ?? null
  }
}

/** The timer functions delivery code uses; injected in tests. */
export interface DeliveryTimers {
  setTimeout(callback: () => void, ms: number): unknown
  clearTimeout(handle: unknown): void
}

export const systemTimers: DeliveryTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
}

/** Secrets shorter than this are not scrubbed: masking every "a" in a message hides nothing and garbles it. */
const MIN_SECRET_LENGTH = 3

/**
 * Replace every occurrence of each secret (as given, URL-encoded and base64)
 * with "***". For text that came from outside (a server's answer, a library's
 * error message) before it is shown or stored.
 */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  const forms = new Set<string>()
  for (const s of secrets) {
    if (s.length < MIN_SECRET_LENGTH) continue
    forms.add(s)
    forms.add(encodeURIComponent(s))
    forms.add(Buffer.from(s, 'utf8').toString('base64'))
  }
  // Longest first, so a secret that contains another is masked whole.
  let out = text
  for (const f of [...forms].sort((a, b) => b.length - a.length)) out = out.split(f).join('***')
  return out
}

/** One line, at most `max` characters: for server answers quoted in a message. */
export function snippet(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length <= max ? line : `${line.slice(0, max - 1)}…`
}

/** Seconds as a person reads them in a message ("10 s", "1.5 s"). */
export function seconds(ms: number): string {
  const s = ms / 1000
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`
}
