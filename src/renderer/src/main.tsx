import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { installE2eHook } from './app/e2e-hook'
import { createAppPanelRegistry } from './app/panels'
import { createShell } from './app/shell'
import { applyTheme } from './app/theme-apply'
import { disposeTerminalApi, getTerminalApi } from './api/terminal-api'
import { startFeed } from './state/feed'
import { createTerminalStore } from './state/terminal-store'
import './app/theme.css'

const api = getTerminalApi()
const store = createTerminalStore()
const stopFeed = startFeed(api, store)
const shell = createShell({ api, terminal: store, registry: createAppPanelRegistry(), applyTheme })
const uninstallHook = installE2eHook(shell)

// The browser closes the socket on unload; a hot reload of this module must do it itself.
import.meta.hot?.dispose(() => {
  uninstallHook()
  stopFeed()
  disposeTerminalApi()
})

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App shell={shell} />
  </StrictMode>,
)
