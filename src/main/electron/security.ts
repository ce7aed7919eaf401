/**
 * Security policy of the desktop host as pure functions: the CSP, which
 * renderer URLs and IPC senders are ours, which permissions and external links
 * are allowed. index.ts wires them into Electron's hooks.
 */
import { isAbsolute, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self'"],
  // golden-layout and React set inline styles.
  ['style-src', "'self' 'unsafe-inline'"],
  // golden-layout themes embed PNG icons as data: URLs.
  ['img-src', "'self' data:"],
  ['connect-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['frame-ancestors', "'none'"],
]

/** The production policy: no remote content, no inline or eval'd scripts. */
export const CONTENT_SECURITY_POLICY = CSP_DIRECTIVES.map(([k, v]) => `${k} ${v}`).join('; ')

/**
 * The policy for a page served by the Vite dev server: React Fast Refresh
 * injects an inline preamble and HMR talks over a WebSocket to the same host.
 * Used only when ELECTRON_RENDERER_URL is set (electron-vite dev).
 */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const u = new URL(devServerUrl)
  const ws = `${u.protocol === 'https:' ? 'wss' : 'ws'}://${u.host}`
  return CSP_DIRECTIVES.map(([k, v]) => {
    if (k === 'script-src') return `${k} ${v} 'unsafe-inline'`
    if (k === 'connect-src') return `${k} ${v} ${ws}`
    return `${k} ${v}`
  }).join('; ')
}

/** Response headers with our CSP replacing any the response carried (header names compared case-insensitively). */
export function withCspHeader(headers: Record<string, string[] | string> | undefined, policy: string): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (k.toLowerCase() === 'content-security-policy') continue
    out[k] = Array.isArray(v) ? v : [v]
  }
  out['Content-Security-Policy'] = [policy]
  return out
}

/** Where the renderer is served from: the built files, or the dev server. */
export type RendererLocation = { kind: 'file'; dir: string } | { kind: 'dev'; url: string }

/** True when `url` is a page of our renderer (a file under the renderer folder, or the dev server's origin). */
export function isRendererUrl(url: string, where: RendererLocation): boolean {
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    return false
  }
  if (where.kind === 'dev') {
    const dev = new URL(where.url)
    return parsed.protocol === dev.protocol && parsed.host === dev.host
  }
  if (parsed.protocol !== 'file:' || (parsed.host !== '' && parsed.host !== 'localhost')) return false
  let file: string
  try {
    file = fileURLToPath(parsed)
  } catch {
    return false
  }
  const rel = relative(resolve(where.dir), resolve(file))
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel)
}

/** The parts of an IPC event the sender check needs (Electron's IpcMainEvent has them). */
export interface IpcSenderInfo {
  sender: { id: number }
  senderFrame: { url: string; parent: unknown } | null
}

/**
 * An IPC message is trusted when it comes from the main frame (not an iframe)
 * of one of our windows, and that frame shows our renderer.
 */
export function isTrustedSender(event: IpcSenderInfo, ourWebContentsIds: ReadonlySet<number>, where: RendererLocation): boolean {
  const frame = event.senderFrame
  if (!frame) return false // the frame navigated away or was destroyed
  if (!ourWebContentsIds.has(event.sender.id)) return false
  if (frame.parent !== null) return false
  return isRendererUrl(frame.url, where)
}

/** Permissions a page may get: only desktop notifications (for alerts). */
export function isPermissionAllowed(permission: string): boolean {
  return permission === 'notifications'
}

/** A link the user may open in their browser: https only. Returns the normalized URL, or null to ignore it. */
export function externalUrlToOpen(url: string): string | null {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' ? u.toString() : null
  } catch {
    return null
  }
}
