import { MARKET_PERIODS, type EtfSnapshot } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { formatPrice } from '../format'
import { DrillHint } from './DrillHint'
import { etfValue, formatReturn, heatClassOf, nextSort, RETURN_SCALE, sortEtfs, type EtfColumn, type EtfSort } from './market-model'
import { QueryLine } from './QueryLine'
import { useMarketQuery, useMarketRefresh } from './use-market-query'
import './market.css'

export interface EtfMatrixState {
  sort: EtfSort
}

const COLUMN_LABEL: Partial<Record<EtfColumn, string>> = { symbol: 'ETF', intraday: 'Today' }

export const ETF_DRILL_HINT = 'Click an ETF to chart it; a sector fund also filters linked boards to its sector'

export function EtfMatrixPanel({ api, visible, state, setState, link }: PanelProps<EtfMatrixState>) {
  // Every cause: the Today column moves with the 1-minute bars.
  const refresh = useMarketRefresh(api, visible)
  const q = useMarketQuery(api, 'market.etfs', {}, visible, refresh)
  const etfs = q.value?.etfs ?? []
  // The intraday column only while some fund has a live change.
  const showIntraday = etfs.some((e) => e.intraday !== null && e.intraday !== undefined)
  const columns: EtfColumn[] = [...(showIntraday ? (['intraday'] as const) : []), ...MARKET_PERIODS]
  const rows = sortEtfs(etfs, state.sort)
  const header = (key: EtfColumn, className = '') => {
    const active = state.sort.key === key
    return (
      <th
        key={key}
        className={`sortable ${className} ${active ? 'sorted' : ''}`}
        data-testid={`etf-col-${key}`}
        aria-sort={active ? (state.sort.dir === 'asc' ? 'ascending' : 'descending') : 'none'}
        onClick={() => setState({ ...state, sort: nextSort(state.sort, key) })}
      >
        {COLUMN_LABEL[key] ?? key}
        {active && <span className="sort-arrow">{state.sort.dir === 'asc' ? '▲' : '▼'}</span>}
      </th>
    )
  }
  return (
    <div className="market-panel etf-matrix" data-testid="etf-matrix">
      <QueryLine query={q} asOf={q.value?.asOf ?? null} />
      {etfs.length > 0 && <DrillHint link={link} text={ETF_DRILL_HINT} />}
      {q.value && etfs.length === 0 && <div className="dim market-empty">No ETF data in the bar store.</div>}
      {etfs.length > 0 && (
        <div className="market-scroll">
          <table className="market-table market-matrix">
            <thead>
              <tr>
                {header('symbol', 'left')}
                <th className="num">Close</th>
                {columns.map((c) => header(c, 'num'))}
              </tr>
            </thead>
            <tbody>
              {rows.map((e) => (
                <EtfRow key={e.symbol} etf={e} columns={columns} selected={link.symbol === e.symbol} onSelect={() => link.setSymbol(e.symbol)} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}

function EtfRow({ etf, columns, selected, onSelect }: { etf: EtfSnapshot; columns: EtfColumn[]; selected: boolean; onSelect(): void }) {
  return (
    <tr className={`clickable ${selected ? 'selected' : ''}`} data-testid="etf-row" data-symbol={etf.symbol} onClick={onSelect} title={etf.sector ? `${etf.sector}: click to chart ${etf.symbol} and filter linked boards` : `Click to chart ${etf.symbol}`}>
      <td className="market-sym left">
        {etf.symbol}
        {etf.sector && <span className="dim market-sector"> {etf.sector}</span>}
      </td>
      <td className="num">{formatPrice(etf.close)}</td>
      {columns.map((c) => {
        if (c === 'symbol') return null
        const v = etfValue(etf, c)
        return (
          <td key={c} className={`num heat ${heatClassOf(v, RETURN_SCALE[c])}`} data-col={c}>
            {formatReturn(v)}
          </td>
        )
      })}
    </tr>
  )
}
