import type { ReactNode } from 'react'
import type { MarketQuery } from './use-market-query'

/** The panel's status line: as-of date, loading, or the last request error. */
export function QueryLine({ query, asOf, children }: { query: MarketQuery<unknown>; asOf: string | null; children?: ReactNode }) {
  return (
    <div className="market-head">
      {children}
      <span className="market-spacer" />
      {query.error && (
        <span className="market-error" data-testid="market-error" title={query.error}>
          {query.error}
        </span>
      )}
      {!query.error && query.loading && <span className="dim">loading…</span>}
      {asOf && <span className="dim num" data-testid="market-asof">as of {asOf}</span>}
    </div>
  )
}
