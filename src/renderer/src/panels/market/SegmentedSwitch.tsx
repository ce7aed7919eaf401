import type { KeyboardEvent } from 'react'

export interface Segment<T extends string | number> {
  value: T
  label: string
  title?: string
}

export interface SegmentedSwitchProps<T extends string | number> {
  /** Accessible name of the group ("Window"). */
  label: string
  /** Shown before the buttons, dimmed ("Tail"); optional. */
  caption?: string
  segments: readonly Segment<T>[]
  value: T
  onChange(value: T): void
  /** Each button gets `data-testid="<prefix>-<value>"`. */
  testIdPrefix?: string
}

/**
 * A row of exclusive buttons (a radio group): the panels' small pickers for a
 * window, a tail length or a colouring. Arrow keys move the choice.
 */
export function SegmentedSwitch<T extends string | number>({ label, caption, segments, value, onChange, testIdPrefix }: SegmentedSwitchProps<T>) {
  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>) => {
    const step = ev.key === 'ArrowRight' || ev.key === 'ArrowDown' ? 1 : ev.key === 'ArrowLeft' || ev.key === 'ArrowUp' ? -1 : 0
    if (step === 0 || segments.length === 0) return
    ev.preventDefault()
    const i = segments.findIndex((s) => s.value === value)
    const next = segments[(Math.max(0, i) + step + segments.length) % segments.length]!
    onChange(next.value)
    const buttons = ev.currentTarget.querySelectorAll<HTMLButtonElement>('button')
    buttons[segments.indexOf(next)]?.focus()
  }
  const anyActive = segments.some((s) => s.value === value)
  return (
    <div className="market-switch" role="radiogroup" aria-label={label} onKeyDown={onKeyDown}>
      {caption && <span className="dim">{caption}</span>}
      {segments.map((s, i) => {
        const active = s.value === value
        return (
          <button
            key={s.value}
            type="button"
            role="radio"
            aria-checked={active}
            tabIndex={active || (!anyActive && i === 0) ? 0 : -1}
            className={active ? 'active' : ''}
            data-testid={testIdPrefix ? `${testIdPrefix}-${s.value}` : undefined}
            title={s.title}
            onClick={() => onChange(s.value)}
          >
            {s.label}
          </button>
        )
      })}
    </div>
  )
}
