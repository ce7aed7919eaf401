/**
 * Page objects for the terminal: the shell (menu bar, command palette, layout
 * dialogs, panel tabs), the tier boards, the chart, the metrics panel and the
 * status bar. Tests speak in these terms; the test ids live here only.
 *
 * This project's e2e code is typed without the DOM library, so code that runs
 * in the page goes through element callbacks (their parameters are untyped)
 * or short strings.
 */
import { expect, type Locator, type Page } from '@playwright/test'
import { AlertRulesPage, AlertsPanelPage, AlertToastsPage } from './alert-pages'
import { CorrelationMatrixPage, EtfMatrixPage, MarketOverviewPage, RotationGraphPage, SectorHeatmapPage, SectorTablePage } from './market-pages'

export type TierName = 'daily' | 'intraday' | 'combo'
export const TIER_NAMES: readonly TierName[] = ['daily', 'intraday', 'combo']

export type PanelType = 'tier-board' | 'chart' | 'tier-metrics' | MarketPanelType | AlertPanelType
/** Panels the Panels menu opens by type (`panel.open:<type>`). */
export type MarketPanelType = 'market-overview' | 'etf-matrix' | 'sector-heatmap' | 'rotation-graph' | 'correlation-matrix' | 'sector-table'
/** The alert panels the Panels menu opens: the Alerts list and the rule editor. */
export type AlertPanelType = 'alerts' | 'alert-rules'
export type ColumnKey = 'time' | 'symbol' | 'pattern' | 'confidence' | 'priority' | 'price' | 'change' | 'rvol' | 'rs' | 'expiry'
export type Theme = 'dark' | 'light'

/** One row of a tier board as the page shows it. */
export interface RowData {
  id: number
  tier: string
  symbol: string
  pattern: string
  confidence: number
  priority: string
  time: string
  price: string
}

/** What `window.__tickstock.layoutState()` reports (the page is opened with `?e2e=1`). */
export interface LayoutState {
  phase: 'restoring' | 'ready'
  current: string | null
  dirty: boolean
  saving: boolean
}

/** A row's Mkt cell: the sector fund stamped at arrival, whether the pattern was aligned with the regime, and the cell's spoken text. */
export interface MarketCell {
  id: number
  symbol: string
  /** The cell's text: the sector fund ('' when the symbol has none). */
  sector: string
  /** data-aligned: 'true' | 'false', or null when the row has no market stamp. */
  aligned: string | null
  /** aria-label (also the title): "Bull regime, risk +0.35, XLK (Technology) Leading at arrival; aligned with the regime". */
  label: string
}

/** Runs in the page: what a row shows (one function, serialized by Playwright, for every read). */
/** The little of a DOM element the reader uses (this file is type-checked without the DOM lib). */
interface RowElement {
  getAttribute(name: string): string | null
  querySelector(selector: string): { textContent: string | null } | null
}

function rowData(els: RowElement[], tier: string): RowData[] {
  return els.map((el) => {
    const field = (name: string): string => el.querySelector(`[data-field="${name}"]`)?.textContent ?? ''
    return {
      id: Number(el.getAttribute('data-id')),
      tier,
      symbol: el.getAttribute('data-symbol') ?? '',
      pattern: el.getAttribute('data-pattern') ?? '',
      confidence: Number(el.getAttribute('data-confidence')),
      priority: el.getAttribute('data-priority') ?? '',
      time: field('time'),
      price: field('price'),
    }
  })
}

export class TierBoardPage {
  constructor(
    readonly page: Page,
    readonly tier: TierName,
  ) {}

  /** The board showing this tier (the board's `data-tier` follows its tier selector). */
  get root(): Locator {
    return this.page.locator(`[data-testid="tier-board"][data-tier="${this.tier}"]`)
  }
  get rows(): Locator {
    return this.root.getByTestId('event-row')
  }
  get scroller(): Locator {
    return this.root.getByTestId('tier-board-rows')
  }
  get empty(): Locator {
    return this.root.getByTestId('empty')
  }
  get rowCountLabel(): Locator {
    return this.root.getByTestId('row-count')
  }
  column(key: ColumnKey): Locator {
    return this.root.getByTestId(`col-${key}`)
  }
  get symbolFilter(): Locator {
    return this.root.getByTestId('filter-symbol')
  }
  get patternFilter(): Locator {
    return this.root.getByTestId('filter-pattern')
  }
  get confidenceFilter(): Locator {
    return this.root.getByTestId('filter-confidence')
  }
  get priorityFilter(): Locator {
    return this.root.getByTestId('filter-priority')
  }
  get pauseButton(): Locator {
    return this.root.getByTestId('pause')
  }
  /** The "N new" button shown while the rows are frozen. */
  get queued(): Locator {
    return this.root.getByTestId('queued')
  }

  /** The rows rendered now (the virtualized window), top to bottom, read in one go (one consistent moment). */
  async readRows(): Promise<RowData[]> {
    return this.rows.evaluateAll(rowData, this.tier)
  }

  async readRow(row: Locator): Promise<RowData> {
    const [data] = await row.first().evaluateAll(rowData, this.tier)
    if (!data) throw new Error(`${this.tier} board: no such row`)
    return data
  }

  /** The Mkt cell of every rendered row, top to bottom, read in one go. */
  async readMarketCells(): Promise<MarketCell[]> {
    return this.rows.evaluateAll((els: RowElement[]) =>
      els.map((el) => {
        const cell = el.querySelector('[data-field="market"]') as (RowElement & { textContent: string | null }) | null
        return {
          id: Number(el.getAttribute('data-id')),
          symbol: el.getAttribute('data-symbol') ?? '',
          sector: cell?.textContent ?? '',
          aligned: cell?.getAttribute('data-aligned') ?? null,
          label: cell?.getAttribute('aria-label') ?? '',
        }
      }),
    )
  }

  /** The footer's row count ("1,234 rows"). */
  async rowCount(): Promise<number> {
    return Number(((await this.rowCountLabel.textContent()) ?? '').replace(/[^\d]/g, ''))
  }

  get alignedToggle(): Locator {
    return this.root.getByTestId('filter-aligned')
  }
  /** "Sector: XLK (linked)": shown while the board follows a sector fund of its link group. */
  get linkedSector(): Locator {
    return this.root.getByTestId('linked-sector')
  }
  get linkedSectorRemove(): Locator {
    return this.root.getByTestId('linked-sector-remove')
  }
  get followLinkedSector(): Locator {
    return this.root.getByTestId('follow-linked-sector')
  }
  get sectorFilter(): Locator {
    return this.root.getByTestId('filter-sector')
  }
  quadrantFilter(quadrant: 'leading' | 'improving' | 'weakening' | 'lagging'): Locator {
    return this.root.getByTestId(`filter-quadrant-${quadrant}`)
  }

  async rowIds(): Promise<number[]> {
    return this.rows.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-id'))))
  }

  /** The queued count ("1,234 new", "500+ new"), or null when nothing is queued. */
  async queuedCount(): Promise<number | null> {
    if ((await this.queued.count()) === 0) return null
    const text = (await this.queued.textContent()) ?? ''
    const m = text.replace(/,/g, '').match(/(\d+)/)
    return m ? Number(m[1]) : null
  }

  async waitForRows(min = 1, timeout = 30_000): Promise<void> {
    await expect.poll(() => this.rows.count(), { timeout, message: `${this.tier} board: at least ${min} rows` }).toBeGreaterThanOrEqual(min)
  }

  async sortBy(key: ColumnKey): Promise<void> {
    await this.column(key).click()
  }

  /** The header's sort state for a column: 'ascending' | 'descending' | 'none'. */
  async sortOf(key: ColumnKey): Promise<string | null> {
    return this.column(key).getAttribute('aria-sort')
  }

  async filterBySymbol(text: string): Promise<void> {
    await this.symbolFilter.fill(text)
  }
  async filterByPattern(text: string): Promise<void> {
    await this.patternFilter.fill(text)
  }
  /** Minimum confidence in percent ('' clears it). */
  async filterByMinConfidence(percent: number | ''): Promise<void> {
    await this.confidenceFilter.fill(String(percent))
  }
  async filterByPriority(priority: 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL' | ''): Promise<void> {
    await this.priorityFilter.selectOption(priority)
  }

  async isPaused(): Promise<boolean> {
    return (await this.pauseButton.getAttribute('aria-pressed')) === 'true'
  }
  async pause(): Promise<void> {
    if (!(await this.isPaused())) await this.pauseButton.click()
    await expect(this.pauseButton).toHaveAttribute('aria-pressed', 'true')
  }
  async resume(): Promise<void> {
    if (await this.isPaused()) await this.pauseButton.click()
    await expect(this.pauseButton).toHaveAttribute('aria-pressed', 'false')
  }
}

export class ChartPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('chart-panel')
  }
  get markers(): Locator {
    return this.root.getByTestId('chart-markers')
  }
  /** "No bars": shown when the bar source is 'none' (live Redis without a bar feed), with the symbol's recent patterns. */
  get empty(): Locator {
    return this.root.getByTestId('chart-empty')
  }
  get recentPatterns(): Locator {
    return this.root.getByTestId('chart-recent').locator('tbody tr')
  }
  get symbolInput(): Locator {
    return this.root.getByTestId('chart-symbol-input')
  }
  timeframe(tf: string): Locator {
    return this.root.getByTestId(`tf-${tf}`)
  }
  async symbol(): Promise<string | null> {
    return this.root.getAttribute('data-symbol')
  }
  /** The "Regime" toggle (daily and weekly timeframes only); aria-pressed says whether the band shows. */
  get regimeToggle(): Locator {
    return this.root.getByTestId('chart-regime-toggle')
  }
  /** "Bull since Jul 1, 2026", with data-regime: shown while the band is on and bars are drawn. */
  get regimeLegend(): Locator {
    return this.root.getByTestId('chart-regime-legend')
  }
  async markerCount(): Promise<number> {
    return Number((await this.markers.getAttribute('data-count')) ?? '0')
  }
}

export class StatusBarPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('status-bar')
  }
  get mode(): Locator {
    return this.page.getByTestId('status-mode')
  }
  get gap(): Locator {
    return this.page.getByTestId('status-gap')
  }
  get rejected(): Locator {
    return this.page.getByTestId('status-rejected')
  }
  get rate(): Locator {
    return this.page.getByTestId('status-rate')
  }
  get heartbeat(): Locator {
    return this.page.getByTestId('status-heartbeat')
  }
}

export class MetricsPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('metrics-panel')
  }
  tier(tier: TierName): Locator {
    return this.root.getByTestId(`metrics-${tier}`)
  }
}

export class MenuBarPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('menu-bar')
  }
  menu(id: 'panels' | 'layout' | 'view'): Locator {
    return this.page.getByTestId(`menu-${id}`)
  }
  item(commandId: string): Locator {
    return this.page.locator(`[data-testid="menu-item"][data-command-id="${commandId}"]`)
  }
  /** Open a menu and run one of its entries by command id (e.g. 'layout', 'layout.save-as'). */
  async run(menu: 'panels' | 'layout' | 'view', commandId: string): Promise<void> {
    await this.menu(menu).click()
    await this.item(commandId).click()
  }
  /** The layout in use as the menu bar shows it ('' when none is named). */
  get currentLayout(): Locator {
    return this.page.getByTestId('layout-current')
  }
}

export class PalettePage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('palette')
  }
  get input(): Locator {
    return this.page.getByTestId('palette-input')
  }
  get items(): Locator {
    return this.page.getByTestId('palette-item')
  }
  async open(): Promise<void> {
    await this.page.keyboard.press('Control+k')
    await expect(this.input).toBeFocused()
  }
  /** Ctrl+K, type, Enter: runs the first entry (a ticker typed exactly goes to that symbol). */
  async run(query: string): Promise<void> {
    await this.open()
    await this.input.fill(query)
    await expect(this.items.first()).toBeVisible()
    await this.input.press('Enter')
    await expect(this.root).toBeHidden()
  }
}

export class LayoutDialogPage {
  constructor(readonly page: Page) {}
  get root(): Locator {
    return this.page.getByTestId('layout-dialog')
  }
  get input(): Locator {
    return this.page.getByTestId('layout-dialog-input')
  }
  get ok(): Locator {
    return this.page.getByTestId('layout-dialog-ok')
  }
  get error(): Locator {
    return this.page.getByTestId('layout-dialog-error')
  }
  rows(): Locator {
    return this.page.getByTestId('layout-row')
  }
  row(name: string): Locator {
    return this.page.locator(`[data-testid="layout-row"][data-layout-name="${name}"]`)
  }
}

export class TerminalPage {
  /** Console errors and page errors seen since construction (CSP violations show up here). */
  readonly errors: string[] = []
  readonly chart: ChartPage
  readonly status: StatusBarPage
  readonly metrics: MetricsPage
  readonly menu: MenuBarPage
  readonly palette: PalettePage
  readonly layoutDialog: LayoutDialogPage
  readonly overview: MarketOverviewPage
  readonly etfMatrix: EtfMatrixPage
  readonly rotation: RotationGraphPage
  readonly heatmap: SectorHeatmapPage
  readonly correlation: CorrelationMatrixPage
  readonly sectorTable: SectorTablePage
  readonly alertRules: AlertRulesPage
  readonly alerts: AlertsPanelPage
  readonly toasts: AlertToastsPage

  constructor(readonly page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(msg.text())
    })
    page.on('pageerror', (err) => this.errors.push(err.message))
    this.chart = new ChartPage(page)
    this.status = new StatusBarPage(page)
    this.metrics = new MetricsPage(page)
    this.menu = new MenuBarPage(page)
    this.palette = new PalettePage(page)
    this.layoutDialog = new LayoutDialogPage(page)
    this.overview = new MarketOverviewPage(page)
    this.etfMatrix = new EtfMatrixPage(page)
    this.rotation = new RotationGraphPage(page)
    this.heatmap = new SectorHeatmapPage(page)
    this.correlation = new CorrelationMatrixPage(page)
    this.sectorTable = new SectorTablePage(page)
    this.alertRules = new AlertRulesPage(page)
    this.alerts = new AlertsPanelPage(page)
    this.toasts = new AlertToastsPage(page)
  }

  /**
   * Panels > the panel's entry; waits for its tab. A new panel joins the
   * focused stack (golden-layout's choice) as its front tab, hiding the one
   * there: `beside` (a panel's tab) is clicked first to pick that stack.
   */
  async openPanel(type: MarketPanelType | AlertPanelType | 'chart' | 'tier-metrics', beside?: Locator): Promise<void> {
    // The tab's title, not its link chip.
    if (beside) await beside.locator('.lm_title').click()
    const before = await this.panelHeader(type).count()
    await this.menu.run('panels', `panel.open:${type}`)
    await expect(this.panelHeader(type)).toHaveCount(before + 1)
    await expect(this.panel(type).last()).toBeVisible()
  }

  /** Open the terminal with the test hook (`?e2e=1`) and wait until its layout is decided. `base`: a path (the test's baseURL) or a full URL. */
  async goto(base = '/'): Promise<void> {
    await this.page.goto(/^https?:/.test(base) ? new URL('/?e2e=1', base).toString() : `${base.replace(/\/?$/, '/')}?e2e=1`)
    await this.waitForLayoutReady()
  }

  async reload(): Promise<void> {
    await this.page.reload()
    await this.waitForLayoutReady()
  }

  board(tier: TierName): TierBoardPage {
    return new TierBoardPage(this.page, tier)
  }
  /** Every tier board on screen. */
  get boards(): Locator {
    return this.page.getByTestId('tier-board')
  }
  rows(tier: TierName): Locator {
    return this.board(tier).rows
  }

  panel(type: PanelType): Locator {
    return this.page.locator(`[data-testid="panel"][data-panel-type="${type}"]`)
  }
  /** A panel's tab (golden-layout's tab element, tagged by the dock). */
  panelHeader(type: PanelType): Locator {
    return this.page.locator(`[data-testid="panel-header"][data-panel-type="${type}"]`)
  }
  /** Close a panel with its tab's close button. */
  async closePanel(type: PanelType): Promise<void> {
    const header = this.panelHeader(type)
    await expect(header).toHaveCount(1)
    await header.locator('.lm_close_tab').click()
    await expect(header).toHaveCount(0)
  }

  /** The test hook's layout persistence state. */
  async layoutState(): Promise<LayoutState> {
    return this.page.evaluate<LayoutState>('window.__tickstock.layoutState()')
  }
  /** The layout as it would be saved now (`{ name, version, config }`). */
  async layoutSnapshot(): Promise<{ name: string; version: number; config: unknown }> {
    return this.page.evaluate('window.__tickstock.layout()')
  }
  async waitForLayoutReady(): Promise<void> {
    await expect
      .poll(() => this.page.evaluate<string | null>('window.__tickstock ? window.__tickstock.layoutState().phase : null'), { message: 'layout restored' })
      .toBe('ready')
  }
  /** Wait until nothing is left to save (auto-save done). */
  async waitForLayoutSaved(current?: string | null): Promise<void> {
    await expect
      .poll(async () => {
        const s = await this.layoutState()
        return s.phase === 'ready' && !s.dirty && !s.saving && (current === undefined || s.current === current)
      }, { message: 'layout saved' })
      .toBe(true)
  }

  /** Layout > Save layout as…, type the name, OK; waits for it to be the layout in use. */
  async saveLayoutAs(name: string): Promise<void> {
    await this.menu.run('layout', 'layout.save-as')
    await expect(this.layoutDialog.root).toBeVisible()
    await this.layoutDialog.input.fill(name)
    await this.layoutDialog.ok.click()
    await expect(this.layoutDialog.root).toBeHidden()
    await expect(this.menu.currentLayout).toHaveAttribute('data-layout-name', name)
    await this.waitForLayoutSaved(name)
  }

  async theme(): Promise<string | null> {
    return this.page.locator('html').getAttribute('data-theme')
  }
  async setTheme(theme: Theme): Promise<void> {
    await this.menu.run('view', `theme.${theme}`)
    await expect(this.page.locator('html')).toHaveAttribute('data-theme', theme)
  }

  // Kept for older specs.
  get statusBar(): Locator {
    return this.status.root
  }
  get statusMode(): Locator {
    return this.status.mode
  }
  get statusRejected(): Locator {
    return this.status.rejected
  }
  get statusGap(): Locator {
    return this.status.gap
  }
}
