/**
 * The pattern condition's editor: the chosen patterns (with their drawing and
 * direction), the kinds and directions it also accepts, and a searchable
 * list of the catalogue to pick from.
 */
import { useId, useMemo, useState } from 'react'
import { PATTERN_DIRECTIONS, PATTERN_KINDS } from '../../../../shared/alerts'
import { lookupPattern, PATTERN_CATALOGUE, type CatalogueEntry, type PatternDirection, type PatternKind } from '../../../../shared/pattern-catalogue'
import { patternKey } from '../../../../shared/patterns'
import { Chips } from './controls'
import { DIRECTION_ICON, DirectionIcon, PatternGlyph } from './pattern-glyph'

const KIND_LABEL: Record<PatternKind, string> = { candlestick: 'Candlestick', chart: 'Chart', breakout: 'Breakout', volume: 'Volume', trend: 'Trend' }
const DIRECTION_LABEL: Record<PatternDirection, string> = { bullish: 'Bullish', bearish: 'Bearish', neutral: 'Neutral' }

const fold = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '')

/** Where the words of a name start after the first: camel-case humps (`HighOfDay`: Of, Day; `VWAPReclaim`: Reclaim) and after separators. */
function wordStarts(name: string): number[] {
  const starts: number[] = []
  for (let i = 1; i < name.length; i++) {
    const ch = name[i]!
    const prev = name[i - 1]!
    const next = name[i + 1] ?? ''
    const hump = /[A-Z]/.test(ch) ? /[a-z0-9]/.test(prev) || (/[A-Z]/.test(prev) && /[a-z]/.test(next)) : /[0-9]/.test(ch) && /[A-Za-z]/.test(prev)
    if (/[\s_-]/.test(prev) ? /\w/.test(ch) : hump) starts.push(i)
  }
  return starts
}

/**
 * How well a name answers a search, best first: 0 the name starts with it, 1 a word of
 * the name does, 2 the name contains it, 3 only an alias, the kind, direction or description matches.
 */
export function matchRank(entry: CatalogueEntry, search: string): 0 | 1 | 2 | 3 {
  const q = fold(search)
  if (q.length === 0) return 3
  const name = fold(entry.name)
  if (name.startsWith(q)) return 0
  if (wordStarts(entry.name).some((i) => fold(entry.name.slice(i)).startsWith(q))) return 1
  const key = patternKey(search)
  if (name.includes(q) || (key.length > 1 && patternKey(entry.name).includes(key))) return 2
  return 3
}

/**
 * Catalogue entries matching a search (name, aliases, kind, direction, description) and the chosen kinds and directions.
 * With a search, the best name matches come first (see matchRank), alphabetical within a rank; without one, catalogue order.
 */
export function filterCatalogue(search: string, kinds: readonly PatternKind[] | undefined, directions: readonly PatternDirection[] | undefined): CatalogueEntry[] {
  const words = search.trim().toLowerCase().split(/\s+/).filter(Boolean)
  const key = patternKey(search)
  const matches = PATTERN_CATALOGUE.filter((e) => {
    if (kinds && kinds.length > 0 && !kinds.includes(e.kind)) return false
    if (directions && directions.length > 0 && !directions.includes(e.direction)) return false
    if (words.length === 0) return true
    const hay = [e.name, ...e.aliases, e.kind, e.direction, e.description].join(' ').toLowerCase()
    return words.every((w) => hay.includes(w)) || (key.length > 1 && patternKey(e.name).includes(key))
  })
  if (words.length === 0) return matches
  return matches
    .map((e) => ({ e, rank: matchRank(e, search) }))
    .sort((a, b) => a.rank - b.rank || a.e.name.localeCompare(b.e.name))
    .map((r) => r.e)
}

export interface PatternPickerProps {
  names: readonly string[]
  kinds: readonly PatternKind[] | undefined
  directions: readonly PatternDirection[] | undefined
  onChange(next: { names: string[]; kinds: PatternKind[] | undefined; directions: PatternDirection[] | undefined }): void
}

export function PatternPicker({ names, kinds, directions, onChange }: PatternPickerProps) {
  const id = useId()
  const [search, setSearch] = useState('')
  const [open, setOpen] = useState(() => names.length === 0 && !kinds && !directions)
  const chosenKeys = useMemo(() => new Set(names.map((n) => patternKey(n))), [names])
  const list = useMemo(() => filterCatalogue(search, kinds, directions), [search, kinds, directions])
  const emit = (next: Partial<{ names: string[]; kinds: PatternKind[] | undefined; directions: PatternDirection[] | undefined }>) =>
    onChange({ names: [...names], kinds: kinds ? [...kinds] : undefined, directions: directions ? [...directions] : undefined, ...next })

  const toggle = (name: string) => {
    const k = patternKey(name)
    emit({ names: chosenKeys.has(k) ? names.filter((n) => patternKey(n) !== k) : [...names, name] })
  }
  const typed = search.trim()
  const typedUnknown = typed.length > 0 && list.length === 0 && /^[\w &-]{1,64}$/.test(typed) && !chosenKeys.has(patternKey(typed))

  return (
    <div className="ar-pattern">
      {names.length > 0 && (
        <ul className="ar-picked" aria-label="Chosen patterns">
          {names.map((n) => {
            const entry = lookupPattern(n)
            return (
              <li key={n} className="ar-picked-item" data-testid="ar-picked" data-name={n} title={entry?.description ?? 'Not in the catalogue: compared by name'}>
                {entry ? <PatternGlyph entry={entry} /> : <span className="dim">?</span>}
                {entry && <DirectionIcon direction={entry.direction} />}
                <span>{entry?.name ?? n}</span>
                <button type="button" className="ar-x" aria-label={`Remove ${entry?.name ?? n}`} onClick={() => toggle(n)}>
                  ×
                </button>
              </li>
            )
          })}
        </ul>
      )}
      <div className="ar-row">
        <span className="ar-sub">Kind</span>
        <Chips
          label="Pattern kinds"
          options={PATTERN_KINDS.map((k) => ({ value: k, label: KIND_LABEL[k] }))}
          selected={kinds ?? []}
          onChange={(next) => emit({ kinds: next.length > 0 ? next : undefined })}
          testIdPrefix="chip-pkind"
        />
      </div>
      <div className="ar-row">
        <span className="ar-sub">Direction</span>
        <Chips
          label="Pattern directions"
          options={PATTERN_DIRECTIONS.map((d) => ({
            value: d,
            label: (
              <>
                <span className={`dir-${d}`} aria-hidden="true">
                  {DIRECTION_ICON[d]}
                </span>{' '}
                {DIRECTION_LABEL[d]}
              </>
            ),
          }))}
          selected={directions ?? []}
          onChange={(next) => emit({ directions: next.length > 0 ? next : undefined })}
          testIdPrefix="chip-pdir"
        />
      </div>
      <button type="button" className="ar-link" aria-expanded={open} aria-controls={`${id}-list`} data-testid="ar-pattern-toggle" onClick={() => setOpen((o) => !o)}>
        {open ? '▾' : '▸'} {names.length > 0 ? `Patterns: ${names.length} chosen` : 'Choose patterns'} ({list.length} shown)
      </button>
      {open && (
        <div className="ar-picker" id={`${id}-list`}>
          <input
            type="search"
            className="ar-picker-search"
            placeholder="Search patterns (hammer, breakout, bullish…)"
            aria-label="Search patterns"
            data-testid="ar-pattern-search"
            value={search}
            onChange={(ev) => setSearch(ev.target.value)}
          />
          <ul className="ar-picker-list" role="listbox" aria-multiselectable="true" aria-label="Patterns" data-testid="ar-pattern-list">
            {list.map((e) => {
              const on = chosenKeys.has(patternKey(e.name))
              return (
                <li
                  key={e.name}
                  role="option"
                  aria-selected={on}
                  tabIndex={0}
                  className={`ar-picker-row ${on ? 'on' : ''}`}
                  title={e.description}
                  data-testid="ar-pattern-option"
                  data-name={e.name}
                  data-direction={e.direction}
                  onClick={() => toggle(e.name)}
                  onKeyDown={(ev) => {
                    if (ev.key === 'Enter' || ev.key === ' ') {
                      ev.preventDefault()
                      toggle(e.name)
                    }
                  }}
                >
                  <span className="ar-tick" aria-hidden="true">
                    {on ? '☑' : '☐'}
                  </span>
                  <PatternGlyph entry={e} />
                  <DirectionIcon direction={e.direction} />
                  <span className="ar-picker-name">{e.name}</span>
                  <span className="ar-picker-meta dim">
                    {KIND_LABEL[e.kind]} · {Math.round(e.confidence[0] * 100)}–{Math.round(e.confidence[1] * 100)}%
                  </span>
                </li>
              )
            })}
            {list.length === 0 && <li className="dim ar-picker-empty">No pattern in the catalogue matches.</li>}
          </ul>
          {typedUnknown && (
            <button type="button" className="ar-link" data-testid="ar-pattern-add-typed" onClick={() => {
                toggle(typed)
                setSearch('')
              }}>
              Use “{typed}” as a pattern name (not in the catalogue)
            </button>
          )}
        </div>
      )}
    </div>
  )
}
