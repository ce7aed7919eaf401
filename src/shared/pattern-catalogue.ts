/**
 * The catalogue of the patterns TickStockPL is known to send (WIRE.md): one
 * entry per pattern with its canonical display name, the other spellings seen
 * on the wire, which way it points, what kind of pattern it is, the tiers it
 * typically arrives on and its typical confidence range. The one source for
 * display names (patterns.ts) and directions (chart markers, tier boards).
 * Pure TypeScript: no Node, no DOM.
 *
 * Confidence ranges: WIRE.md gives breakouts 0.6-1.0, Head & Shoulders
 * 0.8-1.0, Doji 0.5-0.9, Hammer 0.6-0.9, volume spike 0.7-1.0. Other
 * candlesticks reuse the Hammer range, other chart patterns the breakout range,
 * and trend/momentum patterns (no figure in WIRE.md) 0.5-1.0.
 */
import type { Tier } from './domain'
import { patternKey } from './patterns'

export type PatternDirection = 'bullish' | 'bearish' | 'neutral'
export type PatternKind = 'candlestick' | 'chart' | 'breakout' | 'volume' | 'trend'

export interface CatalogueEntry {
  /** Canonical display name. */
  readonly name: string
  /** Other spellings seen from the producer (folded with patternKey on lookup). */
  readonly aliases: readonly string[]
  readonly direction: PatternDirection
  readonly kind: PatternKind
  /** Tiers the pattern typically arrives on. */
  readonly tiers: readonly Tier[]
  /** Typical confidence range, 0..1. */
  readonly confidence: readonly [min: number, max: number]
  readonly description: string
}

const CANDLE: [number, number] = [0.6, 0.9]
const BREAKOUT: [number, number] = [0.6, 1.0]
const HS: [number, number] = [0.8, 1.0]
const TREND: [number, number] = [0.5, 1.0]
const DI: Tier[] = ['daily', 'intraday']
const DIC: Tier[] = ['daily', 'intraday', 'combo']
const DC: Tier[] = ['daily', 'combo']

function e(
  name: string,
  aliases: string[],
  direction: PatternDirection,
  kind: PatternKind,
  tiers: Tier[],
  confidence: [number, number],
  description: string,
): CatalogueEntry {
  return Object.freeze({ name, aliases: Object.freeze(aliases), direction, kind, tiers: Object.freeze(tiers), confidence: Object.freeze(confidence), description })
}

export const PATTERN_CATALOGUE: readonly CatalogueEntry[] = Object.freeze([
  // ------------------------------------------------------------ candlesticks
  e('Doji', ['DojiPattern', 'doji'], 'neutral', 'candlestick', DI, [0.5, 0.9], 'Open and close nearly equal: indecision.'),
  e('Hammer', ['HammerPattern'], 'bullish', 'candlestick', DI, CANDLE, 'Small body near the high with a long lower shadow after a decline: possible bottom.'),
  e('HangingMan', ['Hanging_Man', 'HangingManPattern'], 'bearish', 'candlestick', DI, CANDLE, 'Hammer shape after an advance: possible top.'),
  e('ShootingStar', ['Shooting_Star', 'ShootingStarPattern'], 'bearish', 'candlestick', DI, CANDLE, 'Small body near the low with a long upper shadow after an advance: possible top.'),
  e('BullishEngulfing', ['Bullish_Engulfing', 'BullishEngulfingPattern'], 'bullish', 'candlestick', DI, CANDLE, 'An up candle whose body engulfs the prior down candle: reversal up.'),
  e('BearishEngulfing', ['Bearish_Engulfing', 'BearishEngulfingPattern'], 'bearish', 'candlestick', DI, CANDLE, 'A down candle whose body engulfs the prior up candle: reversal down.'),
  e('Harami', ['HaramiPattern'], 'neutral', 'candlestick', DI, CANDLE, 'A small body inside the prior large body: momentum fading, either way.'),
  e('MorningStar', ['Morning_Star'], 'bullish', 'candlestick', DI, CANDLE, 'Down candle, small star, strong up candle: three-bar reversal up.'),
  e('EveningStar', ['Evening_Star'], 'bearish', 'candlestick', DI, CANDLE, 'Up candle, small star, strong down candle: three-bar reversal down.'),
  e('ThreeWhiteSoldiers', ['Three_White_Soldiers', '3WhiteSoldiers'], 'bullish', 'candlestick', DI, CANDLE, 'Three strong up candles in a row: sustained buying.'),
  e('ThreeBlackCrows', ['Three_Black_Crows', '3BlackCrows'], 'bearish', 'candlestick', DI, CANDLE, 'Three strong down candles in a row: sustained selling.'),
  e('PiercingLine', ['Piercing_Line', 'Piercing'], 'bullish', 'candlestick', DI, CANDLE, 'An up candle closing above the midpoint of the prior down candle: reversal up.'),
  e('DarkCloudCover', ['Dark_Cloud_Cover', 'DarkCloud'], 'bearish', 'candlestick', DI, CANDLE, 'A down candle closing below the midpoint of the prior up candle: reversal down.'),
  // ---------------------------------------------------------- chart patterns
  e('HeadAndShoulders', ['Head & Shoulders', 'Head_And_Shoulders', 'HS', 'HeadAndShouldersTop'], 'bearish', 'chart', ['daily'], HS, 'Three peaks, the middle highest, then a neckline break: top reversal.'),
  e('InverseHeadAndShoulders', ['Inverse Head & Shoulders', 'Inverse_Head_And_Shoulders', 'IHS', 'InverseHS', 'HeadAndShouldersBottom'], 'bullish', 'chart', ['daily'], HS, 'Three troughs, the middle lowest, then a neckline break: bottom reversal.'),
  e('DoubleBottom', ['Double_Bottom'], 'bullish', 'chart', ['daily'], BREAKOUT, 'Two lows at about the same level: support holds, reversal up.'),
  e('DoubleTop', ['Double_Top'], 'bearish', 'chart', ['daily'], BREAKOUT, 'Two highs at about the same level: resistance holds, reversal down.'),
  e('BullFlag', ['Bull_Flag', 'BullFlagPattern', 'BullishFlag'], 'bullish', 'chart', DC, BREAKOUT, 'A sharp rise then a tight downward-sloping consolidation: continuation up.'),
  e('Triangle', ['TrianglePattern'], 'neutral', 'chart', ['daily'], BREAKOUT, 'Converging highs and lows: a breakout is coming, direction open.'),
  e('SwingHighLow', ['Swing_High_Low'], 'neutral', 'chart', DI, TREND, 'A new swing high or swing low: a turning point in price.'),
  e('GapFill', ['Gap_Fill'], 'neutral', 'chart', ['intraday'], TREND, 'Price has returned to close an earlier price gap.'),
  // ---------------------------------------------------------------- breakouts
  e('Day1Breakout', ['Day1BO', 'Day_1_Breakout', 'DayOneBreakout'], 'neutral', 'breakout', DIC, BREAKOUT, 'Price breaks out of the prior day\'s range.'),
  e('WeeklyBreakout', ['WeeklyBO', 'Weekly_Breakout', 'Weekly_BO'], 'neutral', 'breakout', DC, BREAKOUT, 'Price breaks out of the prior week\'s range.'),
  e('MultiDayBreakout', ['MultiDayBO', 'Multi_Day_Breakout'], 'neutral', 'breakout', DC, BREAKOUT, 'Price breaks out of a range held for several days.'),
  e('SRBreakout', ['SR_Breakout', 'SRBO', 'SupportResistanceBreakout'], 'neutral', 'breakout', DIC, BREAKOUT, 'Price breaks through a support or resistance level.'),
  e('VWAP_Break', ['VwapBreak', 'VWAPBreakout', 'VWAP_BO'], 'neutral', 'breakout', ['intraday'], BREAKOUT, 'Price crosses the session VWAP.'),
  e('HighOfDay', ['High_Of_Day', 'HOD', 'NewHighOfDay'], 'bullish', 'breakout', ['intraday'], BREAKOUT, 'Price makes a new high of the session.'),
  e('LowOfDay', ['Low_Of_Day', 'LOD', 'NewLowOfDay'], 'bearish', 'breakout', ['intraday'], BREAKOUT, 'Price makes a new low of the session.'),
  e('IntradayGap', ['Intraday_Gap'], 'neutral', 'breakout', ['intraday'], BREAKOUT, 'Price gaps away from the previous close or bar.'),
  // ------------------------------------------------------------------- volume
  e('VolumeSpike', ['Volume_Spike', 'VolSpike'], 'neutral', 'volume', DI, [0.7, 1.0], 'Volume far above its recent average.'),
  // -------------------------------------------------------- trend and momentum
  e('MACrossover', ['MA_Crossover', 'MACross', 'MovingAverageCrossover'], 'neutral', 'trend', DI, TREND, 'A fast moving average crosses a slow one.'),
  e('TrendingUp', ['Trending_Up', 'UpTrend'], 'bullish', 'trend', DI, TREND, 'Price in a sustained up-trend.'),
  e('TrendingDown', ['Trending_Down', 'DownTrend'], 'bearish', 'trend', DI, TREND, 'Price in a sustained down-trend.'),
  e('MinuteTrend', ['Minute_Trend'], 'neutral', 'trend', ['intraday'], TREND, 'A short-lived trend on 1-minute bars.'),
  e('MomentumSpike', ['Momentum_Spike'], 'neutral', 'trend', ['intraday'], TREND, 'A sudden burst of price momentum.'),
  e('PriceChange', ['Price_Change'], 'neutral', 'trend', DI, TREND, 'A notable percentage price move.'),
])

// Built on first use: patterns.ts imports this module and this module imports
// patternKey from it, so nothing here may call patternKey while loading.
let byKey: Map<string, CatalogueEntry> | null = null

function index(): Map<string, CatalogueEntry> {
  if (byKey) return byKey
  const m = new Map<string, CatalogueEntry>()
  for (const entry of PATTERN_CATALOGUE) {
    for (const n of [entry.name, ...entry.aliases]) {
      const k = patternKey(n)
      const prior = m.get(k)
      if (prior && prior !== entry) throw new Error(`pattern catalogue: ${n} (${entry.name}) collides with ${prior.name}`)
      m.set(k, entry)
    }
  }
  return (byKey = m)
}

/** The catalogue entry for a name, alias or key; null for a pattern it does not know. */
export function lookupPattern(nameOrKey: string, key: string = patternKey(nameOrKey)): CatalogueEntry | null {
  return index().get(key) ?? null
}

/** Which way a pattern points: from the catalogue, else "bull"/"bear" in the name, else neutral. */
export function patternDirection(nameOrKey: string, key: string = patternKey(nameOrKey)): PatternDirection {
  const entry = index().get(key)
  if (entry) return entry.direction
  if (key.includes('bull')) return 'bullish'
  if (key.includes('bear')) return 'bearish'
  return 'neutral'
}
