import { memo, type CSSProperties } from 'react'
import type { PatternEvent, PatternMarketStamp, Tier } from '../../../../shared/domain'
import {
  formatChangePct,
  formatConfidence,
  formatMultiple,
  formatNyTime,
  formatPrice,
  formatRatio,
  formatTimeLeft,
} from '../format'
import { fundLabel } from './sector-info'
import { TIER_TITLES } from './state'

const TIER_SHORT: Record<Tier, string> = { daily: 'D', intraday: 'I', combo: 'C' }

/** "Bull regime, risk +0.35, XLK (Technology) Leading at arrival; aligned with the regime". */
export function marketTitle(m: PatternMarketStamp, names: ReadonlyMap<string, string>): string {
  const parts = [m.regime ? `${m.regime} regime` : 'Regime unknown']
  if (m.risk !== null) parts.push(`risk ${m.risk >= 0 ? '+' : ''}${m.risk.toFixed(2)}`)
  if (m.sector !== null) parts.push(m.quadrant ? `${fundLabel(m.sector, names)} ${m.quadrant}` : fundLabel(m.sector, names))
  else if (m.quadrant !== null) parts.push(`sector ${m.quadrant}`)
  return `${parts.join(', ')} at arrival; ${m.aligned ? 'aligned with the regime' : 'not aligned with the regime'}`
}

/**
 * One element: the regime's arrow is a ::before (coloured when aligned, dim
 * when not), the quadrant dot an ::after, the text the sector fund.
 */
function marketClass(m: PatternMarketStamp): string {
  let cls = 'tb-c tb-market'
  if (m.regime) cls += ` tb-mk-${m.regime.toLowerCase()}`
  if (m.aligned) cls += ' is-aligned'
  if (m.quadrant) cls += ` has-q tb-q-${m.quadrant.toLowerCase()}`
  return cls
}

export interface BoardRowProps {
  event: PatternEvent
  /** DOM id, for the grid's aria-activedescendant. */
  domId: string
  selected: boolean
  /** Arrived within the last moment: flashes once (a CSS animation on mount). */
  fresh: boolean
  /** Its symbol is the panel's linked symbol. */
  linked: boolean
  /** The board's clock (coarse), for the expiry column. */
  now: number
  /** Sector fund -> name, for the market cell's tooltip (a stable map, replaced only when the sector table arrives). */
  sectorNames: ReadonlyMap<string, string>
}

/**
 * One fixed-height row, kept to a dozen elements (the confidence bar is a
 * pseudo-element, the priority cell is its own badge): at high rates every
 * visible row is new on each update, and layout cost is per box. Rows take no callbacks (the board handles clicks by
 * delegation), so a row re-renders only when its event, selection, freshness,
 * link or the coarse clock changes, not when rows stream in around it.
 */
export const BoardRow = memo(function BoardRow({ event, domId, selected, fresh, linked, now, sectorNames }: BoardRowProps) {
  const market = event.market
  const marketInfo = market ? marketTitle(market, sectorNames) : undefined
  const confluent = event.confluence.length > 0
  const left = event.expiresAt - now
  const expired = left <= 0
  const pct = Math.max(0, Math.min(1, event.confidence)) * 100
  const change = event.changePct
  let cls = 'tb-row'
  if (selected) cls += ' is-selected'
  if (fresh) cls += ' is-fresh'
  if (linked) cls += ' is-linked'
  if (expired) cls += ' is-expired'
  return (
    <div
      id={domId}
      className={cls}
      role="row"
      aria-selected={selected}
      data-testid="event-row"
      data-id={event.id}
      data-symbol={event.symbol}
      data-pattern={event.pattern}
      data-confidence={event.confidence}
      data-priority={event.priority}
      data-confluence={confluent ? event.confluence.join(' ') : undefined}
    >
      <span role="gridcell" className="tb-c tb-time" data-field="time">
        {formatNyTime(event.detectedAt)}
      </span>
      <span role="gridcell" className="tb-c tb-symbol" data-field="symbol">
        {event.symbol}
      </span>
      <span role="gridcell" className="tb-c tb-pattern" data-field="pattern" title={event.pattern}>
        {confluent && (
          <span
            className="tb-confluence"
            data-testid="confluence"
            title={`Also in ${event.confluence.map((t) => TIER_TITLES[t]).join(', ')}`}
          >
            {event.confluence.map((t) => TIER_SHORT[t]).join('')}
          </span>
        )}
        {event.pattern}
      </span>
      <span
        role="gridcell"
        className={market ? marketClass(market) : 'tb-c tb-market'}
        data-field="market"
        data-aligned={market ? market.aligned : undefined}
        title={marketInfo}
        aria-label={marketInfo}
      >
        {market?.sector ?? ''}
      </span>
      <span
        role="gridcell"
        className="tb-c tb-conf"
        data-field="confidence"
        title={`confidence ${event.confidence.toFixed(3)}`}
        style={{ '--tb-conf': `${pct}%` } as CSSProperties}
      >
        {formatConfidence(event.confidence)}
      </span>
      <span role="gridcell" className={`tb-c tb-priority tb-badge-${event.priority.toLowerCase()}`} data-field="priority">
        {event.priority}
      </span>
      <span role="gridcell" className="tb-c tb-num" data-field="price">
        {formatPrice(event.price)}
      </span>
      <span
        role="gridcell"
        className={change === null ? 'tb-c tb-num' : change > 0 ? 'tb-c tb-num tb-up' : change < 0 ? 'tb-c tb-num tb-down' : 'tb-c tb-num'}
        data-field="change"
      >
        {formatChangePct(change)}
      </span>
      <span role="gridcell" className="tb-c tb-num" data-field="rvol">
        {formatMultiple(event.relativeVolume)}
      </span>
      <span role="gridcell" className="tb-c tb-num" data-field="rs">
        {formatRatio(event.relativeStrength)}
      </span>
      <span
        role="gridcell"
        className="tb-c tb-num tb-expiry"
        data-field="expiry"
        data-expired={expired || undefined}
        title={`expires ${formatNyTime(event.expiresAt)} ET`}
      >
        {formatTimeLeft(left)}
      </span>
    </div>
  )
})
