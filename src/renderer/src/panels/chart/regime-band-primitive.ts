/**
 * The regime band in lightweight-charts: a series primitive drawn in the
 * pane's bottom layer (behind the candles and volume), one full-height
 * rectangle per run of bars, from half a bar before its first bar to half a
 * bar after its last, so neighbouring runs meet without a gap.
 */
import type {
  IChartApiBase,
  IPrimitivePaneRenderer,
  IPrimitivePaneView,
  ISeriesPrimitive,
  Logical,
  SeriesAttachedParameter,
  Time,
} from 'lightweight-charts'
import type { MarketRegime } from '../../../../shared/domain'
import type { ChartTime } from './chart-model'
import type { RegimeRun } from './regime-band'

export type RegimePalette = Record<MarketRegime, string>

type DrawTarget = Parameters<IPrimitivePaneRenderer['draw']>[0]

interface Span {
  /** Media (CSS px) coordinates. */
  x1: number
  x2: number
  color: string
}

const toTime = (t: ChartTime): Time => t as Time

export class RegimeBandPrimitive implements ISeriesPrimitive<Time> {
  private runs: readonly RegimeRun[] = []
  private spans: Span[] = []
  private chart: IChartApiBase<Time> | null = null
  private requestUpdate: (() => void) | null = null
  private readonly renderer: IPrimitivePaneRenderer = { draw: (target) => this.draw(target) }
  private readonly views: readonly IPrimitivePaneView[]

  constructor(private palette: RegimePalette) {
    this.views = [{ zOrder: () => 'bottom', renderer: () => (this.spans.length > 0 ? this.renderer : null) }]
  }

  attached(param: SeriesAttachedParameter<Time>): void {
    this.chart = param.chart
    this.requestUpdate = param.requestUpdate
  }

  detached(): void {
    this.chart = null
    this.requestUpdate = null
  }

  paneViews(): readonly IPrimitivePaneView[] {
    return this.views
  }

  setRuns(runs: readonly RegimeRun[]): void {
    this.runs = runs
    this.updateAllViews()
    this.requestUpdate?.()
  }

  setPalette(palette: RegimePalette): void {
    this.palette = palette
    this.updateAllViews()
    this.requestUpdate?.()
  }

  /** The viewport or the data changed: recompute where each run lies. */
  updateAllViews(): void {
    const chart = this.chart
    this.spans = []
    if (!chart || this.runs.length === 0) return
    const ts = chart.timeScale()
    const width = ts.width()
    // Coordinates exist for whole logical indices only (a fraction maps to 0): half a bar from two neighbours.
    const origin = ts.logicalToCoordinate(0 as Logical)
    const next = ts.logicalToCoordinate(1 as Logical)
    if (origin === null || next === null) return
    const half = (next - origin) / 2
    for (const run of this.runs) {
      // Runs reference bars the series holds; one it does not hold yet (drawn while hidden) is skipped.
      const first = ts.timeToIndex(toTime(run.from), false)
      const last = ts.timeToIndex(toTime(run.to), false)
      if (first === null || last === null) continue
      const start = ts.logicalToCoordinate(first as number as Logical)
      const end = ts.logicalToCoordinate(last as number as Logical)
      if (start === null || end === null) continue
      const x1 = start - half
      const x2 = end + half
      if (x2 < 0 || x1 > width) continue
      this.spans.push({ x1: Math.max(0, x1), x2: Math.min(width, x2), color: this.palette[run.regime] })
    }
  }

  private draw(target: DrawTarget): void {
    target.useBitmapCoordinateSpace(({ context, bitmapSize, horizontalPixelRatio }) => {
      for (const s of this.spans) {
        // Rounded edges shared by neighbours: no seam and no overlap between runs.
        const x1 = Math.round(s.x1 * horizontalPixelRatio)
        const x2 = Math.round(s.x2 * horizontalPixelRatio)
        if (x2 <= x1) continue
        context.fillStyle = s.color
        context.fillRect(x1, 0, x2 - x1, bitmapSize.height)
      }
    })
  }
}
