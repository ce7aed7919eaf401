import type { PanelLink } from '../../app/panel-types'

/**
 * The one-line hint under a market panel's head saying what a click does:
 * it sets the link group's symbol, so it only reaches other panels when this
 * one is linked.
 */
export function DrillHint({ link, text }: { link: PanelLink; text: string }) {
  const unlinked = link.color === 'none'
  return (
    <div className="market-hint dim" data-testid="drill-hint">
      {text}
      {unlinked && <span className="market-hint-warn"> · not linked: pick a link colour on the tab to drive other panels</span>}
    </div>
  )
}
