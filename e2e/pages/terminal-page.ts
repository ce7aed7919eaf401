/** Page object for the terminal's tier board and status bar. */
import type { Locator, Page } from '@playwright/test'

export type TierName = 'daily' | 'intraday' | 'combo'
export const TIER_NAMES: readonly TierName[] = ['daily', 'intraday', 'combo']

export interface RowData {
  id: number
  tier: string
  symbol: string
  pattern: string
  time: string
  priority: string
  price: string
}

export class TerminalPage {
  /** Console errors and page errors seen since construction (CSP violations show up here). */
  readonly errors: string[] = []

  constructor(readonly page: Page) {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.errors.push(msg.text())
    })
    page.on('pageerror', (err) => this.errors.push(err.message))
  }

  async goto(path = '/'): Promise<void> {
    await this.page.goto(path)
    await this.board.waitFor()
  }

  get board(): Locator {
    return this.page.getByTestId('tier-board')
  }

  tier(tier: TierName): Locator {
    return this.page.locator(`section[data-tier="${tier}"]`)
  }

  tierCount(tier: TierName): Locator {
    return this.tier(tier).getByTestId('tier-count')
  }

  rows(tier: TierName): Locator {
    return this.tier(tier).getByTestId('event-row')
  }

  async readRow(row: Locator): Promise<RowData> {
    return row.evaluate((el) => {
      const field = (name: string) => el.querySelector(`[data-field="${name}"]`)?.textContent ?? ''
      return {
        id: Number(el.getAttribute('data-event-id')),
        tier: el.getAttribute('data-tier') ?? '',
        symbol: el.getAttribute('data-symbol') ?? '',
        pattern: el.getAttribute('data-pattern') ?? '',
        time: field('time'),
        priority: field('priority'),
        price: field('price'),
      }
    })
  }

  get statusBar(): Locator {
    return this.page.getByTestId('status-bar')
  }
  get statusMode(): Locator {
    return this.page.getByTestId('status-mode')
  }
  get statusRejected(): Locator {
    return this.page.getByTestId('status-rejected')
  }
  get statusGap(): Locator {
    return this.page.getByTestId('status-gap')
  }
}
