/**
 * The host's contract from the test's side: a WebSocket to `/ws` speaking the
 * same typed requests as the renderer (`sectors.table`, `market.regimeEvents`...),
 * for what a test checks the screen against and REST does not route.
 * Answers come back as values; an error answer throws with its code.
 */
import WebSocket from 'ws'
import type { RequestName, RequestParams, RequestResult, Result, ServerMessage } from '../../src/shared/contract'

const REQUEST_TIMEOUT_MS = 15_000

export class HostApi {
  private nextId = 1
  private readonly pending = new Map<number, (result: Result<unknown>) => void>()

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const msg = JSON.parse(String(data)) as ServerMessage
      if (msg.t !== 'res') return
      this.pending.get(msg.id)?.(msg.result)
      this.pending.delete(msg.id)
    })
  }

  /** Connect to the host at `baseUrl` (http://127.0.0.1:PORT). */
  static async connect(baseUrl: string): Promise<HostApi> {
    const url = new URL('/ws', baseUrl)
    url.protocol = 'ws:'
    const ws = new WebSocket(url)
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
    })
    ws.on('error', () => {})
    return new HostApi(ws)
  }

  async request<K extends RequestName>(method: K, params: RequestParams<K>): Promise<RequestResult<K>> {
    const id = this.nextId++
    const result = await new Promise<Result<unknown>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id)
        reject(new Error(`${method}: no answer within ${REQUEST_TIMEOUT_MS} ms`))
      }, REQUEST_TIMEOUT_MS)
      this.pending.set(id, (r) => {
        clearTimeout(timer)
        resolve(r)
      })
      this.ws.send(JSON.stringify({ t: 'req', id, method, params }))
    })
    if (!result.ok) throw new Error(`${method}: ${result.error.code}: ${result.error.message}`)
    return result.value as RequestResult<K>
  }

  close(): void {
    this.ws.terminate()
  }
}
