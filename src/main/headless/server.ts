/**
 * The headless host: the engine in a worker thread, and on one HTTP port the
 * built renderer, REST, and the contract over WebSocket (/ws). Binds
 * 127.0.0.1 by default; anywhere else it requires a token.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { extname, join, normalize as normalizePath, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { clientMessageSchema, type ContractError, type ServerMessage } from '../../shared/contract'
import type { EngineConfigInput } from '../engine/config'
import { EngineHost } from './engine-host'
import { QueryError, matchRoute } from './rest'

export interface HeadlessOptions {
  config: EngineConfigInput
  host?: string
  /** 0 picks a free port. */
  port?: number
  /** Folder of the built renderer (out/renderer). */
  rendererDir?: string | null
  /** Required when binding anything but loopback; generated when omitted there. */
  token?: string | null
  log?: (level: 'info' | 'warn' | 'error', msg: string) => void
}

export interface HeadlessHost {
  url: string
  port: number
  host: string
  token: string | null
  engine: EngineHost
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
/** A client further behind than this gets no more pushes until it drains (it can re-query). */
const MAX_WS_BUFFERED = 8 * 1024 * 1024
const MAX_WS_MESSAGE = 256 * 1024
const TOKEN_COOKIE = 'tickstock_token'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self' ws: wss:",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ')

function securityHeaders(res: ServerResponse): void {
  res.setHeader('Content-Security-Policy', CSP)
  res.setHeader('X-Content-Type-Options', 'nosniff')
  res.setHeader('Referrer-Policy', 'no-referrer')
  res.setHeader('X-Frame-Options', 'DENY')
  res.setHeader('Cross-Origin-Opener-Policy', 'same-origin')
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  sendText(res, status, JSON.stringify(body))
}

function sendText(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'Content-Length': Buffer.byteLength(text) })
  res.end(text)
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function cookieToken(req: IncomingMessage): string | null {
  const header = req.headers.cookie
  if (!header) return null
  for (const part of header.split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='))
  }
  return null
}

export async function startHeadless(opts: HeadlessOptions): Promise<HeadlessHost> {
  const host = opts.host ?? '127.0.0.1'
  const loopback = LOOPBACK.has(host)
  const token = opts.token ?? (loopback ? null : randomBytes(24).toString('base64url'))
  const log = opts.log ?? ((level, msg) => (level === 'info' ? console.log(msg) : console.error(msg)))
  const rendererDir = opts.rendererDir ? resolve(opts.rendererDir) : null

  const engine = new EngineHost({ config: opts.config, log })
  await engine.start()

  const authorized = (req: IncomingMessage, url: URL): boolean => {
    if (!token) return true
    const auth = req.headers.authorization
    if (auth?.startsWith('Bearer ') && safeEqual(auth.slice(7), token)) return true
    const q = url.searchParams.get('token')
    if (q && safeEqual(q, token)) return true
    const c = cookieToken(req)
    return c !== null && safeEqual(c, token)
  }

  /** DNS rebinding: on loopback only loopback host names are served. */
  const hostAllowed = (req: IncomingMessage): boolean => {
    if (!loopback) return true
    const h = (req.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[|\]$/g, '')
    return LOOPBACK.has(h)
  }

  const serveStatic = (url: URL, res: ServerResponse): void => {
    if (!rendererDir || !existsSync(join(rendererDir, 'index.html'))) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('The renderer is not built. Run `npm run build`, then restart `tickstock serve`.\nREST (/api/...) and WebSocket (/ws) are available.\n')
      return
    }
    let rel = decodeURIComponent(url.pathname)
    if (rel === '/' || rel === '') rel = '/index.html'
    const file = normalizePath(join(rendererDir, rel))
    if (!file.startsWith(rendererDir + sep)) {
      res.writeHead(403).end()
      return
    }
    let target = file
    if (!existsSync(target) || !statSync(target).isFile()) target = join(rendererDir, 'index.html')
    const type = MIME[extname(target)] ?? 'application/octet-stream'
    const immutable = target.includes(`${sep}assets${sep}`)
    res.writeHead(200, { 'Content-Type': type, 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' })
    createReadStream(target).pipe(res)
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    securityHeaders(res)
    if (!hostAllowed(req)) {
      sendJson(res, 421, { error: { code: 'unauthorized', message: 'unexpected Host header' } })
      return
    }
    if (!authorized(req, url)) {
      sendJson(res, 401, { error: { code: 'unauthorized', message: 'token required: add ?token=... or an Authorization: Bearer header' } })
      return
    }
    if (token && url.searchParams.get('token')) {
      // Let the page's own requests and its WebSocket carry the token as a cookie.
      res.setHeader('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`)
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendJson(res, 405, { error: { code: 'bad_request', message: `${req.method} is not supported` } })
      return
    }
    if (url.pathname.startsWith('/api/')) {
      let route
      try {
        route = matchRoute(url.pathname, url.searchParams)
      } catch (e) {
        if (e instanceof QueryError) {
          sendJson(res, 400, { error: { code: 'bad_request', message: e.message, fields: { [e.field]: e.message } } })
          return
        }
        throw e
      }
      if (!route) {
        sendJson(res, 404, { error: { code: 'not_found', message: `no route ${url.pathname}` } })
        return
      }
      void engine.requestJson(route.method, route.params).then((r) => {
        let status = 200
        if (!r.ok) {
          const code = (JSON.parse(r.json) as { error: ContractError }).error.code
          status = code === 'bad_request' ? 400 : code === 'unavailable' ? 503 : code === 'unknown_method' || code === 'not_found' ? 404 : 500
        }
        sendText(res, status, r.json)
      })
      return
    }
    serveStatic(url, res)
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE })
  const sockets = new Set<WebSocket>()

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://localhost')
    const origin = req.headers.origin
    // Cross-site WebSocket hijacking: a browser page from another origin must not reach the engine.
    const originOk = origin === undefined || (() => {
      try {
        return new URL(origin).host === req.headers.host
      } catch {
        return false
      }
    })()
    if (url.pathname !== '/ws' || !hostAllowed(req) || !originOk || !authorized(req, url)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws)
      const send = (m: ServerMessage): void => {
        if (ws.readyState !== ws.OPEN) return
        // A slow client must not make the host buffer without bound: drop pushes, keep answers.
        if (m.t === 'push' && ws.bufferedAmount > MAX_WS_BUFFERED) return
        ws.send(JSON.stringify(m))
      }
      const cid = engine.connect(send)
      ws.on('message', (data, isBinary) => {
        if (isBinary) return
        let parsed: unknown
        try {
          parsed = JSON.parse(data.toString())
        } catch {
          return
        }
        const m = clientMessageSchema.safeParse(parsed)
        if (!m.success) {
          const id = typeof (parsed as { id?: unknown })?.id === 'number' ? (parsed as { id: number }).id : -1
          send({ t: 'res', id, result: { ok: false, error: { code: 'bad_request', message: 'malformed message' } } })
          return
        }
        engine.fromClient(cid, m.data)
      })
      ws.on('close', () => {
        sockets.delete(ws)
        engine.disconnect(cid)
      })
      ws.on('error', () => ws.terminate())
    })
  })

  await new Promise<void>((res, rej) => {
    server.once('error', rej)
    server.listen(opts.port ?? 7420, host, () => res())
  })
  const port = (server.address() as AddressInfo).port
  const shownHost = host.includes(':') ? `[${host}]` : host
  const url = `http://${shownHost}:${port}/`

  let closing: Promise<void> | null = null
  return {
    url,
    port,
    host,
    token,
    engine,
    close: () =>
      (closing ??= (async () => {
        for (const ws of sockets) ws.close(1001, 'server shutting down')
        wss.close()
        server.closeAllConnections()
        await new Promise<void>((r) => server.close(() => r()))
        await engine.stop()
      })()),
  }
}
