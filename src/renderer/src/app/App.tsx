import { TierBoard } from '../panels/TierBoard'
import { StatusBar } from '../panels/StatusBar'
import type { TerminalStore } from '../state/terminal-store'

export function App({ store }: { store: TerminalStore }) {
  return (
    <div className="app">
      <main className="workspace">
        <TierBoard store={store} />
      </main>
      <StatusBar store={store} />
    </div>
  )
}
