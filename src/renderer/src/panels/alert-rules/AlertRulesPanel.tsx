/**
 * The alert rule editor: the rules on the left (switch, summary, firings
 * today), the selected or new rule on the right: a visual AND/OR builder,
 * a live preview over the last week, channels and noise controls. Only the
 * selected rule's id is kept in the layout; the draft lives while the panel does.
 */
import { useCallback, useEffect, useId, useMemo, useRef, useState } from 'react'
import { useStore } from 'zustand'
import type { Alert, AlertRule, Webhook } from '../../../../shared/alerts'
import { SECTOR_FUNDS } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { useSectorInfo } from '../tier-board/sector-info'
import { ConditionBuilder } from './ConditionBuilder'
import type { BuilderOptions } from './ConditionEditors'
import { FieldError } from './controls'
import { ruleEditorBus, type RuleEditorBus } from './editor-bus'
import { nyWhen } from './ny-time'
import {
  adoptUids,
  draftFromRule,
  engineErrors,
  newDraft,
  ruleToInput,
  sameRule,
  validateDraft,
  valueAtTarget,
  type ErrorMap,
  type RuleDraft,
} from './rule-model'
import { RuleList, useFiredToday } from './RuleList'
import { PreviewBox, SUPPRESSION_WORDS, usePreview } from './RulePreview'
import { ChannelsSection, errorAt, NoiseSection } from './RuleSettings'
import './alert-rules.css'

export interface AlertRulesState {
  /** The rule on screen; null: a new rule (its draft is not kept in the layout). */
  selectedId: string | null
}

export const defaultAlertRulesState: AlertRulesState = { selectedId: null }

export function parseAlertRulesState(raw: unknown): AlertRulesState {
  const id = raw && typeof raw === 'object' ? (raw as Record<string, unknown>).selectedId : null
  return { selectedId: typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : null }
}

export interface AlertRulesPanelProps extends PanelProps<AlertRulesState> {
  /** Where "open this rule" requests come from (the app's bus unless a test passes one). */
  bus?: RuleEditorBus
  now?: () => number
  previewDelayMs?: number
}

interface LoadedRules {
  rules: AlertRule[]
  unreadable: { id: string; reason: string }[]
}

interface EditorState {
  draft: RuleDraft
  /** What the draft started from (the stored rule, or an empty new one): unsaved = they differ. */
  baseline: RuleDraft
}

interface ServerErrors {
  errors: ErrorMap
  /** The value each error was about: it is shown until the trader changes that value. */
  snapshot: Record<string, string>
}

type Notice = { text: string; bad: boolean }

const freshEditor = (): EditorState => {
  const d = newDraft()
  return { draft: d, baseline: d }
}

const upsert = (list: LoadedRules, rule: AlertRule): LoadedRules => ({
  ...list,
  rules: list.rules.some((r) => r.id === rule.id) ? list.rules.map((r) => (r.id === rule.id ? rule : r)) : [...list.rules, rule],
})

const NOW_TICK_MS = 30_000

export function AlertRulesPanel({ state, setState, api, visible, bus = ruleEditorBus, now: clock = Date.now, previewDelayMs }: AlertRulesPanelProps) {
  const me = useId()
  const [list, setList] = useState<LoadedRules | null>(null)
  const [listError, setListError] = useState<string | null>(null)
  const [reload, setReload] = useState(0)
  const [settings, setSettings] = useState<{ webhooks: Webhook[]; watchlists: string[] }>({ webhooks: [], watchlists: [] })
  const sectorInfo = useSectorInfo(api)
  const [editor, setEditor] = useState<EditorState>(freshEditor)
  const [attempted, setAttempted] = useState(false)
  const [server, setServer] = useState<ServerErrors | null>(null)
  const [notice, setNotice] = useState<Notice | null>(null)
  const [testResult, setTestResult] = useState<Notice | null>(null)
  const [busy, setBusy] = useState(false)
  const [confirmDelete, setConfirmDelete] = useState(false)
  /** A switch of rule waiting for "discard the unsaved changes?" (null: to a new rule). */
  const [pendingSwitch, setPendingSwitch] = useState<{ to: string | null } | null>(null)
  const [now, setNow] = useState(clock)

  const { draft, baseline } = editor
  const dirty = !sameRule(draft, baseline)
  const validation = useMemo(() => validateDraft(draft), [draft])
  // Callbacks from requests and the bus read the newest of these (and never depend on setState's identity).
  const latest = useRef({ state, setState, editor, dirty, list })
  latest.current = { state, setState, editor, dirty, list }

  useEffect(() => {
    const t = setInterval(() => setNow(clock()), NOW_TICK_MS)
    return () => clearInterval(t)
  }, [clock])

  // ------------------------------------------------------------ loading

  const openRule = useCallback(
    (rule: AlertRule | null) => {
      setEditor(rule ? { draft: draftFromRule(rule), baseline: draftFromRule(rule) } : freshEditor())
      setAttempted(false)
      setServer(null)
      setConfirmDelete(false)
      setPendingSwitch(null)
      setTestResult(null)
      const selectedId = rule?.id ?? null
      const { state: s, setState: set } = latest.current
      if (s.selectedId !== selectedId) set({ ...s, selectedId })
    },
    [],
  )

  useEffect(() => {
    let stopped = false
    api.invoke('alerts.rules.list', {}).then(
      (r) => {
        if (stopped) return
        if (!r.ok) return setListError(r.error.message)
        setListError(null)
        setList(r.value)
        const { state: s, editor: e, dirty: d } = latest.current
        if (s.selectedId === null) return
        const rule = r.value.rules.find((x) => x.id === s.selectedId)
        if (!rule) {
          if (e.baseline.id === s.selectedId) setEditor((cur) => ({ draft: { ...cur.draft, id: null }, baseline: freshEditor().baseline }))
          else openRule(null)
          setNotice({ text: 'The rule this panel showed no longer exists.', bad: true })
          latest.current.setState({ ...s, selectedId: null })
        } else if (e.baseline.id !== rule.id || !d) {
          // First load, or the rule changed elsewhere while this draft had no edits.
          if (e.baseline.id !== rule.id) openRule(rule)
          else setEditor({ draft: adoptUids(draftFromRule(rule), e.draft), baseline: adoptUids(draftFromRule(rule), e.draft) })
        }
      },
      (err: unknown) => {
        if (!stopped) setListError(err instanceof Error ? err.message : String(err))
      },
    )
    return () => {
      stopped = true
    }
  }, [api, reload, openRule])

  // Rules changed in another window or over REST: reload (the first push, on subscribe, is the baseline).
  useEffect(() => {
    let seen: number | null = null
    return api.subscribe('alertRules', {}, ({ version }) => {
      if (seen !== null && version !== seen) setReload((n) => n + 1)
      seen = version
    })
  }, [api])

  useEffect(() => {
    let stopped = false
    api.invoke('alerts.settings.get', {}).then(
      (r) => {
        if (!stopped && r.ok) setSettings({ webhooks: r.value.webhooks, watchlists: r.value.watchlists.map((w) => w.name) })
      },
      () => {},
    )
    return () => {
      stopped = true
    }
  }, [api])

  // Another panel saved or deleted a rule: reload the list.
  useEffect(
    () =>
      bus.subscribe((s, prev) => {
        if (s.rulesChanged && s.rulesChanged !== prev.rulesChanged && s.rulesChanged.by !== me) setReload((n) => n + 1)
      }),
    [bus, me],
  )

  const fired = useFiredToday(api, now)

  // ------------------------------------------------------------ selection

  const switchTo = (id: string | null) => {
    if (id === null) return openRule(null)
    const rule = latest.current.list?.rules.find((r) => r.id === id)
    if (!rule) return setNotice({ text: 'That rule no longer exists.', bad: true })
    setNotice(null)
    openRule(rule)
  }
  const requestSwitch = (id: string | null) => {
    if (id !== null && id === draft.id && !dirty) return
    if (dirty) setPendingSwitch({ to: id })
    else switchTo(id)
  }

  // "Open in the rule editor" from another panel.
  const request = useStore(bus, (s) => s.request)
  useEffect(() => bus.getState().register(), [bus])
  useEffect(() => {
    if (!request || !list) return
    // Several editors see one request: the first takes it.
    if (bus.getState().request?.seq !== request.seq) return
    bus.getState().take(request.seq)
    if (latest.current.dirty) setPendingSwitch({ to: request.ruleId })
    else switchTo(request.ruleId)
    // switchTo reads the latest state through refs.
  }, [request, list, bus])

  // ------------------------------------------------------------ edits

  const edit = (fn: (d: RuleDraft) => RuleDraft) => setEditor((e) => ({ ...e, draft: fn(e.draft) }))

  const shownErrors = useMemo(() => {
    const out: ErrorMap = {}
    if (server) for (const [t, m] of Object.entries(server.errors)) if (valueAtTarget(draft, t) === server.snapshot[t]) out[t] = m
    // A new rule's messages wait for the first edit or save; a saved rule's show at once.
    if ((attempted || dirty || draft.id !== null) && !validation.ok) Object.assign(out, validation.errors)
    return out
  }, [server, draft, attempted, dirty, validation])

  const preview = usePreview(api, validation.input, visible, previewDelayMs)

  // ------------------------------------------------------------ requests

  const run = async (what: string, fn: () => Promise<void>) => {
    setBusy(true)
    try {
      await fn()
    } catch (err) {
      setNotice({ text: `${what} failed: ${err instanceof Error ? err.message : String(err)}`, bad: true })
    } finally {
      setBusy(false)
    }
  }

  const save = (asNew: boolean) =>
    run('Save', async () => {
      setAttempted(true)
      const copyName = asNew && baseline.id !== null && draft.name.trim() === baseline.name.trim() ? `${draft.name.trim()} (copy)` : draft.name
      const sent: RuleDraft = asNew ? { ...draft, id: null, name: copyName } : draft
      const v = validateDraft(sent)
      if (!v.ok) return setNotice({ text: 'Not saved: fix the marked fields.', bad: true })
      const r = await api.invoke('alerts.rules.save', { rule: v.input })
      if (!r.ok) {
        if (r.error.fields) {
          const errors = engineErrors(sent, r.error.fields)
          setServer({ errors, snapshot: Object.fromEntries(Object.keys(errors).map((t) => [t, valueAtTarget(sent, t)])) })
        }
        return setNotice({ text: `Not saved: ${r.error.message}`, bad: true })
      }
      const saved = r.value.rule
      setList((l) => upsert(l ?? { rules: [], unreadable: [] }, saved))
      const next = adoptUids(draftFromRule(saved), sent)
      setEditor({ draft: next, baseline: next })
      setAttempted(false)
      setServer(null)
      setConfirmDelete(false)
      setTestResult(null)
      if (state.selectedId !== saved.id) setState({ ...state, selectedId: saved.id })
      setNotice({ text: asNew ? `Saved as a new rule: “${saved.name}”.` : `Saved “${saved.name}”.`, bad: false })
      bus.getState().changed(me)
    })

  const remove = () =>
    run('Delete', async () => {
      setConfirmDelete(false)
      const id = draft.id
      if (id === null) return
      const name = baseline.name
      const r = await api.invoke('alerts.rules.delete', { id })
      if (!r.ok) return setNotice({ text: `Not deleted: ${r.error.message}`, bad: true })
      setList((l) => (l ? { ...l, rules: l.rules.filter((x) => x.id !== id) } : l))
      openRule(null)
      setNotice({ text: `Deleted “${name}”.`, bad: false })
      bus.getState().changed(me)
    })

  const toggle = (rule: AlertRule, enabled: boolean) =>
    run(enabled ? 'Enable' : 'Disable', async () => {
      const r = await api.invoke('alerts.rules.save', { rule: { ...ruleToInput(rule), enabled } })
      if (!r.ok) return setNotice({ text: `“${rule.name}” not ${enabled ? 'enabled' : 'disabled'}: ${r.error.message}`, bad: true })
      const saved = r.value.rule
      setList((l) => (l ? upsert(l, saved) : l))
      setEditor((e) =>
        e.baseline.id !== saved.id
          ? e
          : { baseline: { ...e.baseline, enabled: saved.enabled }, draft: e.draft.enabled === e.baseline.enabled ? { ...e.draft, enabled: saved.enabled } : e.draft },
      )
      setNotice({ text: `“${saved.name}” ${saved.enabled ? 'enabled' : 'disabled'}.`, bad: false })
      bus.getState().changed(me)
    })

  const sendTest = () =>
    run('Test', async () => {
      if (draft.id === null) return
      const r = await api.invoke('alerts.rules.test', { id: draft.id })
      setTestResult(r.ok ? { text: describeTestAlert(r.value.alert), bad: r.value.alert.channels.some((c) => c.state === 'failed') } : { text: `Test failed: ${r.error.message}`, bad: true })
    })

  const snooze = (until: number | null) =>
    run('Snooze', async () => {
      if (draft.id === null) return
      const r = await api.invoke('alerts.rules.snooze', { id: draft.id, until })
      if (!r.ok) return setNotice({ text: `Not snoozed: ${r.error.message}`, bad: true })
      const saved = r.value.rule
      setList((l) => (l ? upsert(l, saved) : l))
      const snoozeUntil = saved.noise.snoozeUntil
      setEditor((e) => ({ baseline: { ...e.baseline, noise: { ...e.baseline.noise, snoozeUntil } }, draft: { ...e.draft, noise: { ...e.draft.noise, snoozeUntil } } }))
      setNotice({ text: snoozeUntil !== null && snoozeUntil > now ? `Snoozed until ${nyWhen(snoozeUntil, now)} NY.` : 'Snooze ended.', bad: false })
    })

  // ------------------------------------------------------------ view

  const options: BuilderOptions = useMemo(
    () => ({
      funds: sectorInfo.names.size > 0 ? [...sectorInfo.names].map(([fund, name]) => ({ fund, name })) : SECTOR_FUNDS.map((fund) => ({ fund, name: '' })),
      watchlists: settings.watchlists,
    }),
    [sectorInfo.names, settings.watchlists],
  )
  const saved = draft.id !== null

  return (
    <div className="ar" data-testid="alert-rules">
      <RuleList
        rules={list?.rules ?? []}
        unreadable={list?.unreadable ?? []}
        selectedId={draft.id}
        dirty={dirty}
        firedToday={fired.counts}
        firedCapped={fired.capped}
        now={now}
        busy={busy}
        onSelect={(id) => requestSwitch(id)}
        onNew={() => requestSwitch(null)}
        onToggle={(rule, enabled) => void toggle(rule, enabled)}
      />
      <div className="ar-editor" data-testid="ar-editor" data-rule-id={draft.id ?? ''}>
        {listError && (
          <div className="ar-notice bad" data-testid="ar-list-error">
            Rules could not be loaded: {listError}{' '}
            <button type="button" onClick={() => setReload((n) => n + 1)}>
              Retry
            </button>
          </div>
        )}
        <div className="ar-editor-head">
          <span className="ar-editor-title">{saved ? 'Rule' : 'New rule'}</span>
          <span className="ar-name-field">
            <input
              type="text"
              className={`ar-name ${errorAt(shownErrors, 'name') ? 'invalid' : ''}`}
              placeholder="Rule name"
              aria-label="Rule name"
              aria-invalid={Boolean(errorAt(shownErrors, 'name')) || undefined}
              maxLength={120}
              data-testid="ar-name"
              value={draft.name}
              onChange={(ev) => {
                const name = ev.target.value
                edit((d) => ({ ...d, name }))
              }}
            />
            <FieldError message={errorAt(shownErrors, 'name')} testId="ar-err-name" />
          </span>
          <label className="ar-check">
            <input type="checkbox" checked={draft.enabled} data-testid="ar-enabled" onChange={(ev) => edit((d) => ({ ...d, enabled: ev.target.checked }))} /> Enabled
          </label>
          {dirty && (
            <span className="ar-dirty" data-testid="ar-dirty" title="This rule has changes that are not saved">
              ● unsaved
            </span>
          )}
          <span className="ar-spacer" />
          <button type="button" className="primary" data-testid="ar-save" disabled={busy || (saved && !dirty)} onClick={() => void save(false)}>
            Save
          </button>
          <button type="button" data-testid="ar-save-new" disabled={busy} title="Save these settings as another rule" onClick={() => void save(true)}>
            Save as new
          </button>
          <button
            type="button"
            data-testid="ar-test"
            disabled={busy || !saved}
            title={!saved ? 'Save the rule first' : dirty ? 'Sends a test alert through the saved version’s channels' : 'Send a test alert through this rule’s channels'}
            onClick={() => void sendTest()}
          >
            Send test
          </button>
          <button type="button" className="danger" data-testid="ar-delete" disabled={busy || !saved} onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        </div>

        {pendingSwitch && (
          <div className="ar-confirm" role="alertdialog" aria-label="Unsaved changes" data-testid="ar-discard-confirm">
            <span>Discard the unsaved changes to “{draft.name.trim() || 'the new rule'}”?</span>
            <button type="button" className="danger" data-testid="ar-discard-ok" onClick={() => switchTo(pendingSwitch.to)}>
              Discard changes
            </button>
            <button type="button" data-testid="ar-discard-cancel" onClick={() => setPendingSwitch(null)}>
              Keep editing
            </button>
          </div>
        )}
        {confirmDelete && (
          <div className="ar-confirm" role="alertdialog" aria-label="Delete rule" data-testid="ar-delete-confirm">
            <span>Delete “{baseline.name}”? Its alerts stay in the history.</span>
            <button type="button" className="danger" data-testid="ar-delete-ok" onClick={() => void remove()}>
              Delete rule
            </button>
            <button type="button" data-testid="ar-delete-cancel" onClick={() => setConfirmDelete(false)}>
              Cancel
            </button>
          </div>
        )}
        {notice && (
          <div className={`ar-notice ${notice.bad ? 'bad' : ''}`} role="status" data-testid="ar-notice">
            {notice.text}
          </div>
        )}
        {testResult && (
          <div className={`ar-notice ${testResult.bad ? 'bad' : ''}`} role="status" data-testid="ar-test-result">
            {testResult.text}
          </div>
        )}

        <section className="ar-section" aria-label="Conditions">
          <h3>
            Conditions <span className="dim">drag from the palette, or + Add</span>
          </h3>
          <ConditionBuilder
            root={draft.when}
            onChange={(when) => edit((d) => ({ ...d, when }))}
            errors={shownErrors}
            options={options}
            onRefused={(reason) => setNotice({ text: `Cannot do that: ${reason}.`, bad: true })}
          />
        </section>

        <PreviewBox state={preview} />

        <div className="ar-settings">
          <ChannelsSection actions={draft.actions} onChange={(actions) => edit((d) => ({ ...d, actions }))} errors={shownErrors} webhooks={settings.webhooks} />
          <NoiseSection
            noise={draft.noise}
            onChange={(noise) => edit((d) => ({ ...d, noise }))}
            errors={shownErrors}
            emailOn={draft.actions.email}
            saved={saved}
            now={now}
            busy={busy}
            onSnooze={(until) => void snooze(until)}
          />
        </div>
      </div>
    </div>
  )
}

/** "Test alert: desktop sent · toast pending · webhook ntfy failed (timeout)". */
export function describeTestAlert(alert: Alert): string {
  if (alert.suppressedBy) return `Test alert #${alert.id} held back by ${SUPPRESSION_WORDS[alert.suppressedBy]}.`
  if (alert.channels.length === 0) return `Test alert #${alert.id} recorded: the rule has no channel on.`
  const parts = alert.channels.map((c) => `${c.channel}${c.target ? ` ${c.target}` : ''} ${c.state}${c.reason ? ` (${c.reason})` : ''}`)
  return `Test alert #${alert.id}: ${parts.join(' · ')}`
}
