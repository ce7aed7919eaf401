/**
 * Saved layouts and preferences, in the same database as the events so the
 * desktop and browser hosts share them. Layout configs are opaque JSON here:
 * the renderer owns their format and validates them when it loads one.
 */
import type { Statement } from 'better-sqlite3'
import { prefsSchema } from '../../../shared/contract'
import type { EpochMs, LayoutSummary, Prefs, SavedLayout } from '../../../shared/domain'
import type { Database } from './db'

const DEFAULT_PREFS: Prefs = { theme: 'dark', currentLayout: null }
const PREFS_KEY = 'prefs'

interface LayoutRow {
  name: string
  version: number
  config: string
  updated_at: number
}

export class LayoutNotFoundError extends Error {
  constructor(readonly layout: string) {
    super(`no layout named ${JSON.stringify(layout)}`)
    this.name = 'LayoutNotFoundError'
  }
}

export class LayoutStore {
  private readonly listStmt: Statement<[], Omit<LayoutRow, 'config'>>
  private readonly getStmt: Statement<[string], LayoutRow>
  private readonly upsertStmt: Statement<[string, number, string, number]>
  private readonly renameStmt: Statement<[string, number, string]>
  private readonly deleteStmt: Statement<[string]>
  private readonly getMetaStmt: Statement<[string], string>
  private readonly setMetaStmt: Statement<[string, string]>

  constructor(private readonly db: Database) {
    this.listStmt = db.prepare('SELECT name, version, updated_at FROM layouts ORDER BY name COLLATE NOCASE')
    this.getStmt = db.prepare('SELECT name, version, config, updated_at FROM layouts WHERE name = ?')
    this.upsertStmt = db.prepare(
      'INSERT INTO layouts (name, version, config, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET version = excluded.version, config = excluded.config, updated_at = excluded.updated_at',
    )
    this.renameStmt = db.prepare('UPDATE layouts SET name = ?, updated_at = ? WHERE name = ?')
    this.deleteStmt = db.prepare('DELETE FROM layouts WHERE name = ?')
    this.getMetaStmt = db.prepare<[string], string>('SELECT value FROM meta WHERE key = ?').pluck()
    this.setMetaStmt = db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
  }

  list(): LayoutSummary[] {
    return this.listStmt.all().map((r) => ({ name: r.name, version: r.version, updatedAt: r.updated_at as EpochMs }))
  }

  get(name: string): SavedLayout {
    const r = this.getStmt.get(name)
    if (!r) throw new LayoutNotFoundError(name)
    return { name: r.name, version: r.version, updatedAt: r.updated_at as EpochMs, config: JSON.parse(r.config) as unknown }
  }

  /** `json` is the serialized config (the caller checked its size). */
  save(name: string, version: number, json: string, now: EpochMs): LayoutSummary {
    this.upsertStmt.run(name, version, json, now)
    return { name, version, updatedAt: now }
  }

  /** Renames, and keeps the preference pointing at it. Refuses to overwrite another layout. */
  rename(from: string, to: string, now: EpochMs): LayoutSummary {
    return this.db.transaction(() => {
      const r = this.getStmt.get(from)
      if (!r) throw new LayoutNotFoundError(from)
      if (from !== to && this.getStmt.get(to)) throw new Error(`a layout named ${JSON.stringify(to)} already exists`)
      this.renameStmt.run(to, now, from)
      const prefs = this.prefs()
      if (prefs.currentLayout === from) this.setPrefs({ currentLayout: to })
      return { name: to, version: r.version, updatedAt: now }
    })()
  }

  delete(name: string): boolean {
    return this.db.transaction(() => {
      const deleted = this.deleteStmt.run(name).changes > 0
      if (deleted && this.prefs().currentLayout === name) this.setPrefs({ currentLayout: null })
      return deleted
    })()
  }

  /** Preferences; anything unreadable falls back to the defaults field by field. */
  prefs(): Prefs {
    const raw = this.getMetaStmt.get(PREFS_KEY)
    if (!raw) return { ...DEFAULT_PREFS }
    try {
      const stored = JSON.parse(raw) as Record<string, unknown>
      const out: Prefs = { ...DEFAULT_PREFS }
      for (const key of Object.keys(DEFAULT_PREFS) as (keyof Prefs)[]) {
        const field = prefsSchema.shape[key].safeParse(stored[key])
        if (field.success) (out as unknown as Record<string, unknown>)[key] = field.data
      }
      return out
    } catch {
      return { ...DEFAULT_PREFS }
    }
  }

  setPrefs(patch: Partial<Prefs>): Prefs {
    const next = { ...this.prefs(), ...patch }
    this.setMetaStmt.run(PREFS_KEY, JSON.stringify(next))
    return next
  }
}
