/// <reference types="vite/client" />
import type { TerminalApi } from '../../shared/contract'

declare global {
  interface Window {
    /** Exposed by the Electron preload; absent in a browser served by the headless host. */
    readonly tickstock?: TerminalApi
  }
}
