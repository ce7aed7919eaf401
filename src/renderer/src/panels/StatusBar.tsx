import { useTerminal, type TerminalStore } from '../state/terminal-store'
import { formatAge, latestGapText, modeLabel } from './format'

export function StatusBar({ store }: { store: TerminalStore }) {
  const connection = useTerminal(store, (s) => s.connection)
  const engine = useTerminal(store, (s) => s.engine)
  const health = useTerminal(store, (s) => s.health)
  const lastError = useTerminal(store, (s) => s.lastError)
  const mode = modeLabel(connection, engine, health)
  const gap = latestGapText(health)
  const producer = health?.producer
  const session = health?.session
  const eps = health?.ingest.eventsPerSecond

  return (
    <footer className="status-bar" data-testid="status-bar">
      <span className={`status-mode tone-${mode.tone}`} data-testid="status-mode">
        {mode.text}
      </span>
      <span className="status-item" data-testid="status-heartbeat" title="Age of the producer's last heartbeat">
        <span className="label">HB</span>
        <span className={producer && !producer.online ? 'value bad' : 'value'}>{formatAge(producer?.ageMs ?? null)}</span>
      </span>
      <span className="status-item" data-testid="status-session" title={session?.universe ?? undefined}>
        <span className="label">Session</span>
        <span className="value">{session ? `${session.sessionId ?? '?'} ${session.state}${session.inferred ? ' (inferred)' : ''}` : '—'}</span>
      </span>
      <span className="status-item" data-testid="status-rate">
        <span className="label">ev/s</span>
        <span className="value num">{eps === undefined ? '—' : eps.toFixed(1)}</span>
      </span>
      <span className="status-item" data-testid="status-rejected" title="Messages rejected by validation">
        <span className="label">Rejected</span>
        <span className={health && health.rejected.total > 0 ? 'value num warn' : 'value num'}>{health?.rejected.total ?? '—'}</span>
      </span>
      {gap && (
        <span className="status-item status-gap" data-testid="status-gap">
          {gap}
        </span>
      )}
      {lastError && (
        <span className="status-item status-error" data-testid="status-error" title={lastError}>
          {lastError}
        </span>
      )}
      <span className="status-spacer" />
      {engine && <span className="status-item dim">v{engine.version}</span>}
    </footer>
  )
}
