/**
 * Pattern names collide across producer conventions (`DojiPattern`, `Doji`,
 * `doji`; `WeeklyBO`, `Weekly_Breakout`, `WeeklyBreakout`). The key compares
 * them case-insensitively with `_`, `-`, spaces and a trailing `pattern` removed,
 * and folds the known abbreviations.
 */

const ABBREVIATIONS: [RegExp, string][] = [
  [/bo$/, 'breakout'],
  [/^hs$/, 'headandshoulders'],
  [/^ihs$/, 'inverseheadandshoulders'],
]

export function patternKey(name: string): string {
  let k = name.toLowerCase().replace(/[\s_\-&]+/g, '')
  if (k.length > 'pattern'.length && k.endsWith('pattern')) k = k.slice(0, -'pattern'.length)
  for (const [re, full] of ABBREVIATIONS) if (re.test(k)) k = k.replace(re, full)
  return k
}
