/** Secrets never reach logs or the screen. Pure string code: usable everywhere. */

/** Query options that carry a secret (ioredis reads every query parameter as an option, `password` included). */
const SECRET_PARAM = /pass|secret|token/i

/**
 * Remove any password from a Redis URL before it is shown or logged. String
 * based, so it also covers what a URL parser rejects or misreads but a user may
 * still type (an unencoded `/`, `#` or `@` in the password, no scheme): the
 * userinfo runs to the last `@` before the query, as a person would read it.
 */
export function redactUrl(url: string): string {
  // A "?" before the last "@" with none ahead of it is part of a password, not a query.
  const firstQ = url.indexOf('?')
  const q = firstQ !== -1 && !url.slice(0, firstQ).includes('@') && url.indexOf('@', firstQ) !== -1 ? url.indexOf('?', url.lastIndexOf('@')) : firstQ
  let head = q === -1 ? url : url.slice(0, q)
  const query = q === -1 ? null : url.slice(q + 1)
  const scheme = /^([a-z][a-z0-9+.-]*:)?\/\//i.exec(head)?.[0] ?? ''
  const at = head.lastIndexOf('@')
  if (at > scheme.length) {
    const info = head.slice(scheme.length, at)
    const colon = info.indexOf(':')
    if (colon !== -1) head = `${scheme}${info.slice(0, colon)}:***${head.slice(at)}`
  }
  if (query === null) return head
  const redactedQuery = query.replace(/(^|&)([^=&]*)=([^&#]*)/g, (all: string, sep: string, key: string) => (SECRET_PARAM.test(key) ? `${sep}${key}=***` : all))
  return `${head}?${redactedQuery}`
}
