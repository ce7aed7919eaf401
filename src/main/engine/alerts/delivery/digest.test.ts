import { describe, expect, it } from 'vitest'
import { ruleId } from '../../../../shared/alerts'
import { epochMs } from '../../../../shared/domain'
import { DigestQueue, type Digest } from './digest'
import { fakeClock } from './fake-clock'
import { makeAlert, T0 } from './test-alerts'

function setup(maxAlerts?: number) {
  const clock = fakeClock(T0)
  const sent: Digest[] = []
  const queue = new DigestQueue({ now: clock.now, timers: clock, send: (d) => sent.push(d), maxAlerts })
  return { clock, sent, queue }
}

const other = ruleId('rule-breakouts')

describe('DigestQueue', () => {
  it('collects a rule\'s alerts for digestMinutes from the first one, then sends them once', () => {
    const { clock, sent, queue } = setup()
    queue.add(makeAlert({ id: 1 }), 15)
    clock.advance(5 * 60_000)
    queue.add(makeAlert({ id: 2 }), 15)
    clock.advance(10 * 60_000 - 1)
    expect(sent).toHaveLength(0)
    clock.advance(1)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({ ruleName: 'Momentum', omitted: 0, from: T0, to: T0 + 15 * 60_000 })
    expect(sent[0]!.alerts.map((a) => a.id)).toEqual([1, 2])
    expect(queue.size()).toEqual({ digests: 0, alerts: 0 })
    expect(clock.pending()).toEqual([])
  })

  it('keeps one window per rule', () => {
    const { clock, sent, queue } = setup()
    queue.add(makeAlert({ id: 1 }), 5)
    queue.add(makeAlert({ id: 2, ruleId: other, ruleName: 'Breakouts' }), 10)
    clock.advance(5 * 60_000)
    expect(sent.map((d) => d.ruleName)).toEqual(['Momentum'])
    clock.advance(5 * 60_000)
    expect(sent.map((d) => d.ruleName)).toEqual(['Momentum', 'Breakouts'])
  })

  it('opens a new window after one closes', () => {
    const { clock, sent, queue } = setup()
    queue.add(makeAlert({ id: 1 }), 5)
    clock.advance(5 * 60_000)
    queue.add(makeAlert({ id: 2 }), 5)
    clock.advance(5 * 60_000)
    expect(sent.map((d) => d.alerts.map((a) => a.id))).toEqual([[1], [2]])
    expect(sent[1]!.from).toBe(T0 + 5 * 60_000)
  })

  it('lists at most maxAlerts and counts the rest', () => {
    const { clock, sent, queue } = setup(500)
    for (let i = 0; i < 623; i++) queue.add(makeAlert({ id: i + 1 }), 15)
    expect(queue.size()).toEqual({ digests: 1, alerts: 623 })
    clock.advance(15 * 60_000)
    expect(sent[0]!.alerts).toHaveLength(500)
    expect(sent[0]!.alerts[499]!.id).toBe(500)
    expect(sent[0]!.omitted).toBe(123)
  })

  it('flushAll sends every open window at once, with the window cut at the flush', () => {
    const { clock, sent, queue } = setup()
    queue.add(makeAlert({ id: 1 }), 15)
    queue.add(makeAlert({ id: 2, ruleId: other }), 60)
    clock.advance(7 * 60_000)
    queue.flushAll()
    expect(sent).toHaveLength(2)
    expect(sent[0]!.to).toBe(epochMs(T0 + 7 * 60_000))
    expect(clock.pending()).toEqual([])
    clock.advance(60 * 60_000)
    expect(sent).toHaveLength(2)
  })

  it('discard drops a window without sending; dispose cancels the timers and ignores later alerts', () => {
    const { clock, sent, queue } = setup()
    queue.add(makeAlert({ id: 1 }), 15)
    queue.discard(ruleId('rule-momentum'))
    queue.add(makeAlert({ id: 2, ruleId: other }), 15)
    queue.dispose()
    queue.add(makeAlert({ id: 3 }), 15)
    expect(clock.pending()).toEqual([])
    clock.advance(60 * 60_000)
    expect(sent).toEqual([])
  })

  it('shows the rule\'s latest name', () => {
    const { clock, sent, queue } = setup()
    queue.add(makeAlert({ id: 1 }), 5)
    queue.add(makeAlert({ id: 2, ruleName: 'Momentum v2' }), 5)
    clock.advance(5 * 60_000)
    expect(sent[0]!.ruleName).toBe('Momentum v2')
  })
})
