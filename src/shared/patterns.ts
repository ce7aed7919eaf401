/**
 * Pattern names collide across producer conventions (`DojiPattern`, `Doji`,
 * `doji`; `WeeklyBO`, `Weekly_Breakout`, `WeeklyBreakout`). The key compares
 * them case-insensitively with `_`, `-`, spaces and a trailing `pattern` removed,
 * `&` read as `and`, and folds the known abbreviations.
 */
import { lookupPattern } from './pattern-catalogue'

/** Words that end in `bo` without being a `BO` (breakout) abbreviation. */
const ENDS_IN_BO_WORD = /(combo|turbo|jumbo|limbo|gumbo|dumbo|mumbo)$/

const ABBREVIATIONS: [RegExp, string][] = [
  [/^hs$/, 'headandshoulders'],
  [/^ihs$/, 'inverseheadandshoulders'],
]

const memo = new Map<string, string>()
const MEMO_MAX = 2000

/** Memoized: a few dozen names repeat on every message. */
export function patternKey(name: string): string {
  const hit = memo.get(name)
  if (hit !== undefined) return hit
  const key = computeKey(name)
  if (memo.size >= MEMO_MAX) memo.clear()
  memo.set(name, key)
  return key
}

function computeKey(name: string): string {
  let k = name.toLowerCase().replace(/&/g, 'and').replace(/[\s_-]+/g, '')
  if (k.length > 'pattern'.length && k.endsWith('pattern')) k = k.slice(0, -'pattern'.length)
  if (k.endsWith('bo') && !ENDS_IN_BO_WORD.test(k)) k = `${k.slice(0, -2)}breakout`
  for (const [re, full] of ABBREVIATIONS) if (re.test(k)) k = k.replace(re, full)
  return k
}

/** The name to show for a pattern: the catalogue's when known, else as the producer spelled it. */
export function displayName(name: string, key: string = patternKey(name)): string {
  return lookupPattern(name, key)?.name ?? name
}
