import type { PanelProps } from '../../app/panel-types'
import { formatFixed, heatClassOf } from './market-model'
import { QueryLine } from './QueryLine'
import { SegmentedSwitch } from './SegmentedSwitch'
import { DAILY_PULSE_CAUSES, useMarketQuery, useMarketRefresh } from './use-market-query'
import './market.css'

export interface CorrelationMatrixState {
  window: 20 | 60
}

export const CORRELATION_WINDOWS = [20, 60] as const
const WINDOW_SEGMENTS = CORRELATION_WINDOWS.map((w) => ({ value: w, label: `${w}d`, title: `Over the last ${w} trading days` }))

export function CorrelationMatrixPanel({ api, visible, state, setState, link }: PanelProps<CorrelationMatrixState>) {
  const refresh = useMarketRefresh(api, visible, DAILY_PULSE_CAUSES)
  const q = useMarketQuery(api, 'market.correlation', { window: state.window }, visible, refresh)
  const c = q.value
  return (
    <div className="market-panel correlation-matrix" data-testid="correlation-matrix">
      <QueryLine query={q} asOf={c?.asOf ?? null}>
        <SegmentedSwitch label="Window" segments={WINDOW_SEGMENTS} value={state.window} onChange={(window) => setState({ ...state, window })} testIdPrefix="corr-window" />
      </QueryLine>
      {c && c.symbols.length === 0 && <div className="dim market-empty">No correlation data.</div>}
      {c && c.symbols.length > 0 && (
        <div className="market-scroll">
          <table className="market-table corr-table" data-window={c.window}>
            <thead>
              <tr>
                <th />
                {c.symbols.map((s) => (
                  <th key={s} className="num">
                    {s}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {c.symbols.map((row, i) => (
                <tr key={row}>
                  <th className={`left clickable ${link.symbol === row ? 'selected' : ''}`} onClick={() => link.setSymbol(row)}>
                    {row}
                  </th>
                  {c.symbols.map((col, j) => {
                    const v = c.matrix[i]?.[j] ?? null
                    return (
                      <td key={col} className={`num heat ${heatClassOf(v, 1)}`} data-testid="corr-cell" data-row={row} data-col={col} title={`${row} / ${col}, ${c.window} days: ${formatFixed(v)}`}>
                        {formatFixed(v)}
                      </td>
                    )
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
