/**
 * IPC channel names between the preload bridge and the Electron main process.
 * The only place these strings are spelled; both sides import them (the
 * preload build bundles this module, which has no imports).
 */
export const IPC = {
  /** renderer -> main: a ClientMessage (validated in main). */
  client: 'tickstock:client',
  /** main -> renderer: a ServerMessage for this window. */
  server: 'tickstock:server',
  /** main -> renderer: 'open' | 'closed', the engine connection as this window sees it. */
  state: 'tickstock:state',
  /** main -> renderer: an application-menu command (the id of a renderer command). */
  command: 'tickstock:command',
  /** renderer -> main: sent once when a page (re)loads, so main can forget the previous page's subscriptions. */
  hello: 'tickstock:hello',
} as const

export type ConnectionState = 'open' | 'closed'
