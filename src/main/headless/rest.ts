/**
 * REST routes of the headless host, each mapped onto a contract request: the
 * route only turns a query string into the request's params; validation and
 * the answer come from the contract like any other client's.
 */
import type { RequestName, RequestParams } from '../../shared/contract'
import { isTier } from '../../shared/domain'
import { parseTimestamp } from '../engine/ingest/normalize'

export type RouteMatch = { [K in RequestName]: { method: K; params: RequestParams<K> } }[RequestName]

/** A query parameter that could not be read; named so the error names it. */
export class QueryError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`)
  }
}

const list = (v: string | null): string[] | undefined => {
  if (v === null) return undefined
  const items = v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
  return items.length > 0 ? items : undefined
}

function number(q: URLSearchParams, field: string): number | undefined {
  const v = q.get(field)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isFinite(n)) throw new QueryError(field, `${JSON.stringify(v).slice(0, 40)} is not a number`)
  return n
}

function time(q: URLSearchParams, field: string): number | undefined {
  const v = q.get(field)
  if (v === null || v === '') return undefined
  const t = parseTimestamp(/^\d+(\.\d+)?$/.test(v) ? Number(v) : v)
  if (t === null) throw new QueryError(field, `${JSON.stringify(v).slice(0, 40)} is not a time (epoch s, epoch ms or ISO-8601)`)
  return t
}

/** The paging cursor: `before` (time) and `before_id` come together, as `metadata.nextBefore` hands them out. */
function cursor(q: URLSearchParams): { detectedAt: number; id: number } | undefined {
  const detectedAt = time(q, 'before')
  const id = number(q, 'before_id')
  if (detectedAt === undefined && id === undefined) return undefined
  // One without the other would silently page from the epoch (an empty page) or not page at all.
  if (detectedAt === undefined) throw new QueryError('before', 'required with before_id (pass both from metadata.nextBefore)')
  if (id === undefined) throw new QueryError('before_id', 'required with before (pass both from metadata.nextBefore)')
  return { detectedAt, id }
}

/** Map `GET path?query` to a contract request, or null when no route matches. */
export function matchRoute(pathname: string, q: URLSearchParams): RouteMatch | null {
  const m = /^\/api\/patterns\/([a-z_]+)\/?$/.exec(pathname)
  if (m) {
    const what = m[1]!
    if (what === 'performance') return { method: 'patterns.performance', params: {} }
    if (!isTier(what)) return null
    const before = cursor(q)
    return {
      method: 'patterns.query',
      params: {
        tier: what,
        symbols: list(q.get('symbols')),
        confidenceMin: number(q, 'confidence_min'),
        patterns: list(q.get('pattern') ?? q.get('patterns')),
        since: time(q, 'since'),
        before,
        limit: number(q, 'limit') ?? 100,
      },
    }
  }
  if (pathname === '/api/health' || pathname === '/api/health/') return { method: 'health.get', params: {} }
  if (pathname === '/api/info' || pathname === '/api/info/') return { method: 'engine.info', params: {} }
  return null
}
