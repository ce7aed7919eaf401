/** Alerts for the delivery tests. */
import { ruleId, type Alert } from '../../../../shared/alerts'
import { epochMs } from '../../../../shared/domain'

/** 10:31:05 New York time (EST) on Tue 3 Mar 2026. */
export const T0 = epochMs(Date.UTC(2026, 2, 3, 15, 31, 5))

export function makeAlert(over: Partial<Alert> = {}): Alert {
  return {
    id: 1,
    ruleId: ruleId('rule-momentum'),
    ruleName: 'Momentum',
    eventId: 100,
    symbol: 'AAPL',
    pattern: 'Hammer',
    tier: 'intraday',
    confidence: 0.86,
    priority: 'HIGH',
    price: 187.2,
    detectedAt: T0,
    firedAt: T0,
    urgency: 'normal',
    matched: ['confidence >= 0.80', 'regime Bull'],
    suppressedBy: null,
    channels: [],
    read: false,
    acknowledged: false,
    feedback: null,
    test: false,
    ...over,
  }
}
