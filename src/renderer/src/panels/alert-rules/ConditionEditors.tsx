/** The body of each condition card: one small editor per condition kind. */
import { MARKET_REGIMES, SESSIONS, type Condition } from '../../../../shared/alerts'
import { PRIORITIES, ROTATION_QUADRANTS, TIERS, type Priority } from '../../../../shared/domain'
import { Chips, IncludeExcludeChips, ListInput, NumberInput, RangeSlider } from './controls'
import { PatternPicker } from './PatternPicker'
import { assertNever, sessionWord } from './rule-model'

export interface BuilderOptions {
  /** Sector funds with their names (from `sectors.table`; the bare funds until it answers). */
  funds: readonly { fund: string; name: string }[]
  /** Watchlist names from the alert settings. */
  watchlists: readonly string[]
}

const TIER_LABEL = { daily: 'Daily', intraday: 'Intraday', combo: 'Combo' } as const
const SESSION_HOURS = { pre: '04:00–09:30', regular: '09:30–16:00', after: '16:00–20:00' } as const
const PRIORITY_HINT: Record<Priority, string> = { LOW: 'any', MEDIUM: 'confidence ≥ 70%', HIGH: 'confidence ≥ 80%', CRITICAL: 'confidence ≥ 90%' }

const pct = (v: number) => `${Math.round(v)}%`
const risk = (v: number) => (v > 0 ? `+${v.toFixed(2)}` : v.toFixed(2))
const round2 = (v: number) => Math.round(v * 100) / 100

export interface ConditionBodyProps {
  condition: Condition
  onChange(next: Condition): void
  options: BuilderOptions
  /** Fields with a message (their inputs are marked). */
  invalid: ReadonlySet<string>
  /** Prefix for test ids, unique per card. */
  testId: string
}

export function ConditionBody({ condition: c, onChange, options, invalid, testId }: ConditionBodyProps) {
  switch (c.kind) {
    case 'pattern':
      return (
        <PatternPicker
          names={c.names ?? []}
          kinds={c.kinds}
          directions={c.directions}
          onChange={(next) => onChange({ kind: 'pattern', names: next.names, kinds: next.kinds, directions: next.directions })}
        />
      )
    case 'tier':
      return <Chips label="Tiers" options={TIERS.map((t) => ({ value: t, label: TIER_LABEL[t] }))} selected={c.tiers} onChange={(tiers) => onChange({ ...c, tiers })} testIdPrefix="chip-tier" />
    case 'confluence':
      return (
        <Chips
          label="Tiers within the confluence window"
          options={[
            { value: '2', label: '2+ tiers', title: 'The symbol hit in at least two tiers within the window' },
            { value: '3', label: 'all 3 tiers' },
          ]}
          selected={[String(c.minTiers) as '2' | '3']}
          onChange={(next) => {
            const v = next.find((x) => x !== String(c.minTiers))
            if (v) onChange({ ...c, minTiers: Number(v) })
          }}
          testIdPrefix="chip-confluence"
        />
      )
    case 'symbol':
      return (
        <div className="ar-stack">
          <label className="ar-inline">
            <span className="ar-sub">Only</span>
            <ListInput value={c.include ?? []} onChange={(include) => onChange({ ...c, include })} label="Symbols to include" testId={`${testId}-include`} placeholder="AAPL, MSFT…" invalid={hasField(invalid, 'include')} />
          </label>
          <label className="ar-inline">
            <span className="ar-sub">Never</span>
            <ListInput value={c.exclude ?? []} onChange={(exclude) => onChange({ ...c, exclude })} label="Symbols to exclude" testId={`${testId}-exclude`} placeholder="TSLA…" invalid={hasField(invalid, 'exclude')} />
          </label>
        </div>
      )
    case 'watchlist': {
      const names = [...new Set([...options.watchlists, ...(c.include ?? []), ...(c.exclude ?? [])])]
      if (names.length === 0) return <span className="dim">No watchlists yet: add them in the alert settings.</span>
      return (
        <IncludeExcludeChips
          label="Watchlists"
          options={names.map((n) => ({ value: n, label: n, title: options.watchlists.includes(n) ? n : `${n} (not in the settings any more)` }))}
          include={c.include ?? []}
          exclude={c.exclude ?? []}
          onChange={(include, exclude) => onChange({ ...c, include, exclude })}
          testIdPrefix="chip-watchlist"
        />
      )
    }
    case 'sector':
      return (
        <IncludeExcludeChips
          label="Sectors"
          options={options.funds.map((f) => ({ value: f.fund, label: f.name ? `${f.fund} ${f.name}` : f.fund, title: f.name ? `${f.fund} (${f.name})` : f.fund }))}
          include={c.include ?? []}
          exclude={c.exclude ?? []}
          onChange={(include, exclude) => onChange({ ...c, include: include as typeof c.include, exclude: exclude as typeof c.exclude })}
          testIdPrefix="chip-sector"
        />
      )
    case 'confidence':
      return (
        <RangeSlider
          label="Confidence"
          min={0}
          max={100}
          step={1}
          low={Math.round((c.min ?? 0) * 100)}
          high={Math.round((c.max ?? 1) * 100)}
          format={pct}
          testId={`${testId}-confidence`}
          onChange={(lo, hi) => onChange({ kind: 'confidence', min: lo > 0 ? lo / 100 : undefined, max: hi < 100 ? hi / 100 : undefined })}
        />
      )
    case 'priority':
      return (
        <label className="ar-inline">
          <select aria-label="Lowest priority" data-testid={`${testId}-priority`} value={c.min} onChange={(ev) => onChange({ ...c, min: ev.target.value as Priority })}>
            {PRIORITIES.map((p) => (
              <option key={p} value={p}>
                {p} ({PRIORITY_HINT[p]})
              </option>
            ))}
          </select>
          <span className="dim">{c.min === 'CRITICAL' ? 'only' : 'or above'}</span>
        </label>
      )
    case 'price':
      return (
        <span className="ar-inline">
          <span className="ar-sub">From $</span>
          <NumberInput value={c.min} onChange={(min) => onChange({ ...c, min })} label="Lowest price" testId={`${testId}-min`} placeholder="any" invalid={hasField(invalid, 'min')} />
          <span className="ar-sub">to $</span>
          <NumberInput value={c.max} onChange={(max) => onChange({ ...c, max })} label="Highest price" testId={`${testId}-max`} placeholder="any" invalid={hasField(invalid, 'max')} />
        </span>
      )
    case 'relVolume':
      return (
        <span className="ar-inline">
          <span className="ar-sub">At least</span>
          <NumberInput value={c.min} onChange={(min) => onChange({ ...c, min: min ?? Number.NaN })} label="Lowest relative volume" testId={`${testId}-min`} invalid={hasField(invalid, 'min')} />
          <span className="dim">× the average volume</span>
        </span>
      )
    case 'regime':
      return <Chips label="Regimes" options={MARKET_REGIMES.map((r) => ({ value: r, label: r }))} selected={c.in} onChange={(next) => onChange({ ...c, in: next })} testIdPrefix="chip-regime" />
    case 'risk':
      return (
        <div className="ar-stack">
          <RangeSlider
            label="Risk score"
            min={-1}
            max={1}
            step={0.05}
            low={c.above ?? -1}
            high={c.below ?? 1}
            format={risk}
            testId={`${testId}-risk`}
            onChange={(lo, hi) => onChange({ kind: 'risk', above: lo > -1 ? round2(lo) : undefined, below: hi < 1 ? round2(hi) : undefined })}
          />
          <span className="dim ar-scale">
            <span>risk-off −1</span>
            <span>{c.above !== undefined && c.below !== undefined ? `between ${risk(c.above)} and ${risk(c.below)}` : c.above !== undefined ? `above ${risk(c.above)}` : c.below !== undefined ? `below ${risk(c.below)}` : 'move a thumb'}</span>
            <span>+1 risk-on</span>
          </span>
        </div>
      )
    case 'quadrant':
      return <Chips label="Rotation quadrants" options={ROTATION_QUADRANTS.map((q) => ({ value: q, label: q }))} selected={c.in} onChange={(next) => onChange({ ...c, in: next })} testIdPrefix="chip-quadrant" />
    case 'session':
      return (
        <Chips
          label="Sessions"
          options={SESSIONS.map((s) => ({ value: s, label: sessionWord(s), title: `${SESSION_HOURS[s]} New York, weekdays` }))}
          selected={c.in}
          onChange={(next) => onChange({ ...c, in: next })}
          testIdPrefix="chip-session"
        />
      )
    default:
      return assertNever(c)
  }
}

function hasField(invalid: ReadonlySet<string>, field: string): boolean {
  for (const f of invalid) if (f === field || f.startsWith(`${field}.`)) return true
  return false
}
