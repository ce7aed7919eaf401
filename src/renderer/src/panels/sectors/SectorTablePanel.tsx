/**
 * The sector table editor: which sector fund each symbol belongs to (the
 * bundled table with the trader's edits over it). Pattern stamps, the board
 * sector filter and the rotation drill-down all read this table.
 */
import { useVirtualizer } from '@tanstack/react-virtual'
import { useId, useLayoutEffect, useRef, useState, type FormEvent } from 'react'
import type { SectorFund, SectorTableEntry } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { formatCount } from '../format'
import { useMarketQuery, useMarketRefresh } from '../market/use-market-query'
import {
  checkSymbol,
  describeSetError,
  filterEntries,
  formatLineError,
  mergeEntries,
  parseSectorLines,
  sortEntries,
  sourceLabel,
  toCsv,
  type FundName,
  type LineError,
} from './sector-table-model'
import './sector-table.css'

export type SectorTableState = Record<string, never>

const ROW_H = 26
const OVERSCAN = 6
/** Import errors listed before "and N more". */
const MAX_SHOWN_ERRORS = 8
const SECTOR_PULSES = ['sectors'] as const

export interface SectorTablePanelProps extends PanelProps<SectorTableState> {
  /** Save a text file (tests pass a spy; the app downloads through a Blob link). */
  download?: (fileName: string, text: string) => void
}

type Edit = { symbol: string; fund: SectorFund | null }

export function SectorTablePanel({ api, visible, download = downloadText }: SectorTablePanelProps) {
  // Refetch when the table changes elsewhere (another editor, another client).
  const refresh = useMarketRefresh(api, visible, SECTOR_PULSES)
  const q = useMarketQuery(api, 'sectors.table', {}, visible, refresh)
  // Answers to our own edits, over the table they were made on: a newer fetch replaces them.
  const [local, setLocal] = useState<{ base: unknown; entries: SectorTableEntry[] } | null>(null)
  const base = q.value
  // The table an answer lands on: the newest, even if a fetch landed while the edit was on its way.
  const latest = useRef(base)
  useLayoutEffect(() => {
    latest.current = base
  })
  const entries = local && local.base === base ? local.entries : (base?.entries ?? [])
  const funds: readonly FundName[] = base?.funds ?? []

  const [search, setSearch] = useState('')
  const [editedOnly, setEditedOnly] = useState(false)
  const [busy, setBusy] = useState(false)
  const [notice, setNotice] = useState<{ text: string; bad: boolean } | null>(null)
  const [confirmReset, setConfirmReset] = useState(false)
  const [importOpen, setImportOpen] = useState(false)

  const rows = sortEntries(filterEntries(entries, search, funds, editedOnly))
  const edited = entries.reduce((n, e) => n + (e.source === 'user' ? 1 : 0), 0)

  const takeEntries = (next: (current: SectorTableEntry[]) => SectorTableEntry[]) =>
    setLocal((prev) => {
      const b = latest.current
      const current = prev && prev.base === b ? prev.entries : (b?.entries ?? [])
      return { base: b, entries: next(current) }
    })

  /** Send edits; on success fold the answer into the table. Returns the error text, or null. */
  const apply = async (edits: Edit[], lines?: readonly number[]): Promise<string | null> => {
    setBusy(true)
    try {
      const r = await api.invoke('sectors.set', { entries: edits })
      if (!r.ok) return describeSetError(r.error, lines)
      takeEntries((cur) => mergeEntries(cur, edits.map((e) => e.symbol), r.value.entries))
      return null
    } catch (err) {
      return err instanceof Error ? err.message : String(err)
    } finally {
      setBusy(false)
    }
  }

  const applyOne = async (edit: Edit, done: string) => {
    const error = await apply([edit])
    setNotice(error ? { text: `${edit.symbol}: ${error}`, bad: true } : { text: done, bad: false })
  }

  const onReset = async () => {
    setConfirmReset(false)
    setBusy(true)
    try {
      const r = await api.invoke('sectors.reset', {})
      if (!r.ok) return setNotice({ text: `Reset failed: ${r.error.message}`, bad: true })
      takeEntries(() => sortEntries(r.value.entries))
      setNotice({ text: `Dropped ${formatCount(edited)} ${edited === 1 ? 'edit' : 'edits'}: back to the bundled table.`, bad: false })
    } catch (err) {
      setNotice({ text: `Reset failed: ${err instanceof Error ? err.message : String(err)}`, bad: true })
    } finally {
      setBusy(false)
    }
  }

  const onExport = () => {
    download('sector-table.csv', toCsv(sortEntries(entries), funds))
    setNotice({ text: `Exported ${formatCount(entries.length)} symbols.`, bad: false })
  }

  return (
    <div className="st" data-testid="sector-table">
      <div className="st-toolbar">
        <input
          type="search"
          className="st-search"
          placeholder="Search symbol, fund or sector"
          aria-label="Search"
          data-testid="st-search"
          value={search}
          onChange={(ev) => setSearch(ev.target.value)}
        />
        <label className="st-check" title="Show only the symbols you changed">
          <input type="checkbox" checked={editedOnly} data-testid="st-edited-only" onChange={(ev) => setEditedOnly(ev.target.checked)} />
          edited only
        </label>
        <span className="st-count dim num" data-testid="st-count">
          {base ? `${formatCount(rows.length)} of ${formatCount(entries.length)} · ${formatCount(edited)} edited` : ''}
        </span>
        <span className="st-spacer" />
        <button type="button" data-testid="st-import-open" aria-expanded={importOpen} disabled={!base} onClick={() => setImportOpen((o) => !o)}>
          Import…
        </button>
        <button type="button" data-testid="st-export" disabled={!base} title="Save the whole table as CSV" onClick={onExport}>
          Export CSV
        </button>
        <button type="button" className="danger" data-testid="st-reset" disabled={busy || edited === 0} onClick={() => setConfirmReset(true)}>
          Reset all edits
        </button>
      </div>

      {confirmReset && (
        <div className="st-confirm" role="alertdialog" aria-label="Reset all edits" data-testid="st-reset-confirm">
          <span>
            Drop all {formatCount(edited)} {edited === 1 ? 'edit' : 'edits'} and go back to the bundled table?
          </span>
          <button type="button" className="danger" data-testid="st-reset-ok" onClick={() => void onReset()}>
            Reset edits
          </button>
          <button type="button" data-testid="st-reset-cancel" onClick={() => setConfirmReset(false)}>
            Cancel
          </button>
        </div>
      )}

      {importOpen && (
        <ImportBox
          funds={funds}
          busy={busy}
          onClose={() => setImportOpen(false)}
          onApply={async (edits, lines) => {
            const error = await apply(edits, lines)
            if (!error) {
              setImportOpen(false)
              setNotice({ text: `Set ${formatCount(edits.length)} ${edits.length === 1 ? 'symbol' : 'symbols'}.`, bad: false })
            }
            return error
          }}
        />
      )}

      {base && <AddForm funds={funds} busy={busy} known={entries} onAdd={(symbol, fund) => apply([{ symbol, fund }])} onAdded={(text) => setNotice({ text, bad: false })} />}

      <div className="st-status">
        {q.error && (
          <span className="st-bad" data-testid="st-error" title={q.error}>
            {q.error}
          </span>
        )}
        {!q.error && q.loading && <span className="dim">loading…</span>}
        {notice && (
          <span className={notice.bad ? 'st-bad' : 'dim'} data-testid="st-notice">
            {notice.text}
          </span>
        )}
      </div>

      <EntryList rows={rows} funds={funds} empty={base ? (entries.length === 0 ? 'The sector table is empty.' : 'No symbol matches.') : ''} onSet={(symbol, fund) => void applyOne({ symbol, fund }, `${symbol} → ${fund}.`)} onRevert={(symbol) => void applyOne({ symbol, fund: null }, `${symbol}: edit reverted.`)} />
    </div>
  )
}

// ---------------------------------------------------------------- the list

interface EntryListProps {
  rows: readonly SectorTableEntry[]
  funds: readonly FundName[]
  empty: string
  onSet(symbol: string, fund: SectorFund): void
  onRevert(symbol: string): void
}

function EntryList({ rows, funds, empty, onSet, onRevert }: EntryListProps) {
  const scrollRef = useRef<HTMLDivElement>(null)
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    overscan: OVERSCAN,
    scrollMargin: ROW_H, // the sticky header above the rows
  })
  const items = virtualizer.getVirtualItems()
  return (
    <div ref={scrollRef} className="st-scroll" role="table" aria-label="Sector table" aria-rowcount={rows.length + 1} data-testid="st-rows">
      <div className="st-row st-head" role="row">
        <span role="columnheader">Symbol</span>
        <span role="columnheader">Sector</span>
        <span role="columnheader">Source</span>
        <span role="columnheader" />
      </div>
      {rows.length === 0 && empty && <div className="st-empty dim">{empty}</div>}
      <div className="st-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((it) => {
          const e = rows[it.index]!
          return <EntryRow key={e.symbol} entry={e} funds={funds} top={it.start - ROW_H} index={it.index} onSet={onSet} onRevert={onRevert} />
        })}
      </div>
    </div>
  )
}

function EntryRow({
  entry,
  funds,
  top,
  index,
  onSet,
  onRevert,
}: {
  entry: SectorTableEntry
  funds: readonly FundName[]
  top: number
  index: number
  onSet(symbol: string, fund: SectorFund): void
  onRevert(symbol: string): void
}) {
  const user = entry.source === 'user'
  return (
    <div className={`st-row ${user ? 'is-user' : ''}`} role="row" aria-rowindex={index + 2} data-testid="st-row" data-symbol={entry.symbol} data-source={entry.source} style={{ transform: `translateY(${top}px)` }}>
      <span className="st-sym" role="cell">
        {entry.symbol}
      </span>
      <span role="cell">
        <FundSelect funds={funds} value={entry.fund} label={`Sector of ${entry.symbol}`} testId="st-fund" onChange={(f) => f !== entry.fund && onSet(entry.symbol, f)} />
      </span>
      <span role="cell">
        <span className={`st-source ${user ? 'is-user' : ''}`} data-testid="st-source" title={user ? 'Your edit over the bundled table' : 'From the bundled table'}>
          {sourceLabel(entry.source)}
        </span>
      </span>
      <span role="cell">
        {user && (
          <button
            type="button"
            className="st-revert"
            data-testid="st-revert"
            title="Drop your edit: back to the bundled sector (gone from the table if the bundled table lacks the symbol)"
            onClick={() => onRevert(entry.symbol)}
          >
            revert
          </button>
        )}
      </span>
    </div>
  )
}

function FundSelect({ funds, value, label, testId, onChange }: { funds: readonly FundName[]; value: string; label: string; testId: string; onChange(fund: SectorFund): void }) {
  const known = funds.some((f) => f.fund === value)
  return (
    <select className="st-select" aria-label={label} data-testid={testId} value={value} onChange={(ev) => onChange(ev.target.value as SectorFund)}>
      {!known && <option value={value}>{value}</option>}
      {funds.map((f) => (
        <option key={f.fund} value={f.fund}>
          {f.fund} · {f.name}
        </option>
      ))}
    </select>
  )
}

// ---------------------------------------------------------------- add one

function AddForm({
  funds,
  busy,
  known,
  onAdd,
  onAdded,
}: {
  funds: readonly FundName[]
  busy: boolean
  known: readonly SectorTableEntry[]
  onAdd(symbol: string, fund: SectorFund): Promise<string | null>
  onAdded(text: string): void
}) {
  const id = useId()
  const [symbol, setSymbol] = useState('')
  const [fund, setFund] = useState<SectorFund | null>(null)
  const [error, setError] = useState<string | null>(null)
  const chosen = fund ?? (funds[0]?.fund as SectorFund | undefined) ?? null
  const submit = async (ev: FormEvent) => {
    ev.preventDefault()
    const s = checkSymbol(symbol)
    if (!s.ok) return setError(s.error)
    if (chosen === null) return
    setError(null)
    const failed = await onAdd(s.value, chosen)
    if (failed) return setError(failed)
    const before = known.find((e) => e.symbol === s.value)
    setSymbol('')
    onAdded(before ? `${s.value}: ${before.fund} → ${chosen}.` : `${s.value} added to ${chosen}.`)
  }
  return (
    <form className="st-add" data-testid="st-add" onSubmit={(ev) => void submit(ev)} noValidate>
      <label htmlFor={`${id}-symbol`}>Add</label>
      <input
        id={`${id}-symbol`}
        className={`st-add-symbol ${error ? 'invalid' : ''}`}
        placeholder="Symbol"
        autoComplete="off"
        spellCheck={false}
        maxLength={40}
        aria-invalid={error !== null}
        aria-describedby={error ? `${id}-error` : undefined}
        data-testid="st-add-symbol"
        value={symbol}
        onChange={(ev) => {
          setSymbol(ev.target.value.toUpperCase())
          setError(null)
        }}
      />
      <FundSelect funds={funds} value={chosen ?? ''} label="Sector of the new symbol" testId="st-add-fund" onChange={setFund} />
      <button type="submit" data-testid="st-add-submit" disabled={busy || chosen === null}>
        Set
      </button>
      {error && (
        <span id={`${id}-error`} className="st-bad st-field-error" role="alert" data-testid="st-add-error">
          {error}
        </span>
      )}
    </form>
  )
}

// ---------------------------------------------------------------- paste / import

function ImportBox({
  funds,
  busy,
  onApply,
  onClose,
}: {
  funds: readonly FundName[]
  busy: boolean
  onApply(edits: Edit[], lines: readonly number[]): Promise<string | null>
  onClose(): void
}) {
  const id = useId()
  const [text, setText] = useState('')
  const [errors, setErrors] = useState<LineError[]>([])
  const [serverError, setServerError] = useState<string | null>(null)
  const readFile = async (file: File | undefined) => {
    if (!file) return
    setText(await file.text())
    setErrors([])
    setServerError(null)
  }
  const submit = async () => {
    setServerError(null)
    const parsed = parseSectorLines(text, funds)
    if (!parsed.ok) return setErrors(parsed.errors)
    setErrors([])
    const failed = await onApply(
      parsed.entries.map((e) => ({ symbol: e.symbol, fund: e.fund })),
      parsed.entries.map((e) => e.line),
    )
    if (failed) setServerError(failed)
  }
  const shown = errors.slice(0, MAX_SHOWN_ERRORS)
  return (
    <div className="st-import" data-testid="st-import">
      <label htmlFor={`${id}-text`} className="dim">
        One symbol a line: <code>SYMBOL,FUND</code> or <code>SYMBOL⇥FUND</code> (fund code or sector name). A bad line refuses the whole paste.
      </label>
      <textarea
        id={`${id}-text`}
        rows={6}
        spellCheck={false}
        placeholder={'MSFT,XLK\nXOM\tXLE\nJPM,Financials'}
        data-testid="st-import-text"
        value={text}
        onChange={(ev) => {
          setText(ev.target.value)
          setErrors([])
          setServerError(null)
        }}
      />
      {(shown.length > 0 || serverError) && (
        <ul className="st-import-errors st-bad" role="alert" data-testid="st-import-errors">
          {shown.map((e) => (
            <li key={`${e.line}-${e.message}`}>{formatLineError(e)}</li>
          ))}
          {errors.length > shown.length && <li>… and {formatCount(errors.length - shown.length)} more</li>}
          {errors.length > 0 && <li className="dim">Nothing was applied.</li>}
          {serverError && <li>{serverError} Nothing was applied.</li>}
        </ul>
      )}
      <div className="st-import-actions">
        <label className="st-file">
          <input type="file" accept=".csv,.tsv,.txt,text/csv,text/plain" data-testid="st-import-file" onChange={(ev) => void readFile(ev.target.files?.[0])} />
          Load a file…
        </label>
        <span className="st-spacer" />
        <button type="button" data-testid="st-import-apply" disabled={busy || text.trim() === ''} onClick={() => void submit()}>
          Apply
        </button>
        <button type="button" data-testid="st-import-cancel" onClick={onClose}>
          Cancel
        </button>
      </div>
    </div>
  )
}

/** Save text as a file through a Blob link (the browser's or Electron's download). */
export function downloadText(fileName: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }))
  const a = document.createElement('a')
  a.href = url
  a.download = fileName
  a.style.display = 'none'
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}
