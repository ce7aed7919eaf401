import { useState } from 'react'
import type { RotationQuadrant, SectorRotation } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { DrillHint } from './DrillHint'
import { formatFixed, placeLabels, quadrantOf, rrgPosition, rrgScale } from './market-model'
import { QueryLine } from './QueryLine'
import { SECTOR_DRILL_HINT } from './SectorHeatmapPanel'
import { SegmentedSwitch } from './SegmentedSwitch'
import { DAILY_PULSE_CAUSES, useMarketQuery, useMarketRefresh } from './use-market-query'
import './market.css'

export interface RotationGraphState {
  tailWeeks: number
}

export const TAIL_OPTIONS = [4, 8, 12] as const
const TAIL_SEGMENTS = TAIL_OPTIONS.map((n) => ({ value: n, label: `${n}w`, title: `Tails of the last ${n} weeks` }))

const W = 400
const H = 400
const PAD = 24

export interface RrgPoint {
  symbol: string
  sector: string
  rsRatio: number
  rsMomentum: number
  quadrant: RotationQuadrant
  x: number
  y: number
  tail: string
}

/** Sectors with a current point, placed on the graph (their tails ending at the point). */
export function rrgPoints(sectors: readonly SectorRotation[], width = W, height = H): RrgPoint[] {
  const placed = sectors.filter(
    (s): s is SectorRotation & { rsRatio: number; rsMomentum: number } =>
      s.rsRatio !== null && s.rsMomentum !== null && Number.isFinite(s.rsRatio) && Number.isFinite(s.rsMomentum),
  )
  const all = placed.flatMap((s) => [...s.tail, { rsRatio: s.rsRatio, rsMomentum: s.rsMomentum }])
  const scale = rrgScale(all, width, height, PAD)
  return placed.map((s) => {
    const pos = rrgPosition(scale, s.rsRatio, s.rsMomentum)
    const tail = [...s.tail.map((t) => rrgPosition(scale, t.rsRatio, t.rsMomentum)), pos].map((p) => `${p.x},${p.y}`).join(' ')
    return { symbol: s.symbol, sector: s.sector, rsRatio: s.rsRatio, rsMomentum: s.rsMomentum, quadrant: s.quadrant ?? quadrantOf(s.rsRatio, s.rsMomentum), ...pos, tail }
  })
}

const QUADRANTS: { q: RotationQuadrant; x: number; y: number; anchor: 'start' | 'end'; ty: number }[] = [
  { q: 'Improving', x: 0, y: 0, anchor: 'start', ty: 14 },
  { q: 'Leading', x: W / 2, y: 0, anchor: 'end', ty: 14 },
  { q: 'Lagging', x: 0, y: H / 2, anchor: 'start', ty: H - 6 },
  { q: 'Weakening', x: W / 2, y: H / 2, anchor: 'end', ty: H - 6 },
]

export function RotationGraphPanel({ api, visible, state, setState, link }: PanelProps<RotationGraphState>) {
  // Weekly relative strength from daily bars: intraday pulses change nothing here.
  const refresh = useMarketRefresh(api, visible, DAILY_PULSE_CAUSES)
  const q = useMarketQuery(api, 'market.sectors', { tailWeeks: state.tailWeeks }, visible, refresh)
  const [hover, setHover] = useState<string | null>(null)
  const points = rrgPoints(q.value?.sectors ?? [])
  const hovered = points.find((p) => p.symbol === hover) ?? points.find((p) => p.symbol === link.symbol) ?? null
  // The linked sector's label keeps the usual place; the others move aside rather than cover it.
  const labels = placeLabels([...points].sort((a, b) => Number(b.symbol === link.symbol) - Number(a.symbol === link.symbol)))
  return (
    <div className="market-panel rotation-graph" data-testid="rotation-graph">
      <QueryLine query={q} asOf={q.value?.asOf ?? null}>
        <SegmentedSwitch label="Tail length" caption="Tail" segments={TAIL_SEGMENTS} value={state.tailWeeks} onChange={(tailWeeks) => setState({ ...state, tailWeeks })} testIdPrefix="rrg-tail" />
      </QueryLine>
      {points.length > 0 && <DrillHint link={link} text={SECTOR_DRILL_HINT} />}
      <div className="rrg-readout num" data-testid="rrg-readout">
        {hovered ? (
          <>
            <strong>{hovered.symbol}</strong> {hovered.sector} · RS-Ratio {formatFixed(hovered.rsRatio)} · RS-Momentum {formatFixed(hovered.rsMomentum)} · <span className={`quad-text quad-${hovered.quadrant.toLowerCase()}`}>{hovered.quadrant}</span>
          </>
        ) : (
          <span className="dim">{q.value && points.length === 0 ? 'No sector rotation data.' : 'Hover a sector for its values.'}</span>
        )}
      </div>
      <svg className="rrg-svg" viewBox={`0 0 ${W} ${H}`} preserveAspectRatio="xMidYMid meet" role="group" aria-label="Relative rotation graph">
        {QUADRANTS.map((d) => (
          <g key={d.q} className={`rrg-quadrant quad-${d.q.toLowerCase()}`}>
            <rect x={d.x} y={d.y} width={W / 2} height={H / 2} />
            <text x={d.anchor === 'start' ? d.x + 6 : d.x + W / 2 - 6} y={d.ty} textAnchor={d.anchor}>
              {d.q}
            </text>
          </g>
        ))}
        <line className="rrg-axis" x1={0} x2={W} y1={H / 2} y2={H / 2} />
        <line className="rrg-axis" x1={W / 2} x2={W / 2} y1={0} y2={H} />
        <text className="rrg-axis-label" x={W - 4} y={H / 2 - 4} textAnchor="end">
          RS-Ratio →
        </text>
        <text className="rrg-axis-label" x={W / 2 + 4} y={H / 2 - 30}>
          ↑ RS-Momentum
        </text>
        {points.map((p) => (
          <g
            key={p.symbol}
            className={`rrg-sector quad-${p.quadrant.toLowerCase()} ${link.symbol === p.symbol ? 'selected' : ''} ${hover === p.symbol ? 'hovered' : ''}`}
            data-testid="rrg-point"
            data-symbol={p.symbol}
            data-quadrant={p.quadrant}
            role="button"
            tabIndex={0}
            aria-label={`${p.symbol} ${p.sector}, ${p.quadrant}`}
            aria-pressed={link.symbol === p.symbol}
            onClick={() => link.setSymbol(p.symbol)}
            onKeyDown={(ev) => {
              if (ev.key !== 'Enter' && ev.key !== ' ') return
              ev.preventDefault()
              link.setSymbol(p.symbol)
            }}
            onFocus={() => setHover(p.symbol)}
            onBlur={() => setHover((h) => (h === p.symbol ? null : h))}
            onMouseEnter={() => setHover(p.symbol)}
            onMouseLeave={() => setHover((h) => (h === p.symbol ? null : h))}
          >
            <title>{`${p.symbol} ${p.sector}: RS-Ratio ${formatFixed(p.rsRatio)}, RS-Momentum ${formatFixed(p.rsMomentum)} (${p.quadrant})`}</title>
            <polyline className="rrg-tail" points={p.tail} />
            {/* A wider, invisible target than the dot: easier to hit. */}
            <circle className="rrg-hit" cx={p.x} cy={p.y} r={11} />
            <circle className="rrg-dot" cx={p.x} cy={p.y} r={4.5} />
            <text className="rrg-label" x={labels.get(p.symbol)?.x ?? p.x + 7} y={labels.get(p.symbol)?.y ?? p.y - 6} textAnchor={labels.get(p.symbol)?.anchor ?? 'start'}>
              {p.symbol}
            </text>
          </g>
        ))}
      </svg>
    </div>
  )
}
