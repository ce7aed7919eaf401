import { describe, expect, it } from 'vitest'
import { requestSchemas } from '../../shared/contract'
import { QueryError, matchRoute, type RouteMatch } from './rest'

const route = (url: string): RouteMatch | null => {
  const u = new URL(url, 'http://127.0.0.1:7420')
  return matchRoute(u.pathname, u.searchParams)
}
const queryParams = (url: string) => {
  const r = route(url)
  if (r?.method !== 'patterns.query') throw new Error(`not a pattern query: ${JSON.stringify(r)}`)
  return r.params
}
const queryError = (url: string): QueryError => {
  try {
    route(url)
  } catch (e) {
    if (e instanceof QueryError) return e
    throw e
  }
  throw new Error(`no QueryError for ${url}`)
}

const JAN1 = Date.parse('2025-01-01T00:00:00Z')

describe('matchRoute: pattern queries', () => {
  it('maps every query parameter of a tier route', () => {
    const r = route('/api/patterns/daily?symbols=aapl,MSFT&confidence_min=0.8&pattern=Doji&since=2025-01-01T00:00:00Z&limit=50')
    expect(r).toEqual({
      method: 'patterns.query',
      params: { tier: 'daily', symbols: ['aapl', 'MSFT'], confidenceMin: 0.8, patterns: ['Doji'], since: JAN1, before: undefined, limit: 50 },
    })
    // and the contract accepts them, upper-casing the symbols
    const parsed = requestSchemas['patterns.query'].parse(r!.params)
    expect(parsed).toMatchObject({ tier: 'daily', symbols: ['AAPL', 'MSFT'], confidenceMin: 0.8, patterns: ['Doji'], since: JAN1, limit: 50 })
  })

  it.each(['daily', 'intraday', 'combo'])('routes the %s tier, with a trailing slash too', (tier) => {
    expect(queryParams(`/api/patterns/${tier}`).tier).toBe(tier)
    expect(queryParams(`/api/patterns/${tier}/`).tier).toBe(tier)
  })

  it('leaves absent filters out and defaults the limit to 100', () => {
    const p = queryParams('/api/patterns/intraday')
    expect(p).toMatchObject({ tier: 'intraday', limit: 100 })
    expect(p.symbols).toBeUndefined()
    expect(p.confidenceMin).toBeUndefined()
    expect(p.patterns).toBeUndefined()
    expect(p.since).toBeUndefined()
    expect(p.before).toBeUndefined()
  })

  it('reads `patterns` as well as `pattern`, trims list items and drops empty ones', () => {
    expect(queryParams('/api/patterns/daily?patterns=Doji,%20Hammer,,WeeklyBO').patterns).toEqual(['Doji', 'Hammer', 'WeeklyBO'])
    expect(queryParams('/api/patterns/daily?symbols=%20nvda%20,,BRK.B').symbols).toEqual(['nvda', 'BRK.B'])
    expect(queryParams('/api/patterns/daily?symbols=,').symbols).toBeUndefined()
  })

  it('treats an empty number or time as absent', () => {
    const p = queryParams('/api/patterns/daily?confidence_min=&since=&limit=')
    expect(p.confidenceMin).toBeUndefined()
    expect(p.since).toBeUndefined()
    expect(p.limit).toBe(100)
  })

  it.each([
    ['epoch seconds', '1735689600', JAN1],
    ['epoch seconds with a fraction', '1735689600.5', JAN1 + 500],
    ['epoch milliseconds', '1735689600000', JAN1],
    ['ISO with Z', '2025-01-01T00:00:00Z', JAN1],
    ['ISO with +00:00', '2025-01-01T00:00:00%2B00:00', JAN1],
    ['ISO with a New York offset', '2024-12-31T19:00:00-05:00', JAN1],
    ['naive ISO (UTC)', '2025-01-01T00:00:00', JAN1],
  ])('since as %s', (_what, since, ms) => {
    expect(queryParams(`/api/patterns/daily?since=${since}`).since).toBe(ms)
  })

  it('pages with before and before_id together', () => {
    const p = queryParams('/api/patterns/daily?before=1758034199800&before_id=42')
    expect(p.before).toEqual({ detectedAt: 1758034199800, id: 42 })
    expect(queryParams('/api/patterns/daily?before=2025-01-01T00:00:00Z&before_id=7').before).toEqual({ detectedAt: JAN1, id: 7 })
  })

  it.each([
    ['before_id without before', '/api/patterns/daily?before_id=42', 'before'],
    ['before without before_id', '/api/patterns/daily?before=1758034199800', 'before_id'],
  ])('refuses %s, naming the missing one', (_what, url, field) => {
    expect(queryError(url).field).toBe(field)
  })

  it.each([
    ['confidence_min', '/api/patterns/daily?confidence_min=high'],
    ['limit', '/api/patterns/daily?limit=ten'],
    ['limit', '/api/patterns/daily?limit=Infinity'],
    ['since', '/api/patterns/daily?since=yesterday'],
    ['since', '/api/patterns/daily?since=2025-13-45'],
    ['before', '/api/patterns/daily?before=soon&before_id=1'],
    ['before_id', '/api/patterns/daily?before=1758034199800&before_id=x'],
  ])('a bad %s throws a QueryError naming it', (field, url) => {
    const e = queryError(url)
    expect(e.field).toBe(field)
    expect(e.message.startsWith(`${field}:`)).toBe(true)
  })

  it('a bad value in one field is reported even when others are fine', () => {
    expect(queryError('/api/patterns/combo?symbols=AAPL&limit=50&confidence_min=0,8').field).toBe('confidence_min')
  })

  it.each(['/api/patterns/hourly', '/api/patterns/weekly', '/api/patterns/DAILY', '/api/patterns/', '/api/patterns', '/api/patterns/daily/extra'])(
    '%s matches no route',
    (url) => {
      expect(route(url)).toBeNull()
    },
  )
})

describe('matchRoute: other routes', () => {
  it('performance', () => {
    expect(route('/api/patterns/performance')).toEqual({ method: 'patterns.performance', params: {} })
    expect(route('/api/patterns/performance/')).toEqual({ method: 'patterns.performance', params: {} })
  })

  it('health and info, with or without a trailing slash, ignoring the query', () => {
    expect(route('/api/health')).toEqual({ method: 'health.get', params: {} })
    expect(route('/api/health/?verbose=1')).toEqual({ method: 'health.get', params: {} })
    expect(route('/api/info')).toEqual({ method: 'engine.info', params: {} })
  })

  it('anything else matches nothing', () => {
    for (const url of ['/', '/api', '/api/healthz', '/health', '/api/patterns/daily.json']) expect(route(url), url).toBeNull()
  })

  it('the params of non-query routes satisfy the contract', () => {
    for (const url of ['/api/patterns/performance', '/api/health', '/api/info']) {
      const r = route(url)!
      expect(requestSchemas[r.method].safeParse(r.params).success, url).toBe(true)
    }
  })
})

describe('matchRoute: market routes', () => {
  it('maps state, etfs, sectors, correlation and patterns', () => {
    expect(route('/api/market/state')).toEqual({ method: 'market.state', params: {} })
    expect(route('/api/market/etfs/')).toEqual({ method: 'market.etfs', params: {} })
    expect(route('/api/market/sectors?tail_weeks=8')).toEqual({ method: 'market.sectors', params: { tailWeeks: 8 } })
    expect(route('/api/market/sectors')).toEqual({ method: 'market.sectors', params: { tailWeeks: undefined } })
    expect(route('/api/market/correlation?window=20')).toEqual({ method: 'market.correlation', params: { window: 20 } })
    expect(route('/api/market/patterns?tier=daily&aligned=1&sector=XLK&limit=50')).toEqual({
      method: 'market.patterns',
      params: { tier: 'daily', alignedOnly: true, sector: 'XLK', limit: 50 },
    })
    expect(route('/api/market/patterns?tier=&aligned=&sector=')).toEqual({
      method: 'market.patterns',
      params: { tier: undefined, alignedOnly: false, sector: undefined, limit: 200 },
    })
    expect(route('/api/market/patterns?aligned=false&sector=Health%20Care')).toMatchObject({ params: { alignedOnly: false, sector: 'Health Care' } })
  })

  it('the params satisfy the contract, which fills the defaults', () => {
    for (const url of ['/api/market/state', '/api/market/etfs', '/api/market/sectors', '/api/market/correlation?window=60', '/api/market/patterns?aligned=1']) {
      const r = route(url)!
      expect(requestSchemas[r.method].safeParse(r.params).success, url).toBe(true)
    }
    expect(requestSchemas['market.sectors'].parse(route('/api/market/sectors')!.params)).toEqual({ tailWeeks: 8 })
    expect(requestSchemas['market.correlation'].parse(route('/api/market/correlation')!.params)).toEqual({ window: 60 })
  })

  it.each([
    ['tail_weeks', '/api/market/sectors?tail_weeks=many'],
    ['tail_weeks', '/api/market/sectors?tail_weeks=0'],
    ['tail_weeks', '/api/market/sectors?tail_weeks=2.5'],
    ['window', '/api/market/correlation?window=30'],
    ['window', '/api/market/correlation?window=x'],
    ['tier', '/api/market/patterns?tier=weekly'],
    ['aligned', '/api/market/patterns?aligned=maybe'],
    ['limit', '/api/market/patterns?limit=0'],
    ['limit', '/api/market/patterns?limit=5000'],
  ])('a bad %s throws a QueryError naming it', (field, url) => {
    const e = queryError(url)
    expect(e.field).toBe(field)
    expect(e.message.startsWith(`${field}:`)).toBe(true)
  })

  it('unknown market routes match nothing', () => {
    for (const url of ['/api/market', '/api/market/', '/api/market/regime', '/api/market/state/extra']) expect(route(url), url).toBeNull()
  })
})
