/**
 * The visual rule builder: a palette of condition kinds dragged into AND/OR
 * groups (HTML5 drag and drop), and the same by click and keyboard: an "Add"
 * menu per group, and arrow keys on a card's handle to move it (up, down, out
 * of its group, into the next group), so drag is never the only way.
 */
import { useEffect, useRef, useState, type DragEvent, type KeyboardEvent, type ReactNode } from 'react'
import { MAX_GROUP_DEPTH, type Condition, type ConditionKind } from '../../../../shared/alerts'
import { ConditionBody, type BuilderOptions } from './ConditionEditors'
import {
  CONDITION_LABEL,
  defaultCondition,
  describeCondition,
  insertNode,
  isConditionKind,
  messagesFor,
  moveNode,
  newUid,
  nudgeNode,
  PALETTE,
  removeAt,
  replaceCondition,
  setGroupOp,
  type DraftGroup,
  type DraftNode,
  type ErrorMap,
  type TreeEdit,
} from './rule-model'

/** The drag payload's type: a new node from the palette, or a card moving. */
export const DRAG_MIME = 'application/x-tickstock-rule-node'

export type DragPayload = { new: ConditionKind | 'group' } | { move: string }

export function parsePayload(text: string): DragPayload | null {
  try {
    const v = JSON.parse(text) as unknown
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      if (typeof o.move === 'string') return { move: o.move }
      if (o.new === 'group' || isConditionKind(o.new)) return { new: o.new }
    }
  } catch {
    // not ours
  }
  return null
}

export interface ConditionBuilderProps {
  root: DraftGroup
  onChange(root: DraftGroup): void
  errors: ErrorMap
  options: BuilderOptions
  /** An edit the tree refused (too deep, a group into itself). */
  onRefused(reason: string): void
}

interface DropSpot {
  group: string
  /** Before this index; null: at the end. */
  index: number | null
}

function newNode(kind: ConditionKind | 'group', parentOp: 'and' | 'or'): DraftNode {
  // A nested group of the same operator means nothing: start with the other one.
  if (kind === 'group') return { uid: newUid(), kind: 'group', op: parentOp === 'and' ? 'or' : 'and', items: [] }
  return { uid: newUid(), kind: 'condition', condition: defaultCondition(kind) }
}

export function ConditionBuilder({ root, onChange, errors, options, onRefused }: ConditionBuilderProps) {
  const dragging = useRef<DragPayload | null>(null)
  const [spot, setSpot] = useState<DropSpot | null>(null)
  // Focus a card's handle after it was added or moved by keyboard (once per request, not on later edits).
  const [focusReq, setFocusReq] = useState<{ uid: string; seq: number } | null>(null)
  const setFocusUid = (uid: string) => setFocusReq((f) => ({ uid, seq: (f?.seq ?? 0) + 1 }))
  const box = useRef<HTMLDivElement>(null)
  useEffect(() => {
    if (!focusReq) return
    box.current?.querySelector<HTMLElement>(`[data-testid="ar-node"][data-uid="${focusReq.uid}"] [data-testid="ar-handle"]`)?.focus()
  }, [focusReq])

  const apply = (edit: TreeEdit) => {
    if (edit.ok) onChange(edit.root)
    else onRefused(edit.reason)
    return edit.ok
  }

  const payloadOf = (ev: DragEvent): DragPayload | null => {
    if (dragging.current) return dragging.current
    const dt = ev.dataTransfer
    return dt ? parsePayload(dt.getData(DRAG_MIME)) : null
  }
  const carriesOurs = (ev: DragEvent) => dragging.current !== null || Boolean(ev.dataTransfer && [...(ev.dataTransfer.types ?? [])].includes(DRAG_MIME))

  const drop = (payload: DragPayload, at: DropSpot) => {
    if ('move' in payload) return apply(moveNode(root, payload.move, at.group, at.index ?? undefined))
    const group = findGroup(root, at.group)
    return apply(insertNode(root, at.group, newNode(payload.new, group?.op ?? 'and'), at.index ?? undefined))
  }

  const ctx: BuilderCtx = {
    root,
    errors,
    options,
    spot,
    onDragStart(ev, payload) {
      dragging.current = payload
      const dt = ev.dataTransfer
      if (dt) {
        dt.setData(DRAG_MIME, JSON.stringify(payload))
        dt.setData('text/plain', 'move' in payload ? 'condition' : payload.new)
        dt.effectAllowed = 'move' in payload ? 'move' : 'copy'
      }
    },
    onDragEnd() {
      dragging.current = null
      setSpot(null)
    },
    onDragOver(ev, at) {
      if (!carriesOurs(ev)) return
      ev.preventDefault()
      ev.stopPropagation()
      if (ev.dataTransfer) ev.dataTransfer.dropEffect = dragging.current && 'move' in dragging.current ? 'move' : 'copy'
      if (spot?.group !== at.group || spot.index !== at.index) setSpot(at)
    },
    onDrop(ev, at) {
      const payload = payloadOf(ev)
      if (!payload) return
      ev.preventDefault()
      ev.stopPropagation()
      dragging.current = null
      setSpot(null)
      if (drop(payload, at) && 'move' in payload) setFocusUid(payload.move)
    },
    add(groupUid, kind) {
      const group = findGroup(root, groupUid)
      const node = newNode(kind, group?.op ?? 'and')
      if (apply(insertNode(root, groupUid, node))) setFocusUid(node.uid)
    },
    remove(uid) {
      onChange(removeAt(root, uid))
    },
    setOp(uid, op) {
      onChange(setGroupOp(root, uid, op))
    },
    update(uid, c) {
      onChange(replaceCondition(root, uid, c))
    },
    nudge(uid, dir) {
      if (apply(nudgeNode(root, uid, dir))) setFocusUid(uid)
    },
  }

  return (
    <div className="ar-builder" ref={box}>
      <Palette onDragStart={ctx.onDragStart} onDragEnd={ctx.onDragEnd} />
      <GroupView group={root} depth={1} ctx={ctx} isRoot />
    </div>
  )
}

function findGroup(root: DraftGroup, uid: string): DraftGroup | null {
  if (root.uid === uid) return root
  for (const n of root.items) {
    if (n.kind !== 'group') continue
    const hit = findGroup(n, uid)
    if (hit) return hit
  }
  return null
}

interface BuilderCtx {
  root: DraftGroup
  errors: ErrorMap
  options: BuilderOptions
  spot: DropSpot | null
  onDragStart(ev: DragEvent, payload: DragPayload): void
  onDragEnd(): void
  onDragOver(ev: DragEvent, at: DropSpot): void
  onDrop(ev: DragEvent, at: DropSpot): void
  add(groupUid: string, kind: ConditionKind | 'group'): void
  remove(uid: string): void
  setOp(uid: string, op: 'and' | 'or'): void
  update(uid: string, c: Condition): void
  nudge(uid: string, dir: 'up' | 'down' | 'out' | 'in'): void
}

// ---------------------------------------------------------------- palette

function Palette({ onDragStart, onDragEnd }: { onDragStart: BuilderCtx['onDragStart']; onDragEnd(): void }) {
  return (
    <div className="ar-palette" aria-label="Conditions to drag into a group (or use a group's Add menu)" data-testid="ar-palette">
      {PALETTE.map((section) => (
        <div key={section.group} className="ar-palette-group">
          <span className="ar-palette-head">{section.group}</span>
          {section.kinds.map((k) => (
            <span
              key={k}
              className="ar-palette-item"
              draggable
              data-testid={`ar-palette-${k}`}
              title={`Drag into a group: ${CONDITION_LABEL[k]}`}
              onDragStart={(ev) => onDragStart(ev, { new: k })}
              onDragEnd={onDragEnd}
            >
              {CONDITION_LABEL[k]}
            </span>
          ))}
        </div>
      ))}
      <div className="ar-palette-group">
        <span className="ar-palette-head">Logic</span>
        <span className="ar-palette-item is-group" draggable data-testid="ar-palette-group" title="Drag into a group: a nested AND/OR group" onDragStart={(ev) => onDragStart(ev, { new: 'group' })} onDragEnd={onDragEnd}>
          ( ) Group
        </span>
      </div>
    </div>
  )
}

// ---------------------------------------------------------------- groups

function GroupView({
  group,
  depth,
  ctx,
  isRoot,
  handle,
  headSpot,
}: {
  group: DraftGroup
  depth: number
  ctx: BuilderCtx
  isRoot?: boolean
  handle?: ReactNode
  /** A nested group's header takes drops for the spot before the group (its body takes them into it). */
  headSpot?: DropSpot
}) {
  const own = messagesFor(ctx.errors, group.uid)
  const endSpot = ctx.spot?.group === group.uid && ctx.spot.index === null
  const canNest = depth + 1 <= MAX_GROUP_DEPTH
  return (
    <div
      className={`ar-group op-${group.op} ${isRoot ? 'is-root' : ''} ${own.length > 0 ? 'invalid' : ''}`}
      data-testid="ar-group"
      data-uid={group.uid}
      data-op={group.op}
      data-depth={depth}
      role="group"
      aria-label={`${group.op === 'and' ? 'All' : 'Any'} of ${group.items.length} ${group.items.length === 1 ? 'item' : 'items'}`}
      onDragOver={(ev) => ctx.onDragOver(ev, { group: group.uid, index: null })}
      onDrop={(ev) => ctx.onDrop(ev, { group: group.uid, index: null })}
    >
      <div
        className="ar-group-head"
        onDragOver={headSpot ? (ev) => ctx.onDragOver(ev, headSpot) : undefined}
        onDrop={headSpot ? (ev) => ctx.onDrop(ev, headSpot) : undefined}
      >
        {handle}
        <div className="ar-opswitch" role="radiogroup" aria-label="Match">
          {(['and', 'or'] as const).map((op) => (
            <button
              key={op}
              type="button"
              role="radio"
              aria-checked={group.op === op}
              className={group.op === op ? 'active' : ''}
              data-testid={`ar-op-${op}`}
              title={op === 'and' ? 'Every condition in the group must hold' : 'Any one condition in the group is enough'}
              onClick={() => ctx.setOp(group.uid, op)}
            >
              {op === 'and' ? 'ALL (AND)' : 'ANY (OR)'}
            </button>
          ))}
        </div>
        <span className="dim">{isRoot ? 'of these' : 'of'}</span>
        <span className="ar-spacer" />
        <AddMenu onAdd={(k) => ctx.add(group.uid, k)} canNest={canNest} />
        {!isRoot && (
          <button type="button" className="ar-x" aria-label="Remove group" data-testid="ar-group-remove" title="Remove this group and everything in it" onClick={() => ctx.remove(group.uid)}>
            ×
          </button>
        )}
      </div>
      {own.length > 0 && <CardMessages messages={own} />}
      <div className="ar-group-items">
        {group.items.map((n, i) =>
          n.kind === 'group' ? (
            <NodeShell key={n.uid} node={n} index={i} parent={group} ctx={ctx}>
              {(h) => <GroupView group={n} depth={depth + 1} ctx={ctx} handle={h} headSpot={{ group: group.uid, index: i }} />}
            </NodeShell>
          ) : (
            <NodeShell key={n.uid} node={n} index={i} parent={group} ctx={ctx}>
              {(h) => <ConditionCard uid={n.uid} condition={n.condition} ctx={ctx} handle={h} />}
            </NodeShell>
          ),
        )}
        <div className={`ar-drop-end ${endSpot ? 'over' : ''}`} data-testid="ar-drop-end">
          {group.items.length === 0 ? (isRoot ? 'No conditions: the rule fires on every event. Drag a condition here or use + Add.' : 'Empty group: drag conditions here.') : 'drop here'}
        </div>
      </div>
    </div>
  )
}

/** Where a card or a nested group sits in its parent: the drop spot before it, and its handle. */
function NodeShell({ node, index, parent, ctx, children }: { node: DraftNode; index: number; parent: DraftGroup; ctx: BuilderCtx; children(handle: ReactNode): ReactNode }) {
  const before = ctx.spot?.group === parent.uid && ctx.spot.index === index
  const label = node.kind === 'group' ? `${node.op === 'and' ? 'ALL' : 'ANY'} group` : CONDITION_LABEL[node.condition.kind]
  return (
    <div
      className={`ar-node ${before ? 'drop-before' : ''}`}
      data-testid="ar-node"
      data-uid={node.uid}
      // Over a nested group the group takes the event first (and stops it).
      onDragOver={(ev) => ctx.onDragOver(ev, { group: parent.uid, index })}
      onDrop={(ev) => ctx.onDrop(ev, { group: parent.uid, index })}
    >
      {children(<Handle uid={node.uid} label={label} ctx={ctx} />)}
    </div>
  )
}

function Handle({ uid, label, ctx }: { uid: string; label: string; ctx: BuilderCtx }) {
  const onKeyDown = (ev: KeyboardEvent<HTMLButtonElement>) => {
    const dir = ({ ArrowUp: 'up', ArrowDown: 'down', ArrowLeft: 'out', ArrowRight: 'in' } as const)[ev.key as 'ArrowUp']
    if (!dir) return
    ev.preventDefault()
    ctx.nudge(uid, dir)
  }
  return (
    <button
      type="button"
      className="ar-handle"
      draggable
      aria-label={`Move ${label}: arrow keys up and down, left out of its group, right into the next group`}
      title="Drag to move; or arrow keys: ↑ ↓ reorder, ← out of the group, → into the next group"
      data-testid="ar-handle"
      onKeyDown={onKeyDown}
      onDragStart={(ev) => {
        ctx.onDragStart(ev, { move: uid })
        const card = (ev.currentTarget as HTMLElement).closest('.ar-node')
        if (card && ev.dataTransfer && typeof ev.dataTransfer.setDragImage === 'function') ev.dataTransfer.setDragImage(card, 12, 12)
      }}
      onDragEnd={ctx.onDragEnd}
    >
      ⠿
    </button>
  )
}

// ---------------------------------------------------------------- cards

function ConditionCard({ uid, condition, ctx, handle }: { uid: string; condition: Condition; ctx: BuilderCtx; handle: ReactNode }) {
  const messages = messagesFor(ctx.errors, uid)
  const invalid = new Set(
    Object.keys(ctx.errors)
      .filter((t) => t.startsWith(`node:${uid}:`))
      .map((t) => t.slice(`node:${uid}:`.length)),
  )
  const label = CONDITION_LABEL[condition.kind]
  return (
    <div className={`ar-card kind-${condition.kind} ${messages.length > 0 ? 'invalid' : ''}`} data-testid="ar-card" data-uid={uid} data-kind={condition.kind} aria-invalid={messages.length > 0 || undefined}>
      <div className="ar-card-head">
        {handle}
        <span className="ar-card-label">{label}</span>
        <span className="ar-card-summary dim" data-testid="ar-card-summary">
          {describeCondition(condition)}
        </span>
        <span className="ar-spacer" />
        <button type="button" className="ar-x" aria-label={`Remove ${label} condition`} data-testid="ar-card-remove" onClick={() => ctx.remove(uid)}>
          ×
        </button>
      </div>
      <div className="ar-card-body">
        <ConditionBody condition={condition} onChange={(c) => ctx.update(uid, c)} options={ctx.options} invalid={invalid} testId={`c-${condition.kind}`} />
      </div>
      {messages.length > 0 && <CardMessages messages={messages} />}
    </div>
  )
}

function CardMessages({ messages }: { messages: readonly string[] }) {
  return (
    <ul className="ar-card-errors" role="alert" data-testid="ar-card-errors">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  )
}

// ---------------------------------------------------------------- add menu

function AddMenu({ onAdd, canNest }: { onAdd(kind: ConditionKind | 'group'): void; canNest: boolean }) {
  const [open, setOpen] = useState(false)
  const wrap = useRef<HTMLDivElement>(null)
  const first = useRef<HTMLButtonElement>(null)
  useEffect(() => {
    if (!open) return
    first.current?.focus()
    const away = (ev: MouseEvent) => {
      if (wrap.current && !wrap.current.contains(ev.target as Node)) setOpen(false)
    }
    document.addEventListener('mousedown', away)
    return () => document.removeEventListener('mousedown', away)
  }, [open])
  const pick = (k: ConditionKind | 'group') => {
    setOpen(false)
    onAdd(k)
  }
  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>) => {
    if (ev.key === 'Escape') {
      ev.stopPropagation()
      setOpen(false)
      return
    }
    if (ev.key !== 'ArrowDown' && ev.key !== 'ArrowUp') return
    ev.preventDefault()
    const items = [...(wrap.current?.querySelectorAll<HTMLButtonElement>('[role="menuitem"]:not(:disabled)') ?? [])]
    const i = items.indexOf(document.activeElement as HTMLButtonElement)
    items[(i + (ev.key === 'ArrowDown' ? 1 : -1) + items.length) % items.length]?.focus()
  }
  let firstItem = true
  return (
    <div className="ar-add" ref={wrap} onKeyDown={onKeyDown}>
      <button type="button" className="ar-add-button" aria-haspopup="menu" aria-expanded={open} data-testid="ar-add" onClick={() => setOpen((o) => !o)}>
        + Add
      </button>
      {open && (
        <div className="ar-add-menu" role="menu" data-testid="ar-add-menu">
          {PALETTE.map((section) => (
            <div key={section.group} role="group" aria-label={section.group}>
              <div className="ar-add-head">{section.group}</div>
              {section.kinds.map((k) => {
                const isFirst = firstItem
                firstItem = false
                return (
                  <button key={k} ref={isFirst ? first : undefined} type="button" role="menuitem" data-testid={`ar-add-${k}`} onClick={() => pick(k)}>
                    {CONDITION_LABEL[k]}
                  </button>
                )
              })}
            </div>
          ))}
          <div role="group" aria-label="Logic">
            <div className="ar-add-head">Logic</div>
            <button type="button" role="menuitem" data-testid="ar-add-group" disabled={!canNest} title={canNest ? 'A nested group' : `Groups nest at most ${MAX_GROUP_DEPTH} deep`} onClick={() => pick('group')}>
              Group (nested AND/OR)
            </button>
          </div>
        </div>
      )}
    </div>
  )
}
