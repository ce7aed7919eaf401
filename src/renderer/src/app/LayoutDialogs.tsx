/** Save as, rename, delete and manage dialogs for named layouts. */
import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent, type ReactNode } from 'react'
import { useStore } from 'zustand'
import type { LayoutController } from '../state/layout-store'
import type { DialogRequest } from './shell-commands'

export interface LayoutDialogProps {
  request: DialogRequest
  layout: LayoutController
  onClose(): void
  onOpen(request: DialogRequest): void
}

export function LayoutDialog({ request, layout, onClose, onOpen }: LayoutDialogProps) {
  switch (request.kind) {
    case 'save-as':
      return <NameDialog kind="save-as" title="Save layout as" initial={layout.store.getState().current ?? ''} submitLabel="Save" layout={layout} onClose={onClose} />
    case 'rename':
      return <NameDialog kind="rename" title={`Rename layout "${request.name}"`} initial={request.name} from={request.name} submitLabel="Rename" layout={layout} onClose={onClose} />
    case 'delete':
      return <DeleteDialog name={request.name} layout={layout} onClose={onClose} />
    case 'manage':
      return <ManageDialog layout={layout} onClose={onClose} onOpen={onOpen} />
  }
}

function DialogShell({ kind, title, onClose, children }: { kind: string; title: string; onClose(): void; children: ReactNode }) {
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault()
      e.stopPropagation()
      onClose()
    }
  }
  return (
    <div className="modal-backdrop" onPointerDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className="dialog" role="dialog" aria-modal="true" aria-label={title} data-testid="layout-dialog" data-dialog={kind} onKeyDown={onKeyDown}>
        <h2 className="dialog-title">{title}</h2>
        {children}
      </div>
    </div>
  )
}

function NameDialog(props: { kind: 'save-as' | 'rename'; title: string; initial: string; from?: string; submitLabel: string; layout: LayoutController; onClose(): void }) {
  const { kind, layout, onClose } = props
  const [name, setName] = useState(props.initial)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const layouts = useStore(layout.store, (s) => s.layouts)
  const inputRef = useRef<HTMLInputElement>(null)
  useEffect(() => {
    inputRef.current?.focus()
    inputRef.current?.select()
  }, [])

  const trimmed = name.trim()
  const replaces = kind === 'save-as' && layouts.some((l) => l.name === trimmed)

  const submit = async (e: FormEvent) => {
    e.preventDefault()
    if (busy) return
    setBusy(true)
    const res = kind === 'save-as' ? await layout.saveAs(name) : await layout.rename(props.from!, name)
    setBusy(false)
    if (res.ok) onClose()
    else setError(res.message)
  }

  return (
    <DialogShell kind={kind} title={props.title} onClose={onClose}>
      <form onSubmit={(e) => void submit(e)}>
        <label className="dialog-field">
          <span>Name</span>
          <input
            ref={inputRef}
            data-testid="layout-dialog-input"
            value={name}
            maxLength={64}
            spellCheck={false}
            onChange={(e) => {
              setName(e.target.value)
              setError(null)
            }}
          />
        </label>
        <div className="dialog-message" data-testid="layout-dialog-error" role={error ? 'alert' : undefined}>
          {error ?? (replaces ? `Replaces the saved layout "${trimmed}".` : '\u00a0')}
        </div>
        <div className="dialog-buttons">
          <button type="button" data-testid="layout-dialog-cancel" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="primary" data-testid="layout-dialog-ok" disabled={busy || trimmed.length === 0}>
            {replaces ? 'Replace' : props.submitLabel}
          </button>
        </div>
      </form>
    </DialogShell>
  )
}

function DeleteDialog({ name, layout, onClose }: { name: string; layout: LayoutController; onClose(): void }) {
  const [error, setError] = useState<string | null>(null)
  const okRef = useRef<HTMLButtonElement>(null)
  useEffect(() => okRef.current?.focus(), [])
  const confirm = async () => {
    const res = await layout.remove(name)
    if (res.ok) onClose()
    else setError(res.message)
  }
  return (
    <DialogShell kind="delete" title={`Delete layout "${name}"?`} onClose={onClose}>
      <p className="dialog-text">The saved layout is removed. What is on screen stays as it is.</p>
      <div className="dialog-message" data-testid="layout-dialog-error" role={error ? 'alert' : undefined}>
        {error ?? '\u00a0'}
      </div>
      <div className="dialog-buttons">
        <button type="button" data-testid="layout-dialog-cancel" onClick={onClose}>
          Cancel
        </button>
        <button type="button" ref={okRef} className="danger" data-testid="layout-dialog-ok" onClick={() => void confirm()}>
          Delete
        </button>
      </div>
    </DialogShell>
  )
}

function ManageDialog({ layout, onClose, onOpen }: { layout: LayoutController; onClose(): void; onOpen(request: DialogRequest): void }) {
  const layouts = useStore(layout.store, (s) => s.layouts)
  const current = useStore(layout.store, (s) => s.current)
  useEffect(() => {
    void layout.refresh()
  }, [layout])
  const closeRef = useRef<HTMLButtonElement>(null)
  useEffect(() => closeRef.current?.focus(), [])
  return (
    <DialogShell kind="manage" title="Layouts" onClose={onClose}>
      {layouts.length === 0 ? (
        <p className="dialog-text" data-testid="layout-list-empty">
          No saved layouts yet. The layout on screen is kept as the last session until you save it with a name.
        </p>
      ) : (
        <ul className="layout-list" data-testid="layout-list">
          {layouts.map((l) => (
            <li key={l.name} className="layout-row" data-testid="layout-row" data-layout-name={l.name}>
              <span className="layout-name">
                {l.name}
                {l.name === current && <span className="layout-current-tag"> (in use)</span>}
              </span>
              <span className="layout-date">{new Date(l.updatedAt).toLocaleString()}</span>
              <button
                type="button"
                data-testid="layout-row-load"
                onClick={() => {
                  onClose()
                  void layout.load(l.name)
                }}
              >
                Load
              </button>
              <button type="button" data-testid="layout-row-rename" onClick={() => onOpen({ kind: 'rename', name: l.name })}>
                Rename
              </button>
              <button type="button" className="danger" data-testid="layout-row-delete" onClick={() => onOpen({ kind: 'delete', name: l.name })}>
                Delete
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="dialog-buttons">
        <button type="button" data-testid="layout-dialog-save-as" onClick={() => onOpen({ kind: 'save-as' })}>
          Save current as…
        </button>
        <button type="button" ref={closeRef} data-testid="layout-dialog-cancel" onClick={onClose}>
          Close
        </button>
      </div>
    </DialogShell>
  )
}
