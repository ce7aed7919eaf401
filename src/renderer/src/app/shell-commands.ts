/** Every shell action as a Command, for the palette and the menu bar alike. */
import type { LayoutSummary } from '../../../shared/domain'
import type { Theme } from '../state/theme-store'
import type { Command } from './commands'
import type { PanelEntry } from './panel-registry'

export type DialogRequest = { kind: 'save-as' } | { kind: 'rename'; name: string } | { kind: 'delete'; name: string } | { kind: 'manage' }

export interface CommandContext {
  panels: readonly PanelEntry[]
  layouts: readonly LayoutSummary[]
  current: string | null
  theme: Theme
  openPanel(entry: PanelEntry): void
  saveLayout(): void
  loadLayout(name: string): void
  resetLayout(): void
  openDialog(request: DialogRequest): void
  setTheme(theme: Theme): void
  openPalette(): void
}

export function buildCommands(ctx: CommandContext): Command[] {
  const commands: Command[] = []
  commands.push({ id: 'symbol.jump', group: 'Symbol', title: 'Go to symbol…', keywords: 'ticker jump chart link', hint: 'type a ticker', run: ctx.openPalette })

  for (const entry of ctx.panels) {
    commands.push({ id: `panel.open:${entry.id}`, group: 'Panels', title: `Open ${entry.name}`, keywords: 'new add show panel window', run: () => ctx.openPanel(entry) })
  }

  commands.push(
    { id: 'layout.save', group: 'Layout', title: 'Save layout', keywords: 'store keep', hint: ctx.current ?? undefined, run: ctx.saveLayout },
    { id: 'layout.save-as', group: 'Layout', title: 'Save layout as…', keywords: 'new name store copy', run: () => ctx.openDialog({ kind: 'save-as' }) },
  )
  for (const l of ctx.layouts) {
    commands.push({
      id: `layout.load:${l.name}`,
      group: 'Layout',
      title: `Load layout: ${l.name}`,
      keywords: 'open switch restore workspace',
      checked: l.name === ctx.current,
      run: () => ctx.loadLayout(l.name),
    })
  }
  if (ctx.current !== null) {
    const current = ctx.current
    commands.push(
      { id: 'layout.rename-current', group: 'Layout', title: `Rename layout "${current}"…`, keywords: 'name', run: () => ctx.openDialog({ kind: 'rename', name: current }) },
      { id: 'layout.delete-current', group: 'Layout', title: `Delete layout "${current}"…`, keywords: 'remove', run: () => ctx.openDialog({ kind: 'delete', name: current }) },
    )
  }
  for (const l of ctx.layouts) {
    if (l.name === ctx.current) continue
    commands.push(
      { id: `layout.rename:${l.name}`, group: 'Layout', title: `Rename layout: ${l.name}…`, keywords: 'name', run: () => ctx.openDialog({ kind: 'rename', name: l.name }) },
      { id: `layout.delete:${l.name}`, group: 'Layout', title: `Delete layout: ${l.name}…`, keywords: 'remove', run: () => ctx.openDialog({ kind: 'delete', name: l.name }) },
    )
  }
  commands.push(
    { id: 'layout.manage', group: 'Layout', title: 'Manage layouts…', keywords: 'list load rename delete', run: () => ctx.openDialog({ kind: 'manage' }) },
    { id: 'layout.reset', group: 'Layout', title: 'Reset layout to default', keywords: 'restore original factory', run: ctx.resetLayout },
  )

  commands.push(
    { id: 'theme.dark', group: 'Theme', title: 'Theme: Dark', keywords: 'colour color night', checked: ctx.theme === 'dark', run: () => ctx.setTheme('dark') },
    { id: 'theme.light', group: 'Theme', title: 'Theme: Light', keywords: 'colour color day', checked: ctx.theme === 'light', run: () => ctx.setTheme('light') },
    { id: 'theme.toggle', group: 'Theme', title: 'Toggle theme', keywords: 'dark light switch', run: () => ctx.setTheme(ctx.theme === 'dark' ? 'light' : 'dark') },
  )
  return commands
}
