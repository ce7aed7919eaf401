/**
 * Small drawings of the catalogue's patterns for the pattern picker: a few
 * candles for the main candlesticks (the shape a trader recognises), a line
 * sketch for chart patterns, and a generic figure per kind and direction for
 * the rest. Drawn in a 30 x 20 box, y up (flipped when drawn); colours come
 * from the theme through classes.
 */
import type { CatalogueEntry, PatternDirection, PatternKind } from '../../../../shared/pattern-catalogue'
import { assertNever } from './rule-model'
import './pattern-glyph.css'

/** One candle: open, high, low, close on a 0..20 scale. */
export type Candle = readonly [o: number, h: number, l: number, c: number]

export type Glyph =
  | { type: 'candles'; candles: readonly Candle[] }
  /** A price line; `guides` are dashed levels (a neckline, a range, VWAP). */
  | { type: 'line'; points: readonly (readonly [number, number])[]; guides?: readonly (readonly [number, number, number, number])[] }
  | { type: 'volume'; bars: readonly number[] }

const W = 30
const H = 20

/** The candlesticks, by canonical name. */
const CANDLES: Record<string, readonly Candle[]> = {
  Doji: [
    [9, 12, 7, 8],
    [7, 15, 3, 7.2],
    [8, 11, 6, 10],
  ],
  Hammer: [
    [18, 18.5, 14, 14.5],
    [15, 15.5, 10.5, 11],
    [8, 9.2, 2, 9],
  ],
  HangingMan: [
    [5, 8, 4, 7],
    [7, 11, 6.5, 10],
    [17, 18, 11, 18],
  ],
  ShootingStar: [
    [5, 8, 4, 7],
    [7, 11, 6.5, 10],
    [12, 19, 11.5, 11],
  ],
  BullishEngulfing: [
    [14, 15, 10, 11],
    [12, 14, 9, 10.5],
    [10, 17, 9.5, 16],
  ],
  BearishEngulfing: [
    [6, 10, 5, 9],
    [8, 11, 7, 9.5],
    [10, 11, 3, 4],
  ],
  Harami: [
    [16, 17, 5, 6],
    [9, 12, 8, 11],
  ],
  MorningStar: [
    [16, 17, 8, 9],
    [6, 7.5, 4, 5.5],
    [8, 16, 7.5, 15],
  ],
  EveningStar: [
    [4, 12, 3, 11],
    [14.5, 16, 12.5, 14],
    [12, 12.5, 4, 5],
  ],
  ThreeWhiteSoldiers: [
    [3, 8, 2.5, 7.5],
    [6.5, 12, 6, 11.5],
    [10.5, 16.5, 10, 16],
  ],
  ThreeBlackCrows: [
    [17, 17.5, 12, 12.5],
    [13.5, 14, 8, 8.5],
    [9.5, 10, 3.5, 4],
  ],
  PiercingLine: [
    [16, 16.5, 8, 8.5],
    [6, 14, 5, 13.5],
  ],
  DarkCloudCover: [
    [4, 12, 3.5, 11.5],
    [14, 15, 6, 6.5],
  ],
}

/** The chart patterns and a few others worth their own figure. */
const LINES: Record<string, Extract<Glyph, { type: 'line' }>> = {
  HeadAndShoulders: {
    type: 'line',
    points: [
      [1, 4],
      [6, 11],
      [9, 8],
      [15, 17],
      [20, 8],
      [24, 11],
      [29, 3],
    ],
    guides: [[3, 8, 27, 8]],
  },
  InverseHeadAndShoulders: {
    type: 'line',
    points: [
      [1, 16],
      [6, 9],
      [9, 12],
      [15, 3],
      [20, 12],
      [24, 9],
      [29, 17],
    ],
    guides: [[3, 12, 27, 12]],
  },
  DoubleBottom: {
    type: 'line',
    points: [
      [1, 17],
      [8, 4],
      [15, 12],
      [22, 4],
      [29, 17],
    ],
    guides: [[4, 4, 26, 4]],
  },
  DoubleTop: {
    type: 'line',
    points: [
      [1, 3],
      [8, 16],
      [15, 8],
      [22, 16],
      [29, 3],
    ],
    guides: [[4, 16, 26, 16]],
  },
  BullFlag: {
    type: 'line',
    points: [
      [1, 2],
      [10, 16],
      [13, 13],
      [15, 15],
      [18, 12],
      [20, 14],
      [23, 11],
      [29, 18],
    ],
  },
  Triangle: {
    type: 'line',
    points: [
      [1, 10],
      [5, 18],
      [10, 4],
      [15, 15],
      [19, 7],
      [23, 12],
      [26, 9],
    ],
    guides: [
      [4, 19, 28, 10.5],
      [4, 2, 28, 10.5],
    ],
  },
  SwingHighLow: {
    type: 'line',
    points: [
      [1, 5],
      [8, 15],
      [15, 7],
      [22, 17],
      [29, 9],
    ],
  },
  GapFill: {
    type: 'line',
    points: [
      [1, 6],
      [8, 8],
      [8, 15],
      [16, 14],
      [23, 10],
      [29, 8],
    ],
    guides: [[8, 8, 29, 8]],
  },
  HighOfDay: {
    type: 'line',
    points: [
      [1, 8],
      [8, 14],
      [14, 10],
      [21, 13],
      [29, 18],
    ],
    guides: [[1, 14, 24, 14]],
  },
  LowOfDay: {
    type: 'line',
    points: [
      [1, 12],
      [8, 6],
      [14, 10],
      [21, 7],
      [29, 2],
    ],
    guides: [[1, 6, 24, 6]],
  },
  VWAP_Break: {
    type: 'line',
    points: [
      [1, 6],
      [7, 8],
      [13, 7],
      [18, 10],
      [23, 14],
      [29, 16],
    ],
    guides: [[1, 10, 29, 10]],
  },
  MACrossover: {
    type: 'line',
    points: [
      [1, 15],
      [10, 10],
      [18, 8],
      [29, 11],
    ],
    guides: [[1, 6, 29, 15]],
  },
  IntradayGap: {
    type: 'line',
    points: [
      [1, 5],
      [12, 7],
      [12, 13],
      [29, 15],
    ],
  },
}

const BREAKOUT_BOX: readonly (readonly [number, number, number, number])[] = [
  [1, 13, 20, 13],
  [1, 7, 20, 7],
]

/** A figure for any pattern: its own when it has one, else its kind's, pointed its direction's way. */
export function glyphFor(entry: Pick<CatalogueEntry, 'name' | 'kind' | 'direction'>): Glyph {
  const candles = CANDLES[entry.name]
  if (candles) return { type: 'candles', candles }
  const line = LINES[entry.name]
  if (line) return line
  return genericGlyph(entry.kind, entry.direction)
}

export function genericGlyph(kind: PatternKind, direction: PatternDirection): Glyph {
  const up = direction !== 'bearish'
  const flip = (pts: readonly (readonly [number, number])[]) => (up ? pts : pts.map(([x, y]) => [x, H - y] as const))
  switch (kind) {
    case 'candlestick':
      return {
        type: 'candles',
        candles: direction === 'bullish' ? CANDLES.MorningStar! : direction === 'bearish' ? CANDLES.EveningStar! : CANDLES.Doji!,
      }
    case 'chart':
      return direction === 'neutral' ? LINES.Triangle! : { type: 'line', points: flip([[1, 4], [8, 10], [14, 6], [21, 12], [29, 17]]) }
    case 'breakout':
      return {
        type: 'line',
        points: flip([
          [1, 10],
          [5, 12],
          [9, 8],
          [13, 12],
          [17, 9],
          [22, 15],
          [29, 19],
        ]),
        guides: BREAKOUT_BOX,
      }
    case 'volume':
      return { type: 'volume', bars: [4, 5, 3, 6, 4, 5, 17, 6] }
    case 'trend':
      return direction === 'neutral'
        ? { type: 'line', points: [[1, 8], [8, 9], [14, 7], [18, 15], [22, 13], [29, 16]] }
        : { type: 'line', points: flip([[1, 3], [6, 6], [10, 5], [15, 10], [19, 9], [24, 14], [29, 17]]) }
    default:
      return assertNever(kind)
  }
}

const y = (v: number): number => H - v

function candleClass(c: Candle): string {
  const [o, , , cl] = c
  if (Math.abs(cl - o) < 0.5) return 'pg-flat'
  return cl > o ? 'pg-up' : 'pg-down'
}

/** The drawing as SVG: decorative (the picker names the pattern beside it). */
export function PatternGlyph({ entry, className }: { entry: Pick<CatalogueEntry, 'name' | 'kind' | 'direction'>; className?: string }) {
  const g = glyphFor(entry)
  return (
    <svg
      className={`pattern-glyph pg-${entry.direction} ${className ?? ''}`}
      viewBox={`0 0 ${W} ${H}`}
      width={W * 1.2}
      height={H * 1.2}
      aria-hidden="true"
      focusable="false"
      data-testid="pattern-glyph"
      data-glyph={g.type}
    >
      {g.type === 'candles' && <CandleShapes candles={g.candles} />}
      {g.type === 'line' && (
        <>
          {g.guides?.map(([x1, y1, x2, y2], i) => <line key={i} className="pg-guide" x1={x1} y1={y(y1)} x2={x2} y2={y(y2)} />)}
          <polyline className="pg-line" points={g.points.map(([px, py]) => `${px},${y(py)}`).join(' ')} />
        </>
      )}
      {g.type === 'volume' &&
        g.bars.map((v, i) => {
          const bw = W / g.bars.length
          const spike = v === Math.max(...g.bars)
          return <rect key={i} className={spike ? 'pg-spike' : 'pg-bar'} x={i * bw + 0.6} y={y(v)} width={bw - 1.2} height={v} />
        })}
    </svg>
  )
}

function CandleShapes({ candles }: { candles: readonly Candle[] }) {
  const slot = W / candles.length
  const bodyW = Math.min(6, slot * 0.55)
  return (
    <>
      {candles.map((c, i) => {
        const [o, h, l, cl] = c
        const cx = slot * i + slot / 2
        const top = Math.max(o, cl)
        const bottom = Math.min(o, cl)
        const cls = candleClass(c)
        return (
          <g key={i} className={cls}>
            <line className="pg-wick" x1={cx} x2={cx} y1={y(h)} y2={y(l)} />
            <rect className="pg-body" x={cx - bodyW / 2} y={y(top)} width={bodyW} height={Math.max(0.8, top - bottom)} />
          </g>
        )
      })}
    </>
  )
}

export const DIRECTION_ICON: Record<PatternDirection, string> = { bullish: '▲', bearish: '▼', neutral: '◆' }

export function DirectionIcon({ direction }: { direction: PatternDirection }) {
  return (
    <span className={`dir-icon dir-${direction}`} title={direction} aria-label={direction} role="img" data-testid="dir-icon" data-direction={direction}>
      {DIRECTION_ICON[direction]}
    </span>
  )
}
