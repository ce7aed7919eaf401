/**
 * The renderer's one way to reach the engine: the preload bridge in Electron,
 * otherwise a WebSocket client to the headless host that served this page.
 */
import { createContractClient } from '../../../shared/client'
import type { TerminalApi } from '../../../shared/contract'
import { createWebSocketTransport } from './ws-transport'

export interface DisposableTerminalApi extends TerminalApi {
  dispose(): void
}

/** `ws://host/ws` or `wss://host/ws` for the page's own origin. */
export function engineSocketUrl(loc: Pick<Location, 'protocol' | 'host'>): string {
  return `${loc.protocol === 'https:' ? 'wss' : 'ws'}://${loc.host}/ws`
}

export function createBrowserTerminalApi(url: string): DisposableTerminalApi {
  const transport = createWebSocketTransport({ url })
  const client = createContractClient(transport, { host: 'browser' })
  return {
    host: client.host,
    invoke: client.invoke,
    subscribe: client.subscribe,
    onConnection: client.onConnection,
    dispose() {
      client.dispose()
      transport.dispose()
    },
  }
}

let current: TerminalApi | null = null
let disposeCurrent: (() => void) | null = null

export function getTerminalApi(): TerminalApi {
  if (current) return current
  const bridge = window.tickstock
  if (bridge) {
    // The preload's API lives as long as the window: nothing to dispose.
    current = bridge
  } else {
    const api = createBrowserTerminalApi(engineSocketUrl(window.location))
    current = api
    disposeCurrent = () => api.dispose()
  }
  return current
}

/** Tear down the API returned by getTerminalApi (page unload, hot reload). */
export function disposeTerminalApi(): void {
  disposeCurrent?.()
  disposeCurrent = null
  current = null
}
