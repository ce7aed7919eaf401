/**
 * Applies a theme to the document: `data-theme` on <html> (the CSS variables
 * in theme.css) and the matching golden-layout theme. golden-layout's base and
 * theme CSS go into one <style> at the start of <head>, so theme.css (later)
 * overrides them at equal specificity; swapping themes swaps its text.
 */
import glBase from 'golden-layout/dist/css/goldenlayout-base.css?inline'
import glDark from 'golden-layout/dist/css/themes/goldenlayout-dark-theme.css?inline'
import glLight from 'golden-layout/dist/css/themes/goldenlayout-light-theme.css?inline'
import type { Theme } from '../state/theme-store'

const STYLE_ID = 'golden-layout-theme'

export function applyTheme(theme: Theme, doc: Document = document): void {
  let style = doc.getElementById(STYLE_ID) as HTMLStyleElement | null
  if (!style) {
    style = doc.createElement('style')
    style.id = STYLE_ID
    doc.head.prepend(style)
  }
  const css = `${glBase}\n${theme === 'light' ? glLight : glDark}`
  if (style.textContent !== css) style.textContent = css
  doc.documentElement.dataset.theme = theme
  doc.documentElement.style.colorScheme = theme
}
