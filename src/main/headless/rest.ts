/**
 * REST routes of the headless host, each mapped onto a contract request: the
 * route only turns a query string into the request's params; validation and
 * the answer come from the contract like any other client's.
 */
import type { RequestName, RequestParams } from '../../shared/contract'
import { isTier, type Tier } from '../../shared/domain'
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
  const market = /^\/api\/market\/([a-z]+)\/?$/.exec(pathname)
  if (market) return marketRoute(market[1]!, q)
  if (pathname === '/api/health' || pathname === '/api/health/') return { method: 'health.get', params: {} }
  if (pathname === '/api/info' || pathname === '/api/info/') return { method: 'engine.info', params: {} }
  return null
}

/**
 * Alert rules and history: `GET /api/alerts/rules`, `POST /api/alerts/rules`
 * (a rule as JSON), `PUT|DELETE /api/alerts/rules/:id`,
 * `POST /api/alerts/rules/:id/test`, `GET /api/alerts/history?rule=&symbol=&unread=1&before=&limit=`.
 * `body` is the parsed JSON body of a POST or PUT.
 */
export function matchAlertRoute(method: string, pathname: string, q: URLSearchParams, body: unknown): RouteMatch | null {
  const path = pathname.replace(/\/+$/, '')
  if (path === '/api/alerts/rules') {
    if (method === 'GET') return { method: 'alerts.rules.list', params: {} }
    if (method === 'POST') return { method: 'alerts.rules.save', params: { rule: withoutId(body) } as RequestParams<'alerts.rules.save'> }
    return null
  }
  const one = /^\/api\/alerts\/rules\/([^/]{1,64})(\/test)?$/.exec(path)
  if (one) {
    let id: string
    try {
      id = decodeURIComponent(one[1]!)
    } catch {
      throw new QueryError('id', 'not a valid percent-encoded rule id')
    }
    if (one[2]) return method === 'POST' ? { method: 'alerts.rules.test', params: { id } } : null
    if (method === 'PUT') return { method: 'alerts.rules.save', params: { rule: { ...(withoutId(body) as object), id } } as RequestParams<'alerts.rules.save'> }
    if (method === 'DELETE') return { method: 'alerts.rules.delete', params: { id } }
    return null
  }
  if (path === '/api/alerts/history' && method === 'GET') {
    return {
      method: 'alerts.history',
      params: {
        ...(q.get('rule') ? { ruleId: q.get('rule')! } : {}),
        ...(q.get('symbol') ? { symbol: q.get('symbol')! } : {}),
        unreadOnly: flag(q, 'unread') ?? false,
        includeTests: flag(q, 'tests') ?? true,
        before: integer(q, 'before'),
        limit: integer(q, 'limit') ?? 100,
      },
    }
  }
  return null
}

/** A rule body's own id is ignored: POST creates, PUT names the rule in the path. */
function withoutId(body: unknown): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body
  const { id: _id, ...rest } = body as Record<string, unknown>
  return rest
}

/** An integer query parameter, or undefined when absent or empty. */
function integer(q: URLSearchParams, field: string): number | undefined {
  const n = number(q, field)
  if (n !== undefined && !Number.isInteger(n)) throw new QueryError(field, `${JSON.stringify(q.get(field)).slice(0, 40)} is not a whole number`)
  return n
}

/** `1`/`true`/`yes` or `0`/`false`/`no` (any case); undefined when absent or empty. */
function flag(q: URLSearchParams, field: string): boolean | undefined {
  const v = q.get(field)
  if (v === null || v === '') return undefined
  const l = v.toLowerCase()
  if (l === '1' || l === 'true' || l === 'yes') return true
  if (l === '0' || l === 'false' || l === 'no') return false
  throw new QueryError(field, `${JSON.stringify(v).slice(0, 40)} is not a flag (1/0, true/false)`)
}

/** `/api/market/{state,etfs,sectors,correlation,patterns}`. */
function marketRoute(what: string, q: URLSearchParams): RouteMatch | null {
  switch (what) {
    case 'state':
      return { method: 'market.state', params: {} }
    case 'etfs':
      return { method: 'market.etfs', params: {} }
    case 'sectors': {
      const tailWeeks = integer(q, 'tail_weeks')
      if (tailWeeks !== undefined && (tailWeeks < 1 || tailWeeks > 52)) throw new QueryError('tail_weeks', `${tailWeeks} is not between 1 and 52`)
      return { method: 'market.sectors', params: { tailWeeks } }
    }
    case 'correlation': {
      const window = integer(q, 'window')
      if (window !== undefined && window !== 20 && window !== 60) throw new QueryError('window', `${window} is not 20 or 60`)
      return { method: 'market.correlation', params: { window } }
    }
    case 'patterns': {
      const tierRaw = q.get('tier')
      let tier: Tier | undefined
      if (tierRaw !== null && tierRaw !== '') {
        if (!isTier(tierRaw)) throw new QueryError('tier', `${JSON.stringify(tierRaw).slice(0, 40)} is not a tier (daily, intraday, combo)`)
        tier = tierRaw
      }
      const sectorRaw = q.get('sector')?.trim()
      const limit = integer(q, 'limit')
      if (limit !== undefined && (limit < 1 || limit > 1000)) throw new QueryError('limit', `${limit} is not between 1 and 1000`)
      return {
        method: 'market.patterns',
        params: { tier, alignedOnly: flag(q, 'aligned') ?? false, sector: sectorRaw ? sectorRaw : undefined, limit: limit ?? 200 },
      }
    }
    default:
      return null
  }
}
