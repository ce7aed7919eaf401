import { memo } from 'react'
import type { PatternEvent } from '../../../shared/domain'
import { formatConfidence, formatNyTime, formatPrice } from './format'

const TIER_SHORT = { daily: 'D', intraday: 'I', combo: 'C' } as const

export const EventRow = memo(function EventRow({ event }: { event: PatternEvent }) {
  const confluent = event.confluence.length > 0
  const pct = Math.max(0, Math.min(1, event.confidence)) * 100
  return (
    <div
      className="event-row"
      role="row"
      data-testid="event-row"
      data-event-id={event.id}
      data-tier={event.tier}
      data-symbol={event.symbol}
      data-pattern={event.pattern}
      data-confluence={confluent || undefined}
    >
      <span className="c-time" data-field="time" title={new Date(event.detectedAt).toISOString()}>
        {formatNyTime(event.detectedAt)}
      </span>
      <span className="c-symbol" data-field="symbol">
        {event.symbol}
      </span>
      <span className="c-pattern" data-field="pattern" title={event.pattern}>
        {confluent && (
          <span className="confluence" data-field="confluence" title={`Also in ${event.confluence.join(', ')}`}>
            ◆{event.confluence.map((t) => TIER_SHORT[t]).join('')}
          </span>
        )}
        {event.pattern}
      </span>
      <span className="c-conf" data-field="confidence" title={`confidence ${event.confidence.toFixed(3)}`}>
        <span className="conf-bar" aria-hidden="true">
          <span className="conf-fill" style={{ width: `${pct}%` }} />
        </span>
        <span className="conf-num">{formatConfidence(event.confidence)}</span>
      </span>
      <span className="c-priority" data-field="priority">
        <span className={`badge badge-${event.priority.toLowerCase()}`}>{event.priority}</span>
      </span>
      <span className="c-price" data-field="price">
        {formatPrice(event.price)}
      </span>
    </div>
  )
})
