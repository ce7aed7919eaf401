/**
 * The lightweight-charts side of a chart: candles, volume on its own scale,
 * pattern markers, level price lines, the regime band behind them, colours read from the theme's CSS
 * variables (and re-read when the theme changes), crosshair hover and clicks
 * reported by bar key, and a call when the user scrolls to the left edge.
 * One view per (symbol, timeframe); dispose() removes the chart.
 */
import {
  CandlestickSeries,
  ColorType,
  CrosshairMode,
  HistogramSeries,
  LineStyle,
  createChart,
  createSeriesMarkers,
  type CandlestickData,
  type HistogramData,
  type IPriceLine,
  type MouseEventParams,
  type SeriesMarker,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts'
import type { BarTimeframe, Tier } from '../../../../shared/domain'
import { formatChartTime, isDailyOrWeekly, timeKey, type ChartTime, type DisplayBar } from './chart-model'
import type { ChartSink } from './chart-session'
import { levelColor, markerStyle, type LevelLine, type LevelPalette, type MarkerPalette, type PatternMarker } from './markers'
import { RegimeBandPrimitive, type RegimePalette } from './regime-band-primitive'

export interface ChartViewCallbacks {
  /** The visible range reached the oldest bars. */
  onNearLeftEdge(): void
  /** The crosshair moved to another bar (null: off the bars); x in px from the chart's left. */
  onHover(barKey: string | null, x: number | null): void
  onClick(barKey: string | null): void
}

export interface ChartView extends ChartSink {
  dispose(): void
}

export type ChartViewFactory = (host: HTMLElement, timeframe: BarTimeframe, callbacks: ChartViewCallbacks) => ChartView

/** Bars from the left edge at which the next page is asked for. */
const LEFT_EDGE_BARS = 10
/** Empty bars kept right of the newest one. */
const RIGHT_OFFSET_BARS = 4

/**
 * Whether a first load should be fitted to the width: at the default spacing its bars
 * (and the right offset) would leave part of the pane empty, e.g. today's few intraday bars.
 * A longer series keeps the default spacing, right-aligned. 0 px wide: not laid out yet, decide later.
 */
export function shouldFitContent(bars: number, widthPx: number, barSpacingPx: number, rightOffsetBars: number): boolean {
  return bars > 0 && widthPx > 0 && (bars + rightOffsetBars) * barSpacingPx < widthPx
}

export interface ChartPalette {
  bg: string
  text: string
  grid: string
  up: string
  down: string
  upVolume: string
  downVolume: string
  markers: MarkerPalette
  levels: LevelPalette
  regime: RegimePalette
}

/** The band is a tint: strong enough to read the regime, faint enough for the candles to stay the subject (a dark background needs more). */
const REGIME_ALPHA = { dark: 0.15, light: 0.1 }

/** Whether a `#rgb` / `#rrggbb` colour is dark (relative luminance below one half); other notations count as dark. */
export function isDarkColor(color: string): boolean {
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(color.trim())
  if (!m) return true
  const hex = m[1]!.length === 3 ? [...m[1]!].map((ch) => ch + ch).join('') : m[1]!
  const n = Number.parseInt(hex, 16)
  const lin = (c: number) => (c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4)
  const l = 0.2126 * lin(((n >> 16) & 255) / 255) + 0.7152 * lin(((n >> 8) & 255) / 255) + 0.0722 * lin((n & 255) / 255)
  return l < 0.5
}

const FALLBACK: Record<string, string> = {
  '--bg-panel': '#141922',
  '--text': '#d6dce6',
  '--text-dim': '#7d8799',
  '--line': '#262e3d',
  '--accent': '#4c9aff',
  '--ok': '#3fb950',
  '--warn': '#d29922',
  '--bad': '#f85149',
  '--demo': '#a371f7',
}

/** `#rgb` / `#rrggbb` with an alpha, as rgba(); anything else unchanged. */
export function withAlpha(color: string, alpha: number): string {
  const c = color.trim()
  const m = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(c)
  if (!m) return c
  const hex = m[1]!.length === 3 ? [...m[1]!].map((ch) => ch + ch).join('') : m[1]!
  const n = Number.parseInt(hex, 16)
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`
}

/** The chart's colours from the CSS variables in force at `el` (dark and light themes alike). */
export function readPalette(el: Element): ChartPalette {
  const css = getComputedStyle(el)
  const v = (name: string) => css.getPropertyValue(name).trim() || FALLBACK[name]!
  const up = v('--ok')
  const down = v('--bad')
  const tier: Record<Tier, string> = { daily: v('--accent'), intraday: v('--warn'), combo: v('--demo') }
  const bg = v('--bg-panel')
  const tint = isDarkColor(bg) ? REGIME_ALPHA.dark : REGIME_ALPHA.light
  return {
    bg,
    text: v('--text-dim'),
    grid: withAlpha(v('--line'), 0.6),
    up,
    down,
    upVolume: withAlpha(up, 0.35),
    downVolume: withAlpha(down, 0.35),
    markers: { up, down, tier },
    levels: { entry: v('--accent'), stop: down, target: up, support: v('--text-dim'), resistance: v('--text-dim'), other: v('--warn') },
    regime: { Bull: withAlpha(up, tint), Bear: withAlpha(down, tint), Consolidation: withAlpha(v('--warn'), tint) },
  }
}

const toTime = (t: ChartTime): Time => (typeof t === 'number' ? (t as UTCTimestamp) : t)

const keyOf = (t: Time | undefined): string | null => {
  if (t === undefined) return null
  if (typeof t === 'string') return t
  return timeKey(t as ChartTime)
}

export const createLightweightChartView: ChartViewFactory = (host, timeframe, cb) => {
  let palette = readPalette(host)
  const chart = createChart(host, {
    autoSize: true,
    layout: { background: { type: ColorType.Solid, color: palette.bg }, textColor: palette.text, fontSize: 11 },
    grid: { vertLines: { color: palette.grid }, horzLines: { color: palette.grid } },
    crosshair: { mode: CrosshairMode.Normal },
    rightPriceScale: { borderColor: palette.grid, scaleMargins: { top: 0.08, bottom: 0.24 } },
    timeScale: { borderColor: palette.grid, timeVisible: !isDailyOrWeekly(timeframe), secondsVisible: false, rightOffset: RIGHT_OFFSET_BARS },
    localization: { timeFormatter: (t: Time) => (typeof t === 'string' ? t : formatChartTime(t as ChartTime, timeframe)) },
  })
  const candles = chart.addSeries(CandlestickSeries, {
    upColor: palette.up,
    downColor: palette.down,
    wickUpColor: palette.up,
    wickDownColor: palette.down,
    borderVisible: false,
  })
  const volume = chart.addSeries(HistogramSeries, {
    priceFormat: { type: 'volume' },
    priceScaleId: '',
    lastValueVisible: false,
    priceLineVisible: false,
  })
  volume.priceScale().applyOptions({ scaleMargins: { top: 0.8, bottom: 0 } })
  const markerApi = createSeriesMarkers(candles, [])
  const band = new RegimeBandPrimitive(palette.regime)
  candles.attachPrimitive(band)

  let markers: readonly PatternMarker[] = []
  let levels: readonly LevelLine[] = []
  let priceLines: IPriceLine[] = []
  let hoverKey: string | null = null
  let disposed = false
  /** A first load arrived before the chart had a width: decide on fitting at the first size. */
  let fitWhenSized = false

  const candle = (p: DisplayBar): CandlestickData => ({ time: toTime(p.time), open: p.open, high: p.high, low: p.low, close: p.close })
  const vol = (p: DisplayBar): HistogramData => ({
    time: toTime(p.time),
    value: p.volume,
    color: p.close >= p.open ? palette.upVolume : palette.downVolume,
  })

  const drawMarkers = () => {
    markerApi.setMarkers(
      markers.map((m): SeriesMarker<Time> => {
        const s = markerStyle(m.direction, m.tier, palette.markers)
        return { id: m.id, time: toTime(m.time), position: s.position, shape: s.shape, color: s.color, text: m.text }
      }),
    )
  }
  const drawLevels = () => {
    for (const line of priceLines) candles.removePriceLine(line)
    priceLines = levels.map((l) =>
      candles.createPriceLine({
        price: l.price,
        title: l.title,
        color: levelColor(l.kind, palette.levels),
        lineWidth: 1,
        lineStyle: l.kind === 'support' || l.kind === 'resistance' ? LineStyle.Dotted : LineStyle.Dashed,
        axisLabelVisible: true,
      }),
    )
  }

  const timeScale = chart.timeScale()
  const fitIfShort = () => {
    const o = timeScale.options()
    if (shouldFitContent(candles.data().length, timeScale.width(), o.barSpacing, o.rightOffset)) timeScale.fitContent()
  }
  const onSize = (width: number) => {
    if (!fitWhenSized || width <= 0) return
    fitWhenSized = false
    fitIfShort()
  }

  const onRange = (range: { from: number; to: number } | null) => {
    if (range && range.from < LEFT_EDGE_BARS) cb.onNearLeftEdge()
  }
  const onMove = (param: MouseEventParams<Time>) => {
    const key = param.point ? keyOf(param.time) : null
    if (key === hoverKey) return
    hoverKey = key
    cb.onHover(key, param.point?.x ?? null)
  }
  const onClick = (param: MouseEventParams<Time>) => cb.onClick(keyOf(param.time))
  timeScale.subscribeVisibleLogicalRangeChange(onRange)
  timeScale.subscribeSizeChange(onSize)
  chart.subscribeCrosshairMove(onMove)
  chart.subscribeClick(onClick)

  // The shell switches theme by changing attributes on <html> or <body>: re-read the colours then.
  const applyTheme = () => {
    if (disposed) return
    palette = readPalette(host)
    chart.applyOptions({
      layout: { background: { type: ColorType.Solid, color: palette.bg }, textColor: palette.text },
      grid: { vertLines: { color: palette.grid }, horzLines: { color: palette.grid } },
      rightPriceScale: { borderColor: palette.grid },
      timeScale: { borderColor: palette.grid },
    })
    candles.applyOptions({ upColor: palette.up, downColor: palette.down, wickUpColor: palette.up, wickDownColor: palette.down })
    // Volume colours are per bar: recolour what is drawn (both series hold the same times).
    const cs = candles.data() as readonly CandlestickData[]
    volume.setData(
      (volume.data() as readonly HistogramData[]).map((v, i) => {
        const c = cs[i]
        return { time: v.time, value: v.value, color: c && c.close >= c.open ? palette.upVolume : palette.downVolume }
      }),
    )
    drawMarkers()
    drawLevels()
    band.setPalette(palette.regime)
  }
  const observer = new MutationObserver(applyTheme)
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['class', 'data-theme', 'style'] })
  observer.observe(document.body, { attributes: true, attributeFilter: ['class', 'data-theme', 'style'] })

  return {
    setBars(points, firstLoad) {
      candles.setData(points.map(candle))
      volume.setData(points.map(vol))
      if (!firstLoad) return
      if (timeScale.width() > 0) fitIfShort()
      else fitWhenSized = true
    },
    updateBar(point, historical) {
      candles.update(candle(point), historical)
      volume.update(vol(point), historical)
    },
    setMarkers(next) {
      markers = next
      drawMarkers()
    },
    setLevels(next) {
      levels = next
      drawLevels()
    },
    setRegimeBand(runs) {
      band.setRuns(runs)
    },
    dispose() {
      if (disposed) return
      disposed = true
      observer.disconnect()
      timeScale.unsubscribeVisibleLogicalRangeChange(onRange)
      timeScale.unsubscribeSizeChange(onSize)
      chart.unsubscribeCrosshairMove(onMove)
      chart.unsubscribeClick(onClick)
      markerApi.detach()
      candles.detachPrimitive(band)
      chart.remove()
    },
  }
}
