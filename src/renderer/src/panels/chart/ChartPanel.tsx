import { useEffect, useRef, useState, type FormEvent } from 'react'
import { BAR_TIMEFRAMES, type BarTimeframe, type PatternEvent, type RegimePeriod } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { formatConfidence, formatNyTime } from '../format'
import { isDailyOrWeekly } from './chart-model'
import { ChartSession, initialChartStatus, type ChartStatus } from './chart-session'
import { createLightweightChartView, type ChartViewFactory } from './chart-view'
import { patternDirection } from './markers'
import { describeRegime, REGIME_SYMBOL, regimeBandOn } from './regime-band'
import './chart.css'

export interface ChartState {
  /** The panel's own symbol (shown when not linked; follows the link group otherwise). */
  symbol: string | null
  timeframe: BarTimeframe
  /** The regime band on daily and weekly charts: the trader's choice, or null for the default (on for SPY only). */
  regimeBand: boolean | null
}

export const SYMBOL_PATTERN = /^[A-Za-z0-9.\-^/]{1,16}$/

interface Hover {
  key: string
  x: number
  /** Chart width, to keep the tooltip inside it. */
  width: number
  events: readonly PatternEvent[]
}

const RECENT_LIST = 12
const TOOLTIP_ROWS = 8

export function ChartPanel(props: PanelProps<ChartState> & { createView?: ChartViewFactory }) {
  const { state, setState, link, api, visible, createView = createLightweightChartView } = props
  const symbol = link.symbol ?? state.symbol
  const timeframe = state.timeframe
  const hostRef = useRef<HTMLDivElement>(null)
  const sessionRef = useRef<ChartSession | null>(null)
  const [status, setStatus] = useState<ChartStatus>(initialChartStatus)
  const [hover, setHover] = useState<Hover | null>(null)
  // A selection belongs to one symbol: a new symbol (a row picked elsewhere) drops it.
  const [selected, setSelected] = useState<{ symbol: string; id: number } | null>(null)
  const selectedId = selected && selected.symbol === symbol ? selected.id : null
  const selectedRef = useRef(selectedId)
  selectedRef.current = selectedId
  const visibleRef = useRef(visible)
  visibleRef.current = visible
  const bandOn = regimeBandOn(symbol, timeframe, state.regimeBand)
  const bandOnRef = useRef(bandOn)
  bandOnRef.current = bandOn
  // The bar under the crosshair (the regime legend follows it).
  const [hoverKey, setHoverKey] = useState<string | null>(null)

  // The persisted symbol follows the link group, so the title and an unlinked panel keep it.
  useEffect(() => {
    if (link.symbol && link.symbol !== state.symbol) setState({ ...state, symbol: link.symbol })
  }, [link.symbol, state, setState])

  useEffect(() => {
    const host = hostRef.current
    setStatus(initialChartStatus)
    setHover(null)
    setHoverKey(null)
    if (!symbol || !host) return
    let session: ChartSession | null = null
    const view = createView(host, timeframe, {
      onNearLeftEdge: () => void session?.requestOlder(),
      onHover: (key, x) => {
        // Only the legend needs every bar the crosshair crosses: without the band, no re-render per bar.
        setHoverKey(bandOnRef.current ? key : null)
        const events = key && session ? session.patternsAt(key) : []
        setHover(key && x !== null && events.length > 0 ? { key, x, width: host.clientWidth, events } : null)
      },
      onClick: (key) => {
        const newest = key && session ? session.patternsAt(key)[0] : undefined
        if (newest) setSelected({ symbol, id: newest.id })
      },
    })
    session = new ChartSession({
      api,
      symbol,
      timeframe,
      sink: view,
      onStatus: setStatus,
      visible: visibleRef.current,
      selectedId: selectedRef.current,
      regimeBand: bandOnRef.current,
    })
    sessionRef.current = session
    session.start()
    return () => {
      session.dispose()
      view.dispose()
      sessionRef.current = null
    }
  }, [api, symbol, timeframe, createView])

  useEffect(() => sessionRef.current?.setVisible(visible), [visible])
  useEffect(() => sessionRef.current?.select(selectedId), [selectedId])
  useEffect(() => sessionRef.current?.setRegimeBand(bandOn), [bandOn])

  const [draft, setDraft] = useState(symbol ?? '')
  useEffect(() => setDraft(symbol ?? ''), [symbol])
  const submit = (e: FormEvent) => {
    e.preventDefault()
    const next = draft.trim().toUpperCase()
    if (!SYMBOL_PATTERN.test(next) || next === symbol) return
    setState({ ...state, symbol: next })
    link.setSymbol(next)
  }
  const badSymbol = draft.trim() !== '' && !SYMBOL_PATTERN.test(draft.trim())

  const empty = symbol !== null && status.phase === 'ready' && (status.source === 'none' || status.bars === 0)
  const levelsFrom = status.levelsFrom
  // The regime at the hovered bar; off the bars, the newest bar's.
  const hoveredRegime = status.regimeBand && hoverKey !== null ? (sessionRef.current?.regimeAt(hoverKey) ?? null) : null
  const legendRegime = status.regimeBand ? (hoverKey !== null ? hoveredRegime : status.regimeLatest) : null

  return (
    <div className="chart-panel" data-testid="chart-panel" data-symbol={symbol ?? ''} data-timeframe={timeframe}>
      <div className="chart-toolbar">
        <form onSubmit={submit} className="chart-symbol-form">
          <input
            className={badSymbol ? 'chart-symbol-input invalid' : 'chart-symbol-input'}
            data-testid="chart-symbol-input"
            aria-label="Symbol"
            placeholder="Symbol"
            spellCheck={false}
            autoComplete="off"
            value={draft}
            onChange={(e) => setDraft(e.target.value.toUpperCase())}
          />
        </form>
        <div className="chart-tfs" role="group" aria-label="Timeframe">
          {BAR_TIMEFRAMES.map((tf) => (
            <button
              key={tf}
              type="button"
              data-testid={`tf-${tf}`}
              aria-pressed={tf === timeframe}
              className={tf === timeframe ? 'active' : undefined}
              onClick={() => tf !== timeframe && setState({ ...state, symbol, timeframe: tf })}
            >
              {tf}
            </button>
          ))}
        </div>
        {isDailyOrWeekly(timeframe) && (
          <button
            type="button"
            className={bandOn ? 'chart-regime-toggle active' : 'chart-regime-toggle'}
            data-testid="chart-regime-toggle"
            aria-pressed={bandOn}
            title={`Regime band: the market regime (${REGIME_SYMBOL} and the ETF universe) as the chart's background`}
            onClick={() => setState({ ...state, symbol, regimeBand: !bandOn })}
          >
            Regime
          </button>
        )}
        <span className="chart-zone" title="Exchange time: America/New_York">
          ET
        </span>
        {status.source && status.source !== 'none' && (
          <span className={`chart-source source-${status.source}`} title="Where the bars come from">
            {status.source === 'demo' ? 'DEMO BARS' : 'STORE'}
          </span>
        )}
        <span className="chart-markers" data-testid="chart-markers" data-count={status.markers} title="Pattern markers drawn">
          ◆ {status.markers}
        </span>
        {status.loadingOlder && <span className="dim">loading older…</span>}
        <span className="chart-spacer" />
        {!empty && levelsFrom && levelsFrom.levels.length > 0 && (
          <span className="chart-levels" data-testid="chart-levels" title="Levels drawn as price lines">
            Levels: {levelsFrom.pattern} {formatNyTime(levelsFrom.detectedAt)}
            {selectedId !== null && (
              <button type="button" className="chart-unpin" title="Back to the newest pattern's levels" onClick={() => setSelected(null)}>
                ×
              </button>
            )}
          </span>
        )}
        {status.error && (
          <span className="chart-error" title={status.error}>
            {status.error}
          </span>
        )}
      </div>
      <div className={legendRegime ? 'chart-body with-legend' : 'chart-body'}>
        <div className="chart-host" ref={hostRef} />
        {symbol === null && (
          <div className="chart-overlay" data-testid="chart-nosymbol">
            Select a row or type a symbol to chart it.
          </div>
        )}
        {symbol !== null && status.phase === 'loading' && <div className="chart-loading dim">Loading {symbol}…</div>}
        {empty && (
          <div className="chart-overlay" data-testid="chart-empty">
            <p>No bars for {symbol} yet: the bar feed arrives with the market-data source.</p>
            <RecentPatterns events={status.patterns} onPick={(id) => setSelected({ symbol: symbol!, id })} />
          </div>
        )}
        {legendRegime && !empty && status.phase === 'ready' && <RegimeLegend period={legendRegime} hovered={hoverKey !== null} />}
        {hover && !empty && <PatternTooltip hover={hover} />}
      </div>
    </div>
  )
}

function RecentPatterns({ events, onPick }: { events: readonly PatternEvent[]; onPick(id: number): void }) {
  if (events.length === 0) return <p className="dim">No recent patterns for this symbol.</p>
  return (
    <table className="chart-recent" data-testid="chart-recent">
      <caption className="dim">Recent patterns (ET)</caption>
      <tbody>
        {events.slice(0, RECENT_LIST).map((e) => (
          <tr key={e.id} onClick={() => onPick(e.id)}>
            <td className="dim">{formatNyTime(e.detectedAt)}</td>
            <td className={`dir-${patternDirection(e.pattern, e.patternKey)}`}>{e.pattern}</td>
            <td>{e.tier}</td>
            <td className="num">{formatConfidence(e.confidence)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

function RegimeLegend({ period, hovered }: { period: RegimePeriod; hovered: boolean }) {
  return (
    <div
      className="chart-regime-legend"
      data-testid="chart-regime-legend"
      data-regime={period.regime}
      title={`${hovered ? 'At the bar under the crosshair' : 'At the newest bar'}: ${period.from} to ${period.to}, mean confidence ${formatConfidence(period.confidence)}%`}
    >
      <span className={`chart-regime-swatch regime-${period.regime.toLowerCase()}`} />
      {describeRegime(period)}
    </div>
  )
}

function PatternTooltip({ hover }: { hover: Hover }) {
  const rows = hover.events.slice(0, TOOLTIP_ROWS)
  const style = hover.x > hover.width * 0.6 ? { right: Math.max(4, hover.width - hover.x + 12) } : { left: Math.max(4, hover.x + 12) }
  return (
    <div className="chart-tooltip" data-testid="chart-tooltip" style={style}>
      {rows.map((e) => (
        <div key={e.id} className="chart-tooltip-row">
          <span className={`dir-${patternDirection(e.pattern, e.patternKey)}`}>{e.pattern}</span>
          <span className="dim">{e.tier}</span>
          <span className="num">{formatConfidence(e.confidence)}</span>
          <span className="dim">{formatNyTime(e.detectedAt)} ET</span>
        </div>
      ))}
      {hover.events.length > rows.length && <div className="dim">+{hover.events.length - rows.length} more</div>}
    </div>
  )
}
