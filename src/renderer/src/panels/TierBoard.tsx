import { TIERS, type Tier } from '../../../shared/domain'
import { useTerminal, type TerminalStore } from '../state/terminal-store'
import { EventRow } from './EventRow'

export const TIER_TITLES: Record<Tier, string> = { daily: 'Daily', intraday: 'Intraday', combo: 'Combo' }

export function TierColumn({ store, tier }: { store: TerminalStore; tier: Tier }) {
  const events = useTerminal(store, (s) => s.events[tier])
  return (
    <section className="tier-column" data-tier={tier} aria-label={`${TIER_TITLES[tier]} patterns`}>
      <header className="tier-header">
        <h2>{TIER_TITLES[tier]}</h2>
        <span className="tier-count" data-testid="tier-count">
          {events.length}
        </span>
      </header>
      <div className="event-head" role="row">
        <span className="c-time">Time ET</span>
        <span className="c-symbol">Symbol</span>
        <span className="c-pattern">Pattern</span>
        <span className="c-conf">Conf</span>
        <span className="c-priority">Priority</span>
        <span className="c-price">Price</span>
      </div>
      <div className="event-list" role="rowgroup">
        {events.length === 0 ? (
          <div className="event-empty">Waiting for {TIER_TITLES[tier].toLowerCase()} patterns…</div>
        ) : (
          events.map((e) => <EventRow key={e.id} event={e} />)
        )}
      </div>
    </section>
  )
}

/** Daily | Intraday | Combo, side by side. */
export function TierBoard({ store }: { store: TerminalStore }) {
  return (
    <div className="tier-board" data-testid="tier-board">
      {TIERS.map((tier) => (
        <TierColumn key={tier} store={store} tier={tier} />
      ))}
    </div>
  )
}
