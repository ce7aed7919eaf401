/**
 * Ctrl/Cmd+K: a fuzzy list of shell actions. Typing a ticker and Enter jumps
 * to it. Arrow keys move, Enter runs, Escape (or a click outside) closes.
 */
import { useEffect, useId, useMemo, useRef, useState, type KeyboardEvent } from 'react'
import { paletteEntries, type Command, type PaletteEntry } from './commands'

export interface CommandPaletteProps {
  commands: readonly Command[]
  onSymbol(symbol: string): void
  onClose(): void
}

const MAX_SHOWN = 50

export function CommandPalette({ commands, onSymbol, onClose }: CommandPaletteProps) {
  const [query, setQuery] = useState('')
  const [selected, setSelected] = useState(0)
  const inputRef = useRef<HTMLInputElement>(null)
  const listRef = useRef<HTMLUListElement>(null)
  const listId = useId()

  const entries = useMemo(() => paletteEntries(commands, query).slice(0, MAX_SHOWN), [commands, query])
  const active = Math.min(selected, Math.max(0, entries.length - 1))

  useEffect(() => {
    inputRef.current?.focus()
  }, [])

  useEffect(() => {
    listRef.current?.querySelector('[aria-selected="true"]')?.scrollIntoView?.({ block: 'nearest' })
  }, [active])

  const run = (entry: PaletteEntry | undefined) => {
    if (!entry) return
    onClose()
    if (entry.kind === 'symbol') onSymbol(entry.symbol)
    else entry.command.run()
  }

  const onKeyDown = (e: KeyboardEvent) => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault()
        setSelected(entries.length ? (active + 1) % entries.length : 0)
        break
      case 'ArrowUp':
        e.preventDefault()
        setSelected(entries.length ? (active - 1 + entries.length) % entries.length : 0)
        break
      case 'PageDown':
        e.preventDefault()
        setSelected(Math.min(entries.length - 1, active + 8))
        break
      case 'PageUp':
        e.preventDefault()
        setSelected(Math.max(0, active - 8))
        break
      case 'Home':
        if (e.ctrlKey) {
          e.preventDefault()
          setSelected(0)
        }
        break
      case 'End':
        if (e.ctrlKey) {
          e.preventDefault()
          setSelected(entries.length - 1)
        }
        break
      case 'Enter':
        e.preventDefault()
        run(entries[active])
        break
      case 'Escape':
        e.preventDefault()
        e.stopPropagation()
        onClose()
        break
      case 'Tab':
        // Keep focus in the palette.
        e.preventDefault()
        break
    }
  }

  const optionId = (i: number) => `${listId}-${i}`

  return (
    <div className="modal-backdrop palette-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="palette" data-testid="palette" role="dialog" aria-modal="true" aria-label="Command palette">
        <input
          ref={inputRef}
          className="palette-input"
          data-testid="palette-input"
          role="combobox"
          aria-expanded="true"
          aria-controls={listId}
          aria-activedescendant={entries.length ? optionId(active) : undefined}
          aria-autocomplete="list"
          placeholder="Type a command, or a ticker and Enter"
          spellCheck={false}
          autoComplete="off"
          value={query}
          onChange={(e) => {
            setQuery(e.target.value)
            setSelected(0)
          }}
          onKeyDown={onKeyDown}
        />
        <ul className="palette-list" data-testid="palette-list" role="listbox" id={listId} ref={listRef}>
          {entries.length === 0 && (
            <li className="palette-empty" data-testid="palette-empty">
              Nothing matches “{query}”
            </li>
          )}
          {entries.map((entry, i) => (
            <li
              key={entry.kind === 'symbol' ? `symbol:${entry.symbol}` : entry.command.id}
              id={optionId(i)}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'palette-item active' : 'palette-item'}
              data-testid="palette-item"
              data-command-id={entry.kind === 'symbol' ? 'symbol.go' : entry.command.id}
              onPointerMove={() => i !== active && setSelected(i)}
              onClick={() => run(entry)}
            >
              {entry.kind === 'symbol' ? (
                <>
                  <span className="palette-group">Symbol</span>
                  <span className="palette-title">
                    Go to <b>{entry.symbol}</b>
                  </span>
                  <span className="palette-hint">linked panels</span>
                </>
              ) : (
                <>
                  <span className="palette-group">{entry.command.group}</span>
                  <span className="palette-title">
                    {entry.command.title}
                    {entry.command.checked ? <span className="palette-check"> ✓</span> : null}
                  </span>
                  {entry.command.hint && <span className="palette-hint">{entry.command.hint}</span>}
                </>
              )}
            </li>
          ))}
        </ul>
        <div className="palette-footer">
          <span>
            <kbd>↑</kbd>
            <kbd>↓</kbd> move
          </span>
          <span>
            <kbd>Enter</kbd> run
          </span>
          <span>
            <kbd>Esc</kbd> close
          </span>
        </div>
      </div>
    </div>
  )
}
