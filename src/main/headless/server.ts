/**
 * The headless host: the engine in a worker thread, and on one HTTP port the
 * built renderer, REST, and the contract over WebSocket (/ws). Binds
 * 127.0.0.1 by default; anywhere else it requires a token.
 *
 * No request or client message may take the process down: anything unexpected
 * is answered 500 (`internal`) and logged. If the engine thread dies, REST
 * answers 503 and WebSocket clients are closed with 1011.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createReadStream, existsSync, statSync } from 'node:fs'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Duplex } from 'node:stream'
import { extname, join, normalize as normalizePath, resolve, sep } from 'node:path'
import { WebSocketServer, type WebSocket } from 'ws'
import { clientMessageSchema, isTopicName, topicDefs, type ContractError, type ServerMessage } from '../../shared/contract'
import type { EngineConfigInput } from '../engine/config'
import { EngineHost } from './engine-host'
import { QueryError, matchAlertRoute, matchRoute } from './rest'

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
  /** Per-connection WebSocket limits; defaults in DEFAULT_WS_LIMITS. */
  wsLimits?: Partial<WsLimits>
  /**
   * The engine thread ended on its own (crash, fatal error) after the host was up. REST now answers 503 and
   * WebSocket clients have been closed (1011); the owner decides whether to exit. Logged when omitted.
   */
  onEngineExit?: (code: number) => void
}

export interface WsLimits {
  /** Ping every this many ms; a client that has not answered the previous ping by the next one is terminated. */
  pingIntervalMs: number
  /** Subscriptions one connection may hold at once. */
  maxSubscriptions: number
  /** Messages one connection may send per second (a burst of this many, refilled at this rate); the excess is ignored. */
  maxMessagesPerSecond: number
  /** A client further behind than this many bytes gets no pushes until it drains (answers still go out; it can re-query). */
  maxBufferedBytes: number
}

export const DEFAULT_WS_LIMITS: WsLimits = {
  // Half-open sockets (laptop sleep, network loss) otherwise keep their subscriptions for hours.
  pingIntervalMs: 30_000,
  maxSubscriptions: 64,
  maxMessagesPerSecond: 200,
  maxBufferedBytes: 8 * 1024 * 1024,
}

/** One WebSocket connection's counters, as `HeadlessHost.connections()` reports them. */
export interface WsConnectionStats {
  /** The engine's client id for this connection (also in log lines). */
  cid: number
  subscriptions: number
  /** Messages ignored for going over `maxMessagesPerSecond`. */
  ignoredMessages: number
  /** Pushes not sent because the client was more than `maxBufferedBytes` behind. */
  droppedPushes: number
}

export interface HeadlessHost {
  url: string
  port: number
  host: string
  token: string | null
  engine: EngineHost
  /** Open WebSocket connections and their counters. */
  connections(): WsConnectionStats[]
  close(): Promise<void>
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost'])
const MAX_WS_MESSAGE = 256 * 1024
/** Largest JSON body a REST write takes (an alert rule is a few KB). */
const MAX_REST_BODY = 256 * 1024
const TOKEN_COOKIE = 'tickstock_token'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.wav': 'audio/wav',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json',
}

export const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
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
    if (k !== TOKEN_COOKIE) continue
    try {
      return decodeURIComponent(v.join('='))
    } catch {
      return null // a malformed escape is no token
    }
  }
  return null
}

/** The path of a request for log lines: no query string (it may hold the token), bounded. */
function logPath(req: IncomingMessage): string {
  return `${req.method ?? '?'} ${(req.url ?? '').split('?')[0]!.slice(0, 200)}`
}

const describeError = (e: unknown): string => (e instanceof Error ? (e.stack ?? e.message) : String(e))

/**
 * Only a subscription the engine will accept takes a slot; this mirrors the
 * hub's checks. A refused re-subscribe leaves the engine's old one in place.
 */
function subscriptionAccepted(topic: string, filter: unknown): boolean {
  return isTopicName(topic) && topicDefs[topic].filter.safeParse(filter ?? {}).success
}

interface Connection {
  ws: WebSocket
  cid: number
  /** Answered the last ping. */
  alive: boolean
  sids: Set<number>
  /** Token bucket for the message rate. */
  tokens: number
  refilledAt: number
  ignoredMessages: number
  droppedPushes: number
}

export async function startHeadless(opts: HeadlessOptions): Promise<HeadlessHost> {
  const host = opts.host ?? '127.0.0.1'
  const loopback = LOOPBACK.has(host)
  const token = opts.token ?? (loopback ? null : randomBytes(24).toString('base64url'))
  const log = opts.log ?? ((level, msg) => (level === 'info' ? console.log(msg) : console.error(msg)))
  const rendererDir = opts.rendererDir ? resolve(opts.rendererDir) : null
  const limits: WsLimits = { ...DEFAULT_WS_LIMITS, ...opts.wsLimits }
  const connections = new Map<WebSocket, Connection>()

  const onEngineExit = (code: number): void => {
    for (const c of connections.values()) c.ws.close(1011, 'engine stopped unexpectedly')
    if (opts.onEngineExit) opts.onEngineExit(code)
    else log('error', `engine stopped unexpectedly (exit ${code}); REST answers 503 and WebSocket clients are refused until restart`)
  }
  const engine = new EngineHost({ config: opts.config, log, onExit: onEngineExit })
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

  /** Something that should not happen: logged with its stack, answered 500 without it. */
  const internalError = (req: IncomingMessage, res: ServerResponse, e: unknown): void => {
    log('error', `${logPath(req)}: ${describeError(e)}`)
    if (!res.headersSent) sendJson(res, 500, { error: { code: 'internal', message: 'internal error; see the host log' } })
    else res.destroy()
  }

  const serveStatic = (req: IncomingMessage, url: URL, res: ServerResponse): void => {
    if (!rendererDir || !existsSync(join(rendererDir, 'index.html'))) {
      res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' })
      res.end('The renderer is not built. Run `npm run build`, then restart `tickstock serve`.\nREST (/api/...) and WebSocket (/ws) are available.\n')
      return
    }
    let rel: string
    try {
      rel = decodeURIComponent(url.pathname)
    } catch {
      sendJson(res, 400, { error: { code: 'bad_request', message: 'malformed percent-escape in the path' } })
      return
    }
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
    const stream = createReadStream(target)
    // Headers wait for the open, so a file that cannot be opened still gets a 500; a failure midway cuts the response.
    stream.once('open', () => {
      res.writeHead(200, { 'Content-Type': type, 'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache' })
      stream.pipe(res)
    })
    stream.once('error', (e) => internalError(req, res, e))
    res.once('close', () => stream.destroy())
  }

  const handleRequest = (req: IncomingMessage, res: ServerResponse): void => {
    securityHeaders(res)
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      sendJson(res, 400, { error: { code: 'bad_request', message: 'malformed request target' } })
      return
    }
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
      if (url.pathname.startsWith('/api/alerts/') && (req.method === 'POST' || req.method === 'PUT' || req.method === 'DELETE')) {
        writeAlertRequest(req, url, res)
        return
      }
      sendJson(res, 405, { error: { code: 'bad_request', message: `${req.method} is not supported` } })
      return
    }
    if (url.pathname.startsWith('/api/alerts/')) {
      routeAlerts(req, res, url, 'GET', null)
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
      answerRoute(req, res, route, url.pathname)
      return
    }
    serveStatic(req, url, res)
  }

  /** Run a matched route's request and answer with its JSON (404 when nothing matched). */
  const answerRoute = (req: IncomingMessage, res: ServerResponse, route: ReturnType<typeof matchRoute>, pathname: string): void => {
    if (!route) {
      sendJson(res, 404, { error: { code: 'not_found', message: `no route ${req.method ?? 'GET'} ${pathname}` } })
      return
    }
    engine
      .requestJson(route.method, route.params)
      .then((r) => {
        let status = 200
        if (!r.ok) {
          const code = (JSON.parse(r.json) as { error: ContractError }).error.code
          status = code === 'bad_request' ? 400 : code === 'unavailable' ? 503 : code === 'unknown_method' || code === 'not_found' ? 404 : 500
        }
        sendText(res, status, r.json)
      })
      .catch((e: unknown) => internalError(req, res, e))
  }

  /**
   * POST / PUT / DELETE under /api/alerts/. A page on another site must not
   * change rules through a browser (CSRF): a body must be JSON (a plain form
   * cannot send that without a preflight, which is never allowed here) and an
   * Origin header, when sent, must be this host.
   */
  const writeAlertRequest = (req: IncomingMessage, url: URL, res: ServerResponse): void => {
    const origin = req.headers.origin
    if (origin !== undefined) {
      let same = false
      try {
        same = new URL(origin).host === req.headers.host
      } catch {
        same = false
      }
      if (!same) {
        sendJson(res, 403, { error: { code: 'unauthorized', message: 'cross-origin writes are refused' } })
        return
      }
    }
    const method = req.method as 'POST' | 'PUT' | 'DELETE'
    if (method === 'DELETE' || (method === 'POST' && url.pathname.endsWith('/test'))) {
      routeAlerts(req, res, url, method, null)
      return
    }
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
      sendJson(res, 415, { error: { code: 'bad_request', message: 'send the rule as Content-Type: application/json' } })
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (c: Buffer) => {
      size += c.length
      if (size > MAX_REST_BODY) {
        sendJson(res, 413, { error: { code: 'bad_request', message: `a body is at most ${MAX_REST_BODY} bytes` } })
        req.destroy()
        return
      }
      chunks.push(c)
    })
    req.on('end', () => {
      if (res.headersSent) return
      let body: unknown
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
      } catch (e) {
        sendJson(res, 400, { error: { code: 'bad_request', message: `the body is not JSON: ${(e as Error).message}`, fields: { '(body)': 'not JSON' } } })
        return
      }
      routeAlerts(req, res, url, method, body)
    })
  }

  /** Match an alert route (a bad query value or path escape is a 400 naming it) and answer it; never throws. */
  const routeAlerts = (req: IncomingMessage, res: ServerResponse, url: URL, method: string, body: unknown): void => {
    try {
      answerRoute(req, res, matchAlertRoute(method, url.pathname, url.searchParams, body), url.pathname)
    } catch (e) {
      if (e instanceof QueryError) sendJson(res, 400, { error: { code: 'bad_request', message: e.message, fields: { [e.field]: e.message } } })
      else internalError(req, res, e)
    }
  }

  const server: Server = createServer((req, res) => {
    try {
      handleRequest(req, res)
    } catch (e) {
      internalError(req, res, e)
    }
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_WS_MESSAGE })

  /** Token bucket: up to maxMessagesPerSecond at once, refilled at that rate. */
  const withinRate = (c: Connection): boolean => {
    const now = performance.now()
    c.tokens = Math.min(limits.maxMessagesPerSecond, c.tokens + ((now - c.refilledAt) / 1000) * limits.maxMessagesPerSecond)
    c.refilledAt = now
    if (c.tokens >= 1) {
      c.tokens -= 1
      return true
    }
    if (c.ignoredMessages++ === 0) log('warn', `WebSocket client #${c.cid} sends more than ${limits.maxMessagesPerSecond} messages a second; ignoring the excess`)
    return false
  }

  const onClientMessage = (c: Connection, send: (m: ServerMessage) => void, data: WebSocket.RawData, isBinary: boolean): void => {
    if (!withinRate(c) || isBinary) return
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
    const msg = m.data
    if (msg.t === 'sub' && subscriptionAccepted(msg.topic, msg.filter)) {
      if (!c.sids.has(msg.sid) && c.sids.size >= limits.maxSubscriptions) {
        const message = `subscription limit reached: at most ${limits.maxSubscriptions} per connection; unsubscribe one first`
        send({ t: 'suberr', sid: msg.sid, error: { code: 'bad_request', message } })
        return
      }
      c.sids.add(msg.sid)
    } else if (msg.t === 'unsub') {
      c.sids.delete(msg.sid)
    }
    engine.fromClient(c.cid, msg)
  }

  const heartbeat = setInterval(() => {
    for (const c of connections.values()) {
      if (c.ws.readyState !== c.ws.OPEN) continue
      if (!c.alive) {
        log('info', `WebSocket client #${c.cid} did not answer a ping within ${limits.pingIntervalMs / 1000} s; dropping it`)
        c.ws.terminate()
        continue
      }
      c.alive = false
      c.ws.ping()
    }
  }, limits.pingIntervalMs)
  heartbeat.unref()

  const acceptSocket = (ws: WebSocket): void => {
    if (!engine.running) {
      ws.close(1011, 'engine is not running')
      return
    }
    const c: Connection = { ws, cid: 0, alive: true, sids: new Set(), tokens: limits.maxMessagesPerSecond, refilledAt: performance.now(), ignoredMessages: 0, droppedPushes: 0 }
    const send = (m: ServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return
      // A slow client must not make the host buffer without bound: drop pushes, keep answers.
      if (m.t === 'push' && ws.bufferedAmount > limits.maxBufferedBytes) {
        if (c.droppedPushes++ === 0) log('warn', `WebSocket client #${c.cid} is more than ${limits.maxBufferedBytes} bytes behind; dropping pushes to it until it catches up`)
        return
      }
      ws.send(JSON.stringify(m))
    }
    c.cid = engine.connect(send)
    connections.set(ws, c)
    ws.on('pong', () => (c.alive = true))
    ws.on('message', (data, isBinary) => {
      try {
        onClientMessage(c, send, data, isBinary)
      } catch (e) {
        log('error', `WebSocket client #${c.cid}: ${describeError(e)}`)
      }
    })
    ws.on('close', () => {
      connections.delete(ws)
      engine.disconnect(c.cid)
      if (c.ignoredMessages > 0 || c.droppedPushes > 0) log('info', `WebSocket client #${c.cid} closed: ${c.ignoredMessages} messages ignored, ${c.droppedPushes} pushes dropped`)
    })
    ws.on('error', () => ws.terminate())
  }

  const handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    let url: URL
    try {
      url = new URL(req.url ?? '/', 'http://localhost')
    } catch {
      socket.write('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n')
      socket.destroy()
      return
    }
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
    wss.handleUpgrade(req, socket, head, acceptSocket)
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    try {
      handleUpgrade(req, socket, head)
    } catch (e) {
      log('error', `${logPath(req)} (upgrade): ${describeError(e)}`)
      socket.write('HTTP/1.1 500 Internal Server Error\r\nConnection: close\r\n\r\n')
      socket.destroy()
    }
  })

  try {
    await new Promise<void>((res, rej) => {
      server.once('error', rej)
      server.listen(opts.port ?? 7420, host, () => res())
    })
  } catch (e) {
    clearInterval(heartbeat)
    await engine.stop()
    throw e
  }
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
    connections: () =>
      [...connections.values()].map((c) => ({ cid: c.cid, subscriptions: c.sids.size, ignoredMessages: c.ignoredMessages, droppedPushes: c.droppedPushes })),
    close: () =>
      (closing ??= (async () => {
        clearInterval(heartbeat)
        for (const c of connections.values()) c.ws.close(1001, 'server shutting down')
        wss.close()
        server.closeAllConnections()
        await new Promise<void>((r) => server.close(() => r()))
        await engine.stop()
      })()),
  }
}
