/**
 * Page objects for the market panels (overview, ETF matrix, sector heatmap,
 * rotation graph, correlation matrix) and the sector table editor. Like
 * terminal-page.ts, code that runs in the page goes through element callbacks
 * (this file is type-checked without the DOM library).
 */
import { expect, type Locator, type Page } from '@playwright/test'

/** "+1.23%" / "-0.40%" / "0.00%" -> 0.0123...; "—" -> null. */
export function parsePercent(text: string): number | null {
  const m = text.trim().match(/^([-+]?\d+(?:\.\d+)?)%$/)
  return m ? Number(m[1]) / 100 : null
}

/** "0.83" / "-0.12" -> number; "—" -> null. */
export function parseFixed(text: string): number | null {
  const t = text.trim()
  return /^[+-]?\d+(\.\d+)?$/.test(t) ? Number(t) : null
}

/** The little of a DOM element the readers here use. */
interface El {
  getAttribute(name: string): string | null
  textContent: string | null
  querySelector(selector: string): El | null
  querySelectorAll(selector: string): ArrayLike<El>
}

export class MarketOverviewPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('market-overview')
  }
  get regimeBadge(): Locator {
    return this.root.getByTestId('regime-badge')
  }
  get regimeConfidence(): Locator {
    return this.root.getByTestId('regime-confidence')
  }
  get regimeSince(): Locator {
    return this.root.getByTestId('regime-since')
  }
  get demoChip(): Locator {
    return this.root.getByTestId('market-demo')
  }
  get riskScore(): Locator {
    return this.root.getByTestId('risk-score')
  }
  get riskComponents(): Locator {
    return this.root.getByTestId('risk-components').locator('li')
  }
  get breadthAbove50(): Locator {
    return this.root.getByTestId('breadth-50')
  }
  get breadthAbove200(): Locator {
    return this.root.getByTestId('breadth-200')
  }
  get keyLevels(): Locator {
    return this.root.getByTestId('key-level')
  }
  get history(): Locator {
    return this.root.getByTestId('regime-history')
  }
  get historyItems(): Locator {
    return this.root.getByTestId('regime-change')
  }
  get asOf(): Locator {
    return this.root.getByTestId('market-asof')
  }

  /** The risk components as listed: name and the signed value text. */
  async readRiskComponents(): Promise<{ name: string; value: string }[]> {
    return this.riskComponents.evaluateAll((els: El[]) =>
      els.map((li) => ({ name: li.querySelector('.market-name')?.textContent ?? '', value: li.querySelector('.num')?.textContent ?? '' })),
    )
  }

  /** The key-level rows: symbol and its five cells' text. */
  async readKeyLevels(): Promise<{ symbol: string; cells: string[] }[]> {
    return this.keyLevels.evaluateAll((els: El[]) =>
      els.map((tr) => ({ symbol: tr.getAttribute('data-symbol') ?? '', cells: Array.from(tr.querySelectorAll('td')).map((td) => td.textContent ?? '') })),
    )
  }

  /** The regime history, newest first: "2026-07-01", "Consolidation → Bull", "83%". */
  async readHistory(): Promise<{ date: string; change: string; confidence: string }[]> {
    return this.historyItems.evaluateAll((els: El[]) =>
      els.map((li) => {
        const spans = Array.from(li.querySelectorAll(':scope > span'))
        return { date: spans[0]?.textContent ?? '', change: spans[1]?.textContent ?? '', confidence: spans[2]?.textContent ?? '' }
      }),
    )
  }
}

export type EtfPeriodColumn = 'intraday' | '1D' | '5D' | '1M' | '3M' | 'YTD' | '1Y'

export class EtfMatrixPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('etf-matrix')
  }
  get rows(): Locator {
    return this.root.getByTestId('etf-row')
  }
  row(symbol: string): Locator {
    return this.root.locator(`[data-testid="etf-row"][data-symbol="${symbol}"]`)
  }
  column(key: 'symbol' | EtfPeriodColumn): Locator {
    return this.root.getByTestId(`etf-col-${key}`)
  }
  get hint(): Locator {
    return this.root.getByTestId('drill-hint')
  }
  async symbols(): Promise<string[]> {
    return this.rows.evaluateAll((els: El[]) => els.map((el) => el.getAttribute('data-symbol') ?? ''))
  }
  /** Each row's symbol and its value in a period column, top to bottom (null for "—"), read in one go. */
  async readColumn(key: EtfPeriodColumn): Promise<{ symbol: string; text: string }[]> {
    return this.rows.evaluateAll(
      (els: El[], col: string) => els.map((el) => ({ symbol: el.getAttribute('data-symbol') ?? '', text: el.querySelector(`td[data-col="${col}"]`)?.textContent ?? '' })),
      key,
    )
  }
  async waitForRows(min = 1): Promise<void> {
    await expect.poll(() => this.rows.count(), { message: `ETF matrix: at least ${min} rows` }).toBeGreaterThanOrEqual(min)
  }
}

export class RotationGraphPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('rotation-graph')
  }
  get points(): Locator {
    return this.root.getByTestId('rrg-point')
  }
  point(symbol: string): Locator {
    return this.root.locator(`[data-testid="rrg-point"][data-symbol="${symbol}"]`)
  }
  get readout(): Locator {
    return this.root.getByTestId('rrg-readout')
  }
  /** Each sector's dot centre in SVG units, for picking one no other dot or label crowds. */
  async dots(): Promise<{ symbol: string; x: number; y: number }[]> {
    return this.points.evaluateAll((els: El[]) =>
      els.map((g) => {
        const dot = g.querySelector('.rrg-dot')
        return { symbol: g.getAttribute('data-symbol') ?? '', x: Number(dot?.getAttribute('cx')), y: Number(dot?.getAttribute('cy')) }
      }),
    )
  }
  /** Of `among` (default: all), the sector whose dot lies farthest from every other dot (a click on it cannot land on a neighbour). */
  async loneliestSector(among?: readonly string[]): Promise<string> {
    const dots = await this.dots()
    let best = { symbol: '', gap: -1 }
    for (const d of dots) {
      if (among && !among.includes(d.symbol)) continue
      const gap = Math.min(...dots.filter((o) => o !== d).map((o) => Math.hypot(o.x - d.x, o.y - d.y)))
      if (gap > best.gap) best = { symbol: d.symbol, gap }
    }
    return best.symbol
  }
  /** Click a sector's dot, as a trader would. */
  async clickSector(symbol: string): Promise<void> {
    await this.point(symbol).locator('.rrg-dot').click()
  }
}

export class SectorHeatmapPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('sector-heatmap')
  }
  get tiles(): Locator {
    return this.root.getByTestId('sector-tile')
  }
  tile(symbol: string): Locator {
    return this.root.locator(`[data-testid="sector-tile"][data-symbol="${symbol}"]`)
  }
}

export class CorrelationMatrixPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('correlation-matrix')
  }
  get table(): Locator {
    return this.root.locator('table.corr-table')
  }
  windowButton(days: 20 | 60): Locator {
    return this.root.getByTestId(`corr-window-${days}`)
  }
  cell(row: string, col: string): Locator {
    return this.root.locator(`[data-testid="corr-cell"][data-row="${row}"][data-col="${col}"]`)
  }
  /** The window the table shows now, from the table itself. */
  async shownWindow(): Promise<number> {
    return Number(await this.table.getAttribute('data-window'))
  }
  /** Every cell as "ROW/COL" -> its text. */
  async readCells(): Promise<Record<string, string>> {
    const cells = await this.root
      .getByTestId('corr-cell')
      .evaluateAll((els: El[]) => els.map((td) => [`${td.getAttribute('data-row')}/${td.getAttribute('data-col')}`, td.textContent ?? ''] as const))
    return Object.fromEntries(cells)
  }
}

export class SectorTablePage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('sector-table')
  }
  get search(): Locator {
    return this.root.getByTestId('st-search')
  }
  get editedOnly(): Locator {
    return this.root.getByTestId('st-edited-only')
  }
  get count(): Locator {
    return this.root.getByTestId('st-count')
  }
  get notice(): Locator {
    return this.root.getByTestId('st-notice')
  }
  get rows(): Locator {
    return this.root.getByTestId('st-row')
  }
  row(symbol: string): Locator {
    return this.root.locator(`[data-testid="st-row"][data-symbol="${symbol}"]`)
  }
  fundSelect(symbol: string): Locator {
    return this.row(symbol).getByTestId('st-fund')
  }
  source(symbol: string): Locator {
    return this.row(symbol).getByTestId('st-source')
  }
  revert(symbol: string): Locator {
    return this.row(symbol).getByTestId('st-revert')
  }
  /** Type a search and wait for the symbol's row to be listed. */
  async find(symbol: string): Promise<Locator> {
    await this.search.fill(symbol)
    await expect(this.row(symbol)).toBeVisible()
    return this.row(symbol)
  }
}
