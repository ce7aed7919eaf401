/**
 * Test double for the engine's layout and preference requests: an in-memory
 * `layouts` table and prefs with the engine's rules (rename refuses to
 * overwrite and moves currentLayout along; delete clears it; prefs.set refuses
 * an unknown layout), and a connection that can be dropped. Tests only.
 */
import type { RequestName, RequestParams, RequestResult, Result, TerminalApi } from '../../../shared/contract'
import { epochMs, type Prefs, type SavedLayout } from '../../../shared/domain'

export class FakeLayoutApi implements Pick<TerminalApi, 'invoke' | 'onConnection'> {
  readonly layouts = new Map<string, SavedLayout>()
  prefs: Prefs = { theme: 'dark', currentLayout: null }
  connected = true
  readonly calls: { method: RequestName; params: unknown }[] = []
  private readonly listeners = new Set<(s: 'open' | 'closed') => void>()
  private clock = 1_700_000_000_000

  setConnected(connected: boolean): void {
    this.connected = connected
    for (const l of this.listeners) l(connected ? 'open' : 'closed')
  }

  onConnection(listener: (s: 'open' | 'closed') => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  saves(name?: string): { name: string; version: number; config: unknown }[] {
    return this.calls
      .filter((c) => c.method === 'layouts.save')
      .map((c) => c.params as { name: string; version: number; config: unknown })
      .filter((p) => name === undefined || p.name === name)
  }

  invoke<K extends RequestName>(method: K, params: RequestParams<K>): Promise<Result<RequestResult<K>>> {
    this.calls.push({ method, params })
    const answer = (value: unknown) => Promise.resolve({ ok: true, value } as Result<RequestResult<K>>)
    const fail = (code: 'not_found' | 'bad_request' | 'unavailable', message: string) =>
      Promise.resolve({ ok: false, error: { code, message } } as Result<RequestResult<K>>)
    if (!this.connected) return fail('unavailable', 'not connected to the engine')
    const p = params as Record<string, unknown>
    switch (method) {
      case 'prefs.get':
        return answer({ ...this.prefs })
      case 'prefs.set': {
        if (typeof p.currentLayout === 'string' && !this.layouts.has(p.currentLayout)) return fail('not_found', `no layout named ${p.currentLayout}`)
        this.prefs = { ...this.prefs, ...(p as Partial<Prefs>) }
        return answer({ ...this.prefs })
      }
      case 'layouts.list':
        return answer({ layouts: [...this.layouts.values()].map(({ name, version, updatedAt }) => ({ name, version, updatedAt })) })
      case 'layouts.get': {
        const l = this.layouts.get(p.name as string)
        return l ? answer(JSON.parse(JSON.stringify(l))) : fail('not_found', `no layout named ${JSON.stringify(p.name)}`)
      }
      case 'layouts.save': {
        const saved: SavedLayout = { name: p.name as string, version: p.version as number, config: JSON.parse(JSON.stringify(p.config)), updatedAt: epochMs(++this.clock) }
        this.layouts.set(saved.name, saved)
        return answer({ name: saved.name, version: saved.version, updatedAt: saved.updatedAt })
      }
      case 'layouts.rename': {
        const from = this.layouts.get(p.from as string)
        if (!from) return fail('not_found', `no layout named ${p.from}`)
        if (p.from !== p.to && this.layouts.has(p.to as string)) return fail('bad_request', `a layout named ${p.to} already exists`)
        this.layouts.delete(from.name)
        this.layouts.set(p.to as string, { ...from, name: p.to as string })
        if (this.prefs.currentLayout === p.from) this.prefs = { ...this.prefs, currentLayout: p.to as string }
        return answer({ name: p.to, version: from.version, updatedAt: from.updatedAt })
      }
      case 'layouts.delete': {
        const deleted = this.layouts.delete(p.name as string)
        if (deleted && this.prefs.currentLayout === p.name) this.prefs = { ...this.prefs, currentLayout: null }
        return answer({ deleted })
      }
      default:
        return fail('bad_request', `FakeLayoutApi does not answer ${method}`)
    }
  }
}
