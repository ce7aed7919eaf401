/**
 * Sector funds and a bundled symbol -> sector-fund table (GICS sectors as of
 * 2025) covering the S&P 100 and a few other large caps. Pure data.
 */
import { SECTOR_FUNDS, SECTOR_NAMES, isSectorFund, sectorName, type SectorFund } from '../../../shared/domain'

export { SECTOR_NAMES, isSectorFund, sectorName }

export type { SectorFund }

const MEMBERS: Readonly<Record<SectorFund, readonly string[]>> = {
  XLK: ['AAPL', 'ACN', 'ADBE', 'ADI', 'AMAT', 'AMD', 'ANET', 'AVGO', 'CRM', 'CSCO', 'IBM', 'INTC', 'INTU', 'KLAC', 'LRCX', 'MSFT', 'MU', 'NOW', 'NVDA', 'ORCL', 'PANW', 'PLTR', 'QCOM', 'TXN'],
  XLV: ['ABBV', 'ABT', 'AMGN', 'BMY', 'BSX', 'CI', 'CVS', 'DHR', 'ELV', 'GILD', 'ISRG', 'JNJ', 'LLY', 'MDT', 'MRK', 'PFE', 'REGN', 'SYK', 'TMO', 'UNH', 'VRTX', 'ZTS'],
  XLF: ['AIG', 'AXP', 'BAC', 'BK', 'BLK', 'BRK.B', 'C', 'CB', 'CME', 'COF', 'GS', 'ICE', 'JPM', 'MA', 'MET', 'MMC', 'MS', 'PGR', 'PYPL', 'SCHW', 'SPGI', 'USB', 'V', 'WFC'],
  XLE: ['COP', 'CVX', 'EOG', 'MPC', 'OXY', 'PSX', 'SLB', 'XOM'],
  XLY: ['ABNB', 'AMZN', 'BKNG', 'CMG', 'F', 'GM', 'HD', 'LOW', 'MCD', 'NKE', 'ORLY', 'SBUX', 'TJX', 'TSLA'],
  XLP: ['CL', 'COST', 'KHC', 'KMB', 'KO', 'MDLZ', 'MNST', 'MO', 'PEP', 'PG', 'PM', 'TGT', 'WMT'],
  XLI: ['ADP', 'BA', 'CAT', 'CSX', 'DE', 'EMR', 'ETN', 'FDX', 'GD', 'GE', 'GEV', 'HON', 'LMT', 'MMM', 'NOC', 'RTX', 'UBER', 'UNP', 'UPS', 'WM'],
  XLU: ['AEP', 'D', 'DUK', 'EXC', 'NEE', 'SO', 'SRE'],
  XLB: ['APD', 'DOW', 'ECL', 'FCX', 'LIN', 'NEM', 'SHW'],
  XLRE: ['AMT', 'CCI', 'EQIX', 'O', 'PLD', 'PSA', 'SPG'],
  XLC: ['CHTR', 'CMCSA', 'DIS', 'EA', 'GOOG', 'GOOGL', 'META', 'NFLX', 'T', 'TMUS', 'VZ'],
}

/** Symbol -> its sector fund (each sector fund maps to itself). */
export const SYMBOL_SECTOR: ReadonlyMap<string, SectorFund> = (() => {
  const m = new Map<string, SectorFund>()
  for (const fund of SECTOR_FUNDS) {
    m.set(fund, fund)
    for (const s of MEMBERS[fund]) m.set(s, fund)
  }
  return m
})()

/** The sector fund of a symbol from the bundled table, or null when the table does not know it. */
export function sectorOf(symbol: string, table: ReadonlyMap<string, SectorFund> = SYMBOL_SECTOR): SectorFund | null {
  return table.get(symbol.toUpperCase()) ?? null
}

/** A sector given as its fund (`XLK`, any case) or its name (`Technology`, `consumer staples`); null when neither. */
export function resolveSector(input: string): SectorFund | null {
  const s = input.trim()
  const up = s.toUpperCase()
  if (isSectorFund(up)) return up
  const fold = (x: string): string => x.toLowerCase().replace(/[^a-z]/g, '')
  for (const fund of SECTOR_FUNDS) if (fold(SECTOR_NAMES[fund]) === fold(s)) return fund
  return null
}
