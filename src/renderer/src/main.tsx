import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { disposeTerminalApi, getTerminalApi } from './api/terminal-api'
import { startFeed } from './state/feed'
import { createTerminalStore } from './state/terminal-store'
import './app/theme.css'

const store = createTerminalStore()
const stopFeed = startFeed(getTerminalApi(), store)

// The browser closes the socket on unload; a hot reload of this module must do it itself.
import.meta.hot?.dispose(() => {
  stopFeed()
  disposeTerminalApi()
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App store={store} />
  </StrictMode>,
)
