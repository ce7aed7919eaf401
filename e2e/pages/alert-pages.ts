/**
 * Page objects for alerts: the rule editor panel, the Alerts panel, the toast
 * stack, and the browser notifications the page raises (recorded by an init
 * script, since headless Chromium shows none). Like terminal-page.ts, code
 * that runs in the page goes through element callbacks or short strings
 * (this file is type-checked without the DOM library).
 */
import { expect, type BrowserContext, type Locator, type Page } from '@playwright/test'
import type { ConditionKind } from '../../src/shared/alerts'

/** One `new Notification(...)` the page made, as the recorder saw it. */
export interface RecordedNotification {
  title: string
  body: string | null
  tag: string | null
  /** What the real constructor threw, if it did (the app then reports the channel failed). */
  error: string | null
}

/**
 * Wraps `window.Notification` before any page script runs: every construction
 * is recorded in `window.__notifications`, then handed to the real one.
 * `permission` and `requestPermission` are the real ones'.
 */
const NOTIFICATION_RECORDER = `(() => {
  const Real = window.Notification
  const seen = []
  Object.defineProperty(window, '__notifications', { value: seen })
  if (typeof Real !== 'function') return
  function RecordingNotification(title, options) {
    const entry = { title: String(title), body: options && options.body != null ? String(options.body) : null, tag: options && options.tag != null ? String(options.tag) : null, error: null }
    seen.push(entry)
    try {
      return new Real(title, options)
    } catch (err) {
      entry.error = String(err && err.message || err)
      throw err
    }
  }
  Object.defineProperty(RecordingNotification, 'permission', { get: () => Real.permission })
  Object.defineProperty(RecordingNotification, 'maxActions', { get: () => Real.maxActions })
  RecordingNotification.requestPermission = (cb) => Real.requestPermission(cb)
  RecordingNotification.prototype = Real.prototype
  window.Notification = RecordingNotification
})()`

export class BrowserNotifications {
  constructor(readonly page: Page) {}

  /** Install the recorder in every page of the context (call before the first navigation). */
  static async record(context: BrowserContext): Promise<void> {
    await context.addInitScript(NOTIFICATION_RECORDER)
  }

  /** Allow notifications for the host's origin, as a person clicking "Allow" would. */
  static async grant(context: BrowserContext, baseUrl: string): Promise<void> {
    await context.grantPermissions(['notifications'], { origin: new URL(baseUrl).origin })
  }

  async list(): Promise<RecordedNotification[]> {
    return this.page.evaluate<RecordedNotification[]>('JSON.parse(JSON.stringify(window.__notifications || []))')
  }

  async titles(): Promise<string[]> {
    return (await this.list()).map((n) => n.title)
  }

  /** `Notification.permission` as the page sees it. */
  async permission(): Promise<string> {
    return this.page.evaluate<string>("typeof Notification === 'function' ? Notification.permission : 'unsupported'")
  }
}

/** The little of a DOM element the readers here use. */
interface El {
  getAttribute(name: string): string | null
  textContent: string | null
  querySelector(selector: string): El | null
  querySelectorAll(selector: string): ArrayLike<El>
}

/** A condition card in the rule builder. */
export class ConditionCardPage {
  constructor(readonly root: Locator) {}

  get summary(): Locator {
    return this.root.getByTestId('ar-card-summary')
  }
  get errors(): Locator {
    return this.root.getByTestId('ar-card-errors')
  }

  // Pattern
  get patternSearch(): Locator {
    return this.root.getByTestId('ar-pattern-search')
  }
  patternOption(name: string): Locator {
    return this.root.locator(`[data-testid="ar-pattern-option"][data-name="${name}"]`)
  }
  get pickedPatterns(): Locator {
    return this.root.getByTestId('ar-picked')
  }
  /** Search the catalogue and tick one pattern (by its catalogue name). */
  async pickPattern(name: string): Promise<void> {
    if ((await this.patternSearch.count()) === 0) await this.root.getByTestId('ar-pattern-toggle').click()
    await this.patternSearch.fill(name)
    await this.patternOption(name).click()
    await expect(this.patternOption(name)).toHaveAttribute('aria-selected', 'true')
    await expect(this.root.locator(`[data-testid="ar-picked"][data-name="${name}"]`)).toBeVisible()
  }

  // Symbols
  get includeSymbols(): Locator {
    return this.root.getByTestId('c-symbol-include')
  }
  get excludeSymbols(): Locator {
    return this.root.getByTestId('c-symbol-exclude')
  }

  // Confidence: two range thumbs and their text ("80% – 100%")
  get confidenceLow(): Locator {
    return this.root.getByTestId('c-confidence-confidence-low')
  }
  get confidenceHigh(): Locator {
    return this.root.getByTestId('c-confidence-confidence-high')
  }
  get confidenceText(): Locator {
    return this.root.getByTestId('c-confidence-confidence-text')
  }

  /** A toggle chip of this card (`chip-regime-Bull`, `chip-quadrant-leading`, `chip-tier-intraday`...). */
  chip(testId: string): Locator {
    return this.root.getByTestId(testId)
  }
  // Risk: two thumbs
  get riskLow(): Locator {
    return this.root.getByTestId('c-risk-risk-low')
  }
}

export class AlertRulesPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('alert-rules')
  }
  get editor(): Locator {
    return this.root.getByTestId('ar-editor')
  }
  /** The editor's rule id ('' for a new rule). */
  async editorRuleId(): Promise<string> {
    return (await this.editor.getAttribute('data-rule-id')) ?? ''
  }
  get name(): Locator {
    return this.root.getByTestId('ar-name')
  }
  get save(): Locator {
    return this.root.getByTestId('ar-save')
  }
  get sendTest(): Locator {
    return this.root.getByTestId('ar-test')
  }
  get testResult(): Locator {
    return this.root.getByTestId('ar-test-result')
  }
  get notice(): Locator {
    return this.root.getByTestId('ar-notice')
  }
  get dirty(): Locator {
    return this.root.getByTestId('ar-dirty')
  }
  get newRule(): Locator {
    return this.root.getByTestId('ar-new')
  }
  get rules(): Locator {
    return this.root.getByTestId('ar-rule')
  }
  rule(name: string): Locator {
    return this.rules.filter({ has: this.page.locator('.ar-rule-name', { hasText: name }) })
  }
  get cards(): Locator {
    return this.root.getByTestId('ar-card')
  }
  /** The nth card of a kind (in document order). */
  card(kind: ConditionKind, nth = 0): ConditionCardPage {
    return new ConditionCardPage(this.root.locator(`[data-testid="ar-card"][data-kind="${kind}"]`).nth(nth))
  }

  /** "+ Add" on the root group, then the kind; returns the new card. */
  async addCondition(kind: ConditionKind): Promise<ConditionCardPage> {
    const cards = this.root.locator(`[data-testid="ar-card"][data-kind="${kind}"]`)
    const before = await cards.count()
    await this.root.locator('[data-testid="ar-group"][data-depth="1"]').first().getByTestId('ar-add').first().click()
    await this.root.getByTestId(`ar-add-${kind}`).click()
    await expect(cards).toHaveCount(before + 1)
    return this.card(kind, before)
  }

  // Channels and noise control
  channel(kind: 'desktop' | 'toast' | 'email'): Locator {
    return this.root.getByTestId(`ar-ch-${kind}`)
  }
  get quietHours(): Locator {
    return this.root.getByTestId('ar-noise-quiet')
  }
  get quietFrom(): Locator {
    return this.root.getByTestId('ar-noise-quiet-from')
  }
  get quietTo(): Locator {
    return this.root.getByTestId('ar-noise-quiet-to')
  }
  /** Quiet hours on, from `from` to `to` (HH:MM, New York). */
  async setQuietHours(from: string, to: string): Promise<void> {
    await this.quietHours.check()
    await this.quietFrom.fill(from)
    await this.quietTo.fill(to)
    await expect(this.quietFrom).toHaveValue(from)
    await expect(this.quietTo).toHaveValue(to)
  }

  // Preview
  get preview(): Locator {
    return this.root.getByTestId('ar-preview')
  }
  get previewSentence(): Locator {
    return this.root.getByTestId('ar-preview-sentence')
  }
  get previewExamples(): Locator {
    return this.root.getByTestId('ar-preview-example')
  }

  /** Save and wait for the editor to show the saved rule (its id); returns the id. */
  async saveRule(): Promise<string> {
    await this.save.click()
    await expect(this.notice).toHaveText(/^Saved/)
    await expect(this.dirty).toHaveCount(0)
    await expect(this.editor).not.toHaveAttribute('data-rule-id', '')
    return this.editorRuleId()
  }
}

/** One row of the Alerts panel as the page shows it. */
export interface AlertRowData {
  id: number
  read: boolean
  suppressed: boolean
  symbol: string
  pattern: string
  rule: string
  /** The row's tooltip ("Matched: …"). */
  title: string
  /** "held" and its tooltip when a noise control held the alert back. */
  held: { text: string; title: string } | null
  channels: { channel: string; state: string; title: string }[]
}

export class AlertsPanelPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('alerts-panel')
  }
  get rows(): Locator {
    return this.root.getByTestId('alert-row')
  }
  row(id: number): Locator {
    return this.root.locator(`[data-testid="alert-row"][data-id="${id}"]`)
  }
  rowsFor(symbol: string): Locator {
    return this.rows.filter({ has: this.page.locator('.al-sym', { hasText: new RegExp(`^${symbol.replace(/[.^]/g, '\\$&')}$`) }) })
  }
  get unread(): Locator {
    return this.root.getByTestId('alerts-unread')
  }
  get empty(): Locator {
    return this.root.getByTestId('alerts-empty')
  }
  get permissionBanner(): Locator {
    return this.root.getByTestId('alerts-permission-banner')
  }
  get enableNotifications(): Locator {
    return this.root.getByTestId('alerts-enable-notifications')
  }
  get permissionNote(): Locator {
    return this.root.getByTestId('alerts-permission-note')
  }
  /** The "(N)" unread badge in the Alerts tab. */
  get tabBadge(): Locator {
    return this.page.getByTestId('alerts-tab-unread')
  }

  /** The rendered rows, top to bottom, read in one go. */
  async readRows(rows: Locator = this.rows): Promise<AlertRowData[]> {
    return rows.evaluateAll((els: El[]) =>
      els.map((el) => {
        const cls = el.getAttribute('class') ?? ''
        const held = el.querySelector('.al-suppressed')
        return {
          id: Number(el.getAttribute('data-id')),
          read: el.getAttribute('data-read') === 'true',
          suppressed: /\bsuppressed\b/.test(cls),
          symbol: el.querySelector('.al-sym')?.textContent ?? '',
          pattern: el.querySelector('.al-pattern')?.textContent ?? '',
          rule: el.querySelector('.al-rule')?.textContent ?? '',
          title: el.getAttribute('title') ?? '',
          held: held ? { text: held.textContent ?? '', title: held.getAttribute('title') ?? '' } : null,
          channels: Array.from(el.querySelectorAll('[data-testid="alert-channel"]')).map((c) => ({
            channel: c.getAttribute('data-channel') ?? '',
            state: c.getAttribute('data-state') ?? '',
            title: c.getAttribute('title') ?? '',
          })),
        }
      }),
    )
  }
}

export interface ToastData {
  id: number
  symbol: string
  pattern: string
  rule: string
}

export class AlertToastsPage {
  constructor(readonly page: Page) {}

  get root(): Locator {
    return this.page.getByTestId('alert-toasts')
  }
  get toasts(): Locator {
    return this.root.getByTestId('alert-toast')
  }
  toast(alertId: number): Locator {
    return this.root.locator(`[data-testid="alert-toast"][data-alert-id="${alertId}"]`)
  }
  /** Toasts whose symbol is exactly `symbol`. */
  forSymbol(symbol: string): Locator {
    return this.toasts.filter({ has: this.page.locator('.alert-toast-symbol', { hasText: new RegExp(`^${symbol.replace(/[.^]/g, '\\$&')}$`) }) })
  }
  /** What one toast shows: its alert id, symbol, pattern, the rule's name. */
  async read(toast: Locator): Promise<ToastData> {
    const [data] = await this.readAll(toast.first())
    if (!data) throw new Error('no such toast')
    return data
  }
  /** Every toast shown (or those of `toasts`), newest first. */
  async readAll(toasts: Locator = this.toasts): Promise<ToastData[]> {
    return toasts.evaluateAll((els: El[]) =>
      els.map((el) => ({
        id: Number(el.getAttribute('data-alert-id')),
        symbol: el.querySelector('.alert-toast-symbol')?.textContent ?? '',
        pattern: el.querySelector('.alert-toast-pattern')?.textContent ?? '',
        rule: el.querySelector('.alert-toast-rule')?.textContent ?? '',
      })),
    )
  }
}
