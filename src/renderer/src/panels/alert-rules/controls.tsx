/**
 * The editor's small inputs: toggle chips (any of), include/exclude chips,
 * number and list fields that keep what the trader typed while it is still
 * being typed, a two-thumb range slider, and a message under a field.
 */
import { useId, useState, type ReactNode } from 'react'

// ---------------------------------------------------------------- chips

export interface ChipOption<T extends string> {
  value: T
  label: ReactNode
  title?: string
}

/** A row of toggles for an "any of" list. */
export function Chips<T extends string>({
  label,
  options,
  selected,
  onChange,
  testIdPrefix,
}: {
  label: string
  options: readonly ChipOption<T>[]
  selected: readonly T[]
  onChange(next: T[]): void
  testIdPrefix: string
}) {
  const toggle = (v: T) => {
    const on = selected.includes(v)
    // Keep the options' order whatever order they were clicked in.
    onChange(options.map((o) => o.value).filter((x) => (x === v ? !on : selected.includes(x))))
  }
  return (
    <div className="ar-chips" role="group" aria-label={label}>
      {options.map((o) => {
        const on = selected.includes(o.value)
        return (
          <button
            key={o.value}
            type="button"
            className={`ar-chip ${on ? 'on' : ''}`}
            aria-pressed={on}
            title={o.title}
            data-testid={`${testIdPrefix}-${o.value}`}
            onClick={() => toggle(o.value)}
          >
            {o.label}
          </button>
        )
      })}
    </div>
  )
}

export type TriState = 'off' | 'include' | 'exclude'

/**
 * Chips that include or exclude: a click includes, a second excludes, a third
 * clears (the title says so; the state is in the label for screen readers).
 */
export function IncludeExcludeChips({
  label,
  options,
  include,
  exclude,
  onChange,
  testIdPrefix,
}: {
  label: string
  options: readonly ChipOption<string>[]
  include: readonly string[]
  exclude: readonly string[]
  onChange(include: string[], exclude: string[]): void
  testIdPrefix: string
}) {
  const stateOf = (v: string): TriState => (include.includes(v) ? 'include' : exclude.includes(v) ? 'exclude' : 'off')
  const cycle = (v: string) => {
    const next: TriState = { off: 'include', include: 'exclude', exclude: 'off' }[stateOf(v)] as TriState
    const order = options.map((o) => o.value)
    const inc = order.filter((x) => (x === v ? next === 'include' : include.includes(x)))
    const exc = order.filter((x) => (x === v ? next === 'exclude' : exclude.includes(x)))
    onChange(inc, exc)
  }
  return (
    <div className="ar-chips" role="group" aria-label={label}>
      {options.map((o) => {
        const s = stateOf(o.value)
        const word = s === 'include' ? 'included' : s === 'exclude' ? 'excluded' : 'not used'
        return (
          <button
            key={o.value}
            type="button"
            className={`ar-chip tri-${s}`}
            data-state={s}
            aria-label={`${o.value}: ${word}`}
            title={`${o.title ?? o.value}: ${word}. Click to ${s === 'off' ? 'include' : s === 'include' ? 'exclude' : 'clear'}.`}
            data-testid={`${testIdPrefix}-${o.value}`}
            onClick={() => cycle(o.value)}
          >
            {s === 'include' && <span aria-hidden="true">✓ </span>}
            {s === 'exclude' && <span aria-hidden="true">✕ </span>}
            {o.label}
          </button>
        )
      })}
    </div>
  )
}

// ---------------------------------------------------------------- typed fields

/** '' -> undefined, a number -> it, anything else -> NaN (the schema names it). */
export function parseNumber(text: string): number | undefined {
  const t = text.trim()
  if (t === '') return undefined
  const n = Number(t)
  return Number.isFinite(n) ? n : Number.NaN
}

const same = (a: number | undefined, b: number | undefined) => a === b || (a !== undefined && b !== undefined && Number.isNaN(a) && Number.isNaN(b))

/** A number field: empty is "none"; the text stays as typed while it means the value the draft holds. */
export function NumberInput({
  value,
  onChange,
  label,
  testId,
  placeholder,
  invalid,
  disabled,
  width = 64,
  step,
}: {
  value: number | null | undefined
  onChange(value: number | undefined): void
  label: string
  testId: string
  placeholder?: string
  invalid?: boolean
  disabled?: boolean
  width?: number
  step?: number
}) {
  const v = value ?? undefined
  const [text, setText] = useState(() => (v === undefined ? '' : String(v)))
  // The draft changed under us (another edit, a reload): show its value.
  if (!same(parseNumber(text), v) && !(v !== undefined && Number.isNaN(v))) {
    setText(v === undefined ? '' : String(v))
  }
  return (
    <input
      type="text"
      inputMode="decimal"
      className={`ar-num ${invalid ? 'invalid' : ''}`}
      style={{ width }}
      aria-label={label}
      aria-invalid={invalid || undefined}
      placeholder={placeholder}
      data-testid={testId}
      disabled={disabled}
      value={text}
      step={step}
      onChange={(ev) => {
        setText(ev.target.value)
        onChange(parseNumber(ev.target.value))
      }}
    />
  )
}

export function parseList(text: string): string[] {
  return text
    .split(/[\s,;]+/)
    .map((s) => s.trim().toUpperCase())
    .filter((s) => s.length > 0)
}

/** Symbols typed as "AAPL, MSFT NVDA": the list is sent, the text kept while typing. */
export function ListInput({
  value,
  onChange,
  label,
  testId,
  placeholder,
  invalid,
}: {
  value: readonly string[]
  onChange(value: string[]): void
  label: string
  testId: string
  placeholder?: string
  invalid?: boolean
}) {
  const [text, setText] = useState(() => value.join(', '))
  if (parseList(text).join(',') !== value.join(',')) setText(value.join(', '))
  return (
    <input
      type="text"
      className={`ar-list ${invalid ? 'invalid' : ''}`}
      aria-label={label}
      aria-invalid={invalid || undefined}
      placeholder={placeholder}
      spellCheck={false}
      autoComplete="off"
      data-testid={testId}
      value={text}
      onChange={(ev) => {
        setText(ev.target.value.toUpperCase())
        onChange(parseList(ev.target.value))
      }}
    />
  )
}

// ---------------------------------------------------------------- range slider

/**
 * Two thumbs over one track (two range inputs stacked): each keeps its own
 * label and arrow keys; the low thumb never passes the high one.
 */
export function RangeSlider({
  label,
  min,
  max,
  step,
  low,
  high,
  onChange,
  format,
  testId,
}: {
  label: string
  min: number
  max: number
  step: number
  low: number
  high: number
  onChange(low: number, high: number): void
  format(v: number): string
  testId: string
}) {
  const span = max - min
  const lo = ((low - min) / span) * 100
  const hi = ((high - min) / span) * 100
  const snap = (v: number) => Math.round(v / step) * step
  const fix = (v: number) => Number(snap(v).toFixed(6))
  return (
    <div className="ar-range" data-testid={testId}>
      <div className="ar-range-track">
        <div className="ar-range-fill" style={{ left: `${lo}%`, width: `${Math.max(0, hi - lo)}%` }} />
        <input
          type="range"
          min={min}
          max={max}
          step={step}
          value={low}
          aria-label={`${label} from`}
          aria-valuetext={format(low)}
          data-testid={`${testId}-low`}
          onChange={(ev) => onChange(Math.min(fix(Number(ev.target.value)), high), high)}
        />
        <input
          type="range"
          min={min}
          max={max}
          step={step}
          value={high}
          aria-label={`${label} to`}
          aria-valuetext={format(high)}
          data-testid={`${testId}-high`}
          onChange={(ev) => onChange(low, Math.max(fix(Number(ev.target.value)), low))}
        />
      </div>
      <span className="ar-range-text num" data-testid={`${testId}-text`}>
        {format(low)} – {format(high)}
      </span>
    </div>
  )
}

// ---------------------------------------------------------------- messages

export function FieldError({ message, testId }: { message: string | undefined; testId?: string }) {
  if (!message) return null
  return (
    <span className="ar-field-error" role="alert" data-testid={testId ?? 'ar-field-error'}>
      {message}
    </span>
  )
}

/** A label with its control and the control's message. */
export function Field({ label, error, children, errorTestId, hint }: { label: string; error?: string; children: ReactNode; errorTestId?: string; hint?: string }) {
  const id = useId()
  return (
    <div className={`ar-field ${error ? 'has-error' : ''}`} role="group" aria-labelledby={id}>
      <span className="ar-field-label" id={id} title={hint}>
        {label}
      </span>
      <span className="ar-field-control">{children}</span>
      <FieldError message={error} testId={errorTestId} />
    </div>
  )
}
