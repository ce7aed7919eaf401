import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { describe, expect, it } from 'vitest'
import {
  CONTENT_SECURITY_POLICY,
  devContentSecurityPolicy,
  externalUrlToOpen,
  isPermissionAllowed,
  isRendererUrl,
  isTrustedSender,
  withCspHeader,
  type RendererLocation,
} from './security'

const rendererDir = join('/opt', 'tickstock', 'out', 'renderer')
const files: RendererLocation = { kind: 'file', dir: rendererDir }
const indexUrl = pathToFileURL(join(rendererDir, 'index.html')).href

describe('CSP', () => {
  it('is the strict production policy', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    )
  })

  it('relaxes only script-src and connect-src for the dev server', () => {
    const dev = devContentSecurityPolicy('http://localhost:5173/')
    expect(dev).toContain("script-src 'self' 'unsafe-inline'")
    expect(dev).toContain("connect-src 'self' ws://localhost:5173")
    expect(dev).toContain("object-src 'none'")
    expect(dev).not.toContain('unsafe-eval')
  })

  it('replaces any CSP header the response carried, whatever its case, and keeps the others', () => {
    const out = withCspHeader({ 'content-security-policy': ['default-src *'], 'Content-Type': 'text/html' }, CONTENT_SECURITY_POLICY)
    expect(out).toEqual({ 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] })
    expect(withCspHeader(undefined, 'x')).toEqual({ 'Content-Security-Policy': ['x'] })
  })
})

describe('renderer URLs', () => {
  it('accepts files under the renderer folder only', () => {
    expect(isRendererUrl(indexUrl, files)).toBe(true)
    expect(isRendererUrl(`${indexUrl}#/layout`, files)).toBe(true)
    expect(isRendererUrl(pathToFileURL(join(rendererDir, 'assets', 'x.html')).href, files)).toBe(true)
    expect(isRendererUrl(pathToFileURL(join(rendererDir, '..', 'main', 'index.js')).href, files)).toBe(false)
    expect(isRendererUrl(pathToFileURL(`${rendererDir}-evil/index.html`).href, files)).toBe(false)
    expect(isRendererUrl('file:///etc/passwd', files)).toBe(false)
    expect(isRendererUrl('https://example.com/', files)).toBe(false)
    expect(isRendererUrl('about:blank', files)).toBe(false)
    expect(isRendererUrl('not a url', files)).toBe(false)
  })

  it('accepts the dev server origin only when running against it', () => {
    const dev: RendererLocation = { kind: 'dev', url: 'http://localhost:5173' }
    expect(isRendererUrl('http://localhost:5173/index.html', dev)).toBe(true)
    expect(isRendererUrl('http://localhost:5174/', dev)).toBe(false)
    expect(isRendererUrl('https://localhost:5173/', dev)).toBe(false)
    expect(isRendererUrl(indexUrl, dev)).toBe(false)
  })
})

describe('IPC sender check', () => {
  const ours = new Set([7])
  const mainFrame = { url: indexUrl, parent: null }
  it('trusts the main frame of our window showing our renderer', () => {
    expect(isTrustedSender({ sender: { id: 7 }, senderFrame: mainFrame }, ours, files)).toBe(true)
  })
  it('refuses other webContents, subframes, foreign URLs and vanished frames', () => {
    expect(isTrustedSender({ sender: { id: 8 }, senderFrame: mainFrame }, ours, files)).toBe(false)
    expect(isTrustedSender({ sender: { id: 7 }, senderFrame: { url: indexUrl, parent: mainFrame } }, ours, files)).toBe(false)
    expect(isTrustedSender({ sender: { id: 7 }, senderFrame: { url: 'https://evil.example/', parent: null } }, ours, files)).toBe(false)
    expect(isTrustedSender({ sender: { id: 7 }, senderFrame: null }, ours, files)).toBe(false)
  })
})

describe('permissions and external links', () => {
  it('allows notifications only', () => {
    expect(isPermissionAllowed('notifications')).toBe(true)
    for (const p of ['media', 'geolocation', 'openExternal', 'clipboard-read', 'fullscreen', 'pointerLock']) expect(isPermissionAllowed(p)).toBe(false)
  })
  it('opens https links only', () => {
    expect(externalUrlToOpen('https://tickstock.example/docs')).toBe('https://tickstock.example/docs')
    expect(externalUrlToOpen('http://tickstock.example/')).toBeNull()
    expect(externalUrlToOpen('file:///etc/passwd')).toBeNull()
    expect(externalUrlToOpen('javascript:alert(1)')).toBeNull()
    expect(externalUrlToOpen('smb://host/share')).toBeNull()
    expect(externalUrlToOpen('nonsense')).toBeNull()
  })
})
