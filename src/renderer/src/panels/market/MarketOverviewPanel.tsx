import type { MarketKeyLevels, MarketState, RegimeChangeEvent } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { formatPrice } from '../format'
import { centredBar, formatShare, formatSigned, gaugePercent, REGIME_CLASS } from './market-model'
import { useMarketQuery, useMarketRefresh, type MarketQuery } from './use-market-query'
import { QueryLine } from './QueryLine'
import './market.css'

export type MarketOverviewState = Record<string, never>

/** Key levels of these come first, in this order. */
const KEY_SYMBOLS = ['SPY', 'QQQ', 'IWM']
/** Stored regime changes shown under "Regime history". */
export const REGIME_HISTORY_LIMIT = 6
/** Changes asked for: enough to count the older ones not shown (changes are rare: a few a month at most). */
export const REGIME_HISTORY_FETCH = 100

export function MarketOverviewPanel({ api, visible }: PanelProps<MarketOverviewState>) {
  const refresh = useMarketRefresh(api, visible)
  const q = useMarketQuery(api, 'market.state', {}, visible, refresh)
  const history = useMarketQuery(api, 'market.regimeEvents', { limit: REGIME_HISTORY_FETCH }, visible, refresh)
  const m = q.value
  return (
    <div className="market-panel market-overview" data-testid="market-overview">
      <QueryLine query={q} asOf={m?.asOf ?? null} />
      {m && !m.available && (
        <div className="market-unavailable" data-testid="market-unavailable">
          <strong>Market state unavailable</strong>
          <div>{m.reason ?? 'No daily bars for SPY in the bar store.'}</div>
        </div>
      )}
      {m && m.available && <Overview m={m} history={history} />}
    </div>
  )
}

function Overview({ m, history }: { m: MarketState; history: MarketQuery<{ events: RegimeChangeEvent[] }> }) {
  const levels = orderLevels(m.keyLevels)
  return (
    <div className="market-overview-grid">
      <section className="market-box">
        <h3>Regime</h3>
        {m.regime ? (
          <div className="market-regime">
            <span className={`regime-badge ${REGIME_CLASS[m.regime.label]}`} data-testid="regime-badge" data-regime={m.regime.label}>
              {m.regime.label}
            </span>
            <span className="num" data-testid="regime-confidence" title="Confidence">
              {Math.round(m.regime.confidence * 100)}%
            </span>
            <span className="dim" data-testid="regime-since">
              since {m.regime.since}
            </span>
            {m.demo && (
              <span className="market-demo-chip" data-testid="market-demo" title="Demo mode with no imported bars: a generated ETF market (import real bars with `npm run tickstock -- import bars DIR`)">
                demo data
              </span>
            )}
          </div>
        ) : (
          <div className="dim">—</div>
        )}
      </section>

      <RegimeHistory query={history} />

      <section className="market-box">
        <h3>Risk on / off</h3>
        {m.risk ? (
          <>
            <div className="market-gauge" title="-1 risk-off … +1 risk-on">
              <div className="market-gauge-track">
                <div className="market-gauge-marker" style={{ left: `${gaugePercent(m.risk.score)}%` }} />
              </div>
              <div className="market-gauge-axis dim">
                <span>off −1</span>
                <span>0</span>
                <span>+1 on</span>
              </div>
            </div>
            <div className={`market-big ${m.risk.score >= 0 ? 'up' : 'down'}`} data-testid="risk-score">
              {formatSigned(m.risk.score)}
            </div>
            <ul className="market-components" data-testid="risk-components">
              {m.risk.components.map((c) => {
                const bar = centredBar(c.value)
                return (
                  <li key={c.name}>
                    <span className="market-name">{c.name}</span>
                    <span className="market-minibar">
                      <span className={`market-minibar-fill ${(c.value ?? 0) >= 0 ? 'up' : 'down'}`} style={{ left: `${bar.left}%`, width: `${bar.width}%` }} />
                    </span>
                    <span className="num">{formatSigned(c.value)}</span>
                  </li>
                )
              })}
            </ul>
          </>
        ) : (
          <div className="dim">—</div>
        )}
      </section>

      <section className="market-box">
        <h3>Breadth</h3>
        <dl className="market-stats" data-testid="breadth">
          <dt>Above 50-day</dt>
          <dd data-testid="breadth-50">{formatShare(m.breadth?.above50)}</dd>
          <dt>Above 200-day</dt>
          <dd data-testid="breadth-200">{formatShare(m.breadth?.above200)}</dd>
        </dl>
      </section>

      <section className="market-box market-levels">
        <h3>Key levels</h3>
        {levels.length === 0 ? (
          <div className="dim">—</div>
        ) : (
          <table className="market-table" data-testid="key-levels">
            <thead>
              <tr>
                <th>Symbol</th>
                <th>Support</th>
                <th>Resistance</th>
                <th>52w low</th>
                <th>52w high</th>
              </tr>
            </thead>
            <tbody>
              {levels.map((l) => (
                <tr key={l.symbol} data-testid="key-level" data-symbol={l.symbol}>
                  <td className="market-sym">{l.symbol}</td>
                  <td className="num down">{l.support.map((v) => formatPrice(v)).join(' · ') || '—'}</td>
                  <td className="num up">{l.resistance.map((v) => formatPrice(v)).join(' · ') || '—'}</td>
                  <td className="num">{formatPrice(l.low52)}</td>
                  <td className="num">{formatPrice(l.high52)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  )
}

/** "+3 older"; "+94 or more older" when the answer was cut at the fetch limit; null when all are shown. */
export function olderChangesNote(total: number, shown: number, capped: boolean): string | null {
  const older = total - shown
  if (older <= 0) return null
  return `+${older}${capped ? ' or more' : ''} older`
}

/** The last stored regime changes, newest first: date, from -> to, confidence. */
function RegimeHistory({ query }: { query: MarketQuery<{ events: RegimeChangeEvent[] }> }) {
  const events = query.value?.events ?? []
  const shown = events.slice(0, REGIME_HISTORY_LIMIT)
  const older = olderChangesNote(events.length, shown.length, events.length >= REGIME_HISTORY_FETCH)
  return (
    <section className="market-box" data-testid="regime-history">
      <h3>Regime history</h3>
      {query.error && (
        <div className="market-error" title={query.error}>
          {query.error}
        </div>
      )}
      {!query.error && query.value && events.length === 0 && <div className="dim">No regime changes stored yet.</div>}
      {events.length > 0 && (
        <div className="market-changes-head dim" data-testid="regime-changes-head" aria-hidden="true">
          <span>Date · change</span>
          <span title="Confidence of the new regime">Conf.</span>
        </div>
      )}
      {events.length > 0 && (
        <ol className="market-changes" data-testid="regime-changes">
          {shown.map((c) => (
            <li key={c.date} data-testid="regime-change" title={`Recorded ${new Date(c.recordedAt).toLocaleString()}`}>
              <span className="dim num market-change-date">{c.date}</span>
              <span className="market-change-what">
                {c.from ? <span className={`regime-text ${REGIME_CLASS[c.from]}`}>{c.from}</span> : <span className="dim">—</span>}
                {' → '}
                <span className={`regime-text ${REGIME_CLASS[c.to]}`}>{c.to}</span>
              </span>
              <span className="num dim" title="Confidence of the new regime">
                {Math.round(c.confidence * 100)}%
              </span>
            </li>
          ))}
        </ol>
      )}
      {older && (
        <div className="dim market-changes-more" data-testid="regime-changes-older">
          {older}
        </div>
      )}
    </section>
  )
}

/** SPY, QQQ, IWM first (in that order), then any others as given. */
export function orderLevels(levels: readonly MarketKeyLevels[]): MarketKeyLevels[] {
  const rank = (s: string) => {
    const i = KEY_SYMBOLS.indexOf(s)
    return i < 0 ? KEY_SYMBOLS.length : i
  }
  return levels
    .map((l, i) => ({ l, i }))
    .sort((a, b) => rank(a.l.symbol) - rank(b.l.symbol) || a.i - b.i)
    .map((x) => x.l)
}
