import { describe, expect, it } from 'vitest'
import type { ClientMessage, ServerMessage } from './contract'
import { createContractClient, type ClientTransport } from './client'

/** An in-memory transport: what the client sends, and a way to answer as the server. */
function transport(): ClientTransport & { sent: ClientMessage[]; serve(m: ServerMessage): void; setOpen(open: boolean): void } {
  const onMsg = new Set<(m: ServerMessage) => void>()
  const onState = new Set<(s: 'open' | 'closed') => void>()
  const t = {
    sent: [] as ClientMessage[],
    isOpen: true,
    send: (m: ClientMessage) => void t.sent.push(m),
    onMessage: (l: (m: ServerMessage) => void) => (onMsg.add(l), () => void onMsg.delete(l)),
    onState: (l: (s: 'open' | 'closed') => void) => (onState.add(l), () => void onState.delete(l)),
    serve: (m: ServerMessage) => onMsg.forEach((l) => l(m)),
    setOpen(open: boolean) {
      t.isOpen = open
      onState.forEach((l) => l(open ? 'open' : 'closed'))
    },
  }
  return t
}

describe('contract client', () => {
  it('hands each part of one push to its own subscription', () => {
    const t = transport()
    const api = createContractClient(t, { host: 'browser' })
    const daily: unknown[] = []
    const intraday: unknown[] = []
    api.subscribe('patterns', { tiers: ['daily'] }, (p) => daily.push(...p))
    api.subscribe('patterns', { tiers: ['intraday'] }, (p) => intraday.push(...p))
    const [s1, s2] = t.sent.map((m) => (m.t === 'sub' ? m.sid : -1))
    t.serve({ t: 'push', topic: 'patterns', parts: [{ sid: s1!, payload: [{ id: 1 }] }, { sid: s2!, payload: [{ id: 2 }, { id: 3 }] }] })
    expect(daily).toEqual([{ id: 1 }])
    expect(intraday).toEqual([{ id: 2 }, { id: 3 }])
  })

  it('fails pending requests when the connection drops and renews subscriptions when it returns', async () => {
    const t = transport()
    const api = createContractClient(t, { host: 'browser' })
    api.subscribe('health', {}, () => {})
    const pending = api.invoke('engine.info', {})
    t.setOpen(false)
    await expect(pending).resolves.toMatchObject({ ok: false, error: { code: 'unavailable' } })
    t.sent.length = 0
    t.setOpen(true)
    expect(t.sent).toEqual([{ t: 'sub', sid: 1, topic: 'health', filter: {} }])
  })
})
