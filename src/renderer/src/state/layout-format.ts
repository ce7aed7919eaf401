/**
 * The saved layout format. The engine stores layouts as opaque JSON with a
 * version number; this module is the renderer's one reader and writer of that
 * JSON, so every layout that comes back is checked here before golden-layout
 * sees it.
 *
 * Version 1, as stored by `layouts.save({ name, version: 1, config })`:
 *   config = {
 *     format: 'tickstock-layout',
 *     gl: ResolvedLayoutConfig,          // golden-layout 2 `saveLayout()`, JSON round-tripped
 *     links: { red: 'AAPL' | null, green, blue, yellow },
 *   }
 * and every golden-layout component item carries
 *   componentType: PanelDefinition.type,
 *   componentState: { state: <the panel's own state>, link: LinkColor, symbol: string | null }
 * (`symbol` is the panel's own symbol, used while it is linked 'none').
 */
import type { LinkColor } from '../app/panel-types'
import { isLinkColor, normalizeSymbol, parseLinkGroups, type LinkGroups } from './link-store'

export const LAYOUT_FORMAT_VERSION = 1
export const LAYOUT_FORMAT_TAG = 'tickstock-layout'

/** Where the layout is auto-saved while no named layout is chosen. */
export const LAST_SESSION_LAYOUT = '(last session)'

/** The golden-layout part: a ResolvedLayoutConfig as JSON (checked for shape, not typed by golden-layout here). */
export interface GlConfigJson {
  root?: GlItemJson | null
  resolved: true
  [key: string]: unknown
}

export interface GlItemJson {
  type: 'ground' | 'row' | 'column' | 'stack' | 'component'
  content: GlItemJson[]
  componentType?: unknown
  componentState?: unknown
  [key: string]: unknown
}

export interface LayoutDocument {
  gl: GlConfigJson
  links: LinkGroups
}

/** What the shell keeps per panel inside golden-layout's component state. */
export interface PanelItemState {
  state: unknown
  link: LinkColor
  /** The panel's own symbol (meaningful while `link` is 'none'). */
  symbol: string | null
}

export function parsePanelItemState(raw: unknown): { state: unknown; link: LinkColor; symbol: string | null } {
  if (!raw || typeof raw !== 'object') return { state: undefined, link: 'none', symbol: null }
  const r = raw as Record<string, unknown>
  return { state: r.state, link: isLinkColor(r.link) ? r.link : 'none', symbol: normalizeSymbol(r.symbol) }
}

/**
 * Upgrades from older format versions, by the version they upgrade from.
 * None exist yet: version 1 is the first. Add `1: (config) => <v2 config>`
 * when the format changes, and bump LAYOUT_FORMAT_VERSION.
 */
export const LAYOUT_MIGRATIONS: Readonly<Record<number, (config: unknown) => unknown>> = {}

export type ParsedLayout = { ok: true; doc: LayoutDocument } | { ok: false; reason: string }

const ITEM_TYPES = new Set(['ground', 'row', 'column', 'stack', 'component'])
const MAX_DEPTH = 32

function checkItem(item: unknown, depth: number, path: string): string | null {
  if (depth > MAX_DEPTH) return `${path}: nested too deeply`
  if (!item || typeof item !== 'object' || Array.isArray(item)) return `${path}: not an object`
  const it = item as Record<string, unknown>
  if (typeof it.type !== 'string' || !ITEM_TYPES.has(it.type)) return `${path}: unknown item type ${JSON.stringify(it.type)}`
  if (!Array.isArray(it.content)) return `${path}: content is not a list`
  if (it.type === 'component') {
    if (typeof it.componentType !== 'string' || it.componentType.length === 0) return `${path}: component without a type`
    if (it.content.length > 0) return `${path}: component with children`
    return null
  }
  for (let i = 0; i < it.content.length; i++) {
    const err = checkItem(it.content[i], depth + 1, `${path}.content[${i}]`)
    if (err) return err
  }
  return null
}

/** Check the shape of a current-version config and turn it into a document. */
export function parseLayoutConfig(config: unknown): ParsedLayout {
  if (!config || typeof config !== 'object' || Array.isArray(config)) return { ok: false, reason: 'the saved layout is not an object' }
  const c = config as Record<string, unknown>
  if (c.format !== LAYOUT_FORMAT_TAG) return { ok: false, reason: 'the saved layout is not a TickStock layout' }
  const gl = c.gl
  if (!gl || typeof gl !== 'object' || Array.isArray(gl)) return { ok: false, reason: 'the saved layout has no docking state' }
  const g = gl as Record<string, unknown>
  if (g.resolved !== true) return { ok: false, reason: 'the docking state is not a saved golden-layout config' }
  if (g.root !== undefined && g.root !== null) {
    const err = checkItem(g.root, 0, 'root')
    if (err) return { ok: false, reason: `the docking state is damaged (${err})` }
  }
  // Popouts are not supported by the shell; a saved one would come back as a stray window.
  return { ok: true, doc: { gl: { ...(g as GlConfigJson), openPopouts: [] }, links: parseLinkGroups(c.links) } }
}

/** A layout as the engine returned it -> a document the dock can load, or why not. */
export function parseSavedLayout(
  saved: { version: unknown; config: unknown },
  /** The reader's format: this build's, unless a test says otherwise. */
  format: { version: number; migrations: Readonly<Record<number, (config: unknown) => unknown>> } = { version: LAYOUT_FORMAT_VERSION, migrations: LAYOUT_MIGRATIONS },
): ParsedLayout {
  const version = saved.version
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    return { ok: false, reason: `it has no valid format version (${JSON.stringify(version)})` }
  }
  if (version > format.version) {
    return { ok: false, reason: `it was saved by a newer version of TickStock (format ${version}; this one reads up to ${format.version})` }
  }
  let config = saved.config
  for (let v = version; v < format.version; v++) {
    const migrate = format.migrations[v]
    if (!migrate) return { ok: false, reason: `it uses an older format (${version}) that this version can no longer read` }
    try {
      config = migrate(config)
    } catch (err) {
      return { ok: false, reason: `upgrading it from format ${v} failed: ${err instanceof Error ? err.message : String(err)}` }
    }
  }
  return parseLayoutConfig(config)
}

/** The stored form of a document: what `layouts.save` gets besides the name. */
export function serializeLayout(doc: LayoutDocument): { version: number; config: { format: string; gl: GlConfigJson; links: LinkGroups } } {
  return { version: LAYOUT_FORMAT_VERSION, config: { format: LAYOUT_FORMAT_TAG, gl: doc.gl, links: { ...doc.links } } }
}

/** Names a user may give a layout (the engine checks the same; this gives the dialog an early message). */
export function checkLayoutName(raw: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = raw.trim()
  if (name.length === 0) return { ok: false, message: 'A layout needs a name.' }
  if (name.length > 64) return { ok: false, message: 'Layout names are at most 64 characters.' }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f]/.test(name)) return { ok: false, message: 'Layout names cannot hold control characters.' }
  if (name === LAST_SESSION_LAYOUT) return { ok: false, message: `"${LAST_SESSION_LAYOUT}" is kept for the layout in use; pick another name.` }
  return { ok: true, name }
}
