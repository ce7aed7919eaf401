import { describe, expect, it } from 'vitest'
import { createTerminalStore, mergeNewestFirst, MAX_EVENTS_PER_TIER } from './terminal-store'
import { makeEvent } from '../test-support/fixtures'

const ids = (events: { id: number }[]) => events.map((e) => e.id)

describe('mergeNewestFirst', () => {
  it('prepends newer events, newest first', () => {
    const held = [makeEvent(3, 'daily'), makeEvent(2, 'daily')]
    expect(ids(mergeNewestFirst(held, [makeEvent(4, 'daily'), makeEvent(5, 'daily')], 10))).toEqual([5, 4, 3, 2])
  })

  it('places late (older) events in order and replaces duplicates by id', () => {
    const held = [makeEvent(9, 'daily'), makeEvent(5, 'daily'), makeEvent(1, 'daily')]
    const replacement = makeEvent(5, 'daily', { symbol: 'MSFT' })
    const merged = mergeNewestFirst(held, [makeEvent(7, 'daily'), replacement, makeEvent(7, 'daily')], 10)
    expect(ids(merged)).toEqual([9, 7, 5, 1])
    expect(merged[2]!.symbol).toBe('MSFT')
  })

  it('keeps at most cap events, dropping the oldest', () => {
    const held = [makeEvent(2, 'daily'), makeEvent(1, 'daily')]
    expect(ids(mergeNewestFirst(held, [makeEvent(3, 'daily')], 2))).toEqual([3, 2])
  })
})

describe('terminal store', () => {
  it(`bounds each tier to ${MAX_EVENTS_PER_TIER} rows, newest first`, () => {
    const store = createTerminalStore()
    const batch = Array.from({ length: 700 }, (_, i) => makeEvent(i + 1, 'intraday'))
    store.getState().applyEvents(batch.slice(0, 350))
    store.getState().applyEvents(batch.slice(350))
    const rows = store.getState().events.intraday
    expect(rows).toHaveLength(MAX_EVENTS_PER_TIER)
    expect(rows[0]!.id).toBe(700)
    expect(rows[MAX_EVENTS_PER_TIER - 1]!.id).toBe(201)
  })

  it('dedupes events seen twice (initial query overlapping a push)', () => {
    const store = createTerminalStore()
    store.getState().applyEvents([makeEvent(1, 'combo'), makeEvent(2, 'combo')])
    store.getState().applyEvents([makeEvent(2, 'combo'), makeEvent(3, 'combo')])
    expect(ids(store.getState().events.combo)).toEqual([3, 2, 1])
  })

  it('applies a mixed-tier push as one store update and leaves other tiers untouched', () => {
    const store = createTerminalStore()
    store.getState().applyEvents([makeEvent(1, 'combo')])
    const comboBefore = store.getState().events.combo
    let updates = 0
    store.subscribe(() => updates++)
    store.getState().applyEvents([makeEvent(2, 'daily'), makeEvent(3, 'intraday'), makeEvent(4, 'daily')])
    expect(updates).toBe(1)
    const s = store.getState()
    expect(ids(s.events.daily)).toEqual([4, 2])
    expect(ids(s.events.intraday)).toEqual([3])
    expect(s.events.combo).toBe(comboBefore)
  })

  it('ignores an empty push', () => {
    const store = createTerminalStore()
    let updates = 0
    store.subscribe(() => updates++)
    store.getState().applyEvents([])
    expect(updates).toBe(0)
  })
})
