/**
 * A live, virtualized table of one tier's pattern events.
 *
 * Rows: the store's live window for the tier (newest 500), or a frozen copy
 * of it while paused or scrolled away from the top, followed by older rows
 * paged from the engine when the user scrolls to the end (at most MAX_PAGED).
 * Filtering and sorting are derived with useMemo from those arrays' identity;
 * only the visible rows are rendered, each a memoized row without callbacks.
 */
import {
  useCallback,
  useEffect,
  useId,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  useSyncExternalStore,
  type KeyboardEvent,
  type MouseEvent,
} from 'react'
import { useVirtualizer } from '@tanstack/react-virtual'
import type { PatternEvent, Tier } from '../../../../shared/domain'
import type { PanelProps } from '../../app/panel-types'
import { useTerminalStore } from '../../state/terminal-store'
import { formatCount } from '../format'
import { BoardRow } from './BoardRow'
import { Header, Toolbar } from './BoardControls'
import {
  addPage,
  countQueued,
  deriveRows,
  emptyPaged,
  engineFilter,
  firstDir,
  hasFilters,
  isIdle,
  joinRows,
  makePredicate,
  MAX_PAGED,
  nextLinkedSector,
  PAGE_LIMIT,
  pageCursor,
  pagingKey,
  reanchor,
  trimPaged,
  type PagedRows,
} from './model'
import { useSectorInfo } from './sector-info'
import { isSectorFund, TIER_TITLES, type ColumnKey, type TierBoardFilters, type TierBoardState } from './state'
import './tier-board.css'

/** Row and header height, px (tier-board.css uses the same). */
export const ROW_H = 22
const OVERSCAN = 3
/** Ask for older rows when the last visible row is this close to the end. */
const PREFETCH_ROWS = 20
/** After scrolling back up, paged rows more than this far below the view are dropped... */
const KEEP_BELOW = PAGE_LIMIT
/** ...once there are this many. */
const TRIM_AT = KEEP_BELOW + 2 * PAGE_LIMIT
/** How long a new row counts as new (its flash animation is shorter). */
const FRESH_MS = 1200
/**
 * An update bringing more new rows than this does not flash them: a screen
 * of flashing rows says nothing, and dozens of animations per update cost
 * more frame time than the rows themselves.
 */
const FLASH_MAX_ROWS = 12
/** The expiry column's clock. */
const CLOCK_MS = 15_000
/** Scrolled further than this from the top freezes the rows. */
const AWAY_PX = ROW_H / 2

const estimateSize = (): number => ROW_H

/**
 * Tuning, exported for tests: how often boards take in live rows at most. At
 * thousands of events a second, re-rendering on every pushed frame costs
 * layout and paint no one can read. The first change after a quiet spell
 * still shows at once.
 */
export const liveTuning = { minIntervalMs: 200 }
/** Between boards on one tick. */
const STAGGER_MS = 35

/**
 * One clock for every board: boards with new rows take them in on the same
 * tick, staggered a couple of frames apart, so no single frame lays out every
 * board's rows at once (at high rates every visible row is new each time).
 */
const liveClock = {
  active: new Set<() => void>(),
  pending: new Set<() => void>(),
  timer: null as ReturnType<typeof setTimeout> | null,
  last: -Infinity,
  flush(): void {
    liveClock.timer = null
    liveClock.last = performance.now()
    const due = [...liveClock.pending]
    liveClock.pending.clear()
    let i = 0
    const step = (): void => {
      const notify = due[i++]
      if (notify && liveClock.active.has(notify)) notify()
      if (i < due.length) setTimeout(step, STAGGER_MS)
    }
    step()
  },
  request(notify: () => void): void {
    liveClock.pending.add(notify)
    if (liveClock.timer !== null) return
    const wait = liveTuning.minIntervalMs - (performance.now() - liveClock.last)
    if (wait <= 0) liveClock.flush()
    else liveClock.timer = setTimeout(liveClock.flush, wait)
  },
}

/** The tier's live rows, taken in on the shared clock; while the panel is hidden, the rows it last showed. */
function useLiveRows(tier: Tier, visible: boolean): PatternEvent[] {
  const store = useTerminalStore()
  const held = useRef<{ tier: Tier; rows: PatternEvent[] } | null>(null)
  const subscribe = useCallback(
    (notify: () => void) => {
      if (!visible) return () => {}
      liveClock.active.add(notify)
      const unsubscribe = store.subscribe((s, prev) => {
        if (s.events[tier] !== prev.events[tier]) liveClock.request(notify)
      })
      return () => {
        unsubscribe()
        liveClock.active.delete(notify)
        liveClock.pending.delete(notify)
      }
    },
    [store, tier, visible],
  )
  // Stable, so React re-checks the store after a commit only when the rows it rendered changed.
  const getSnapshot = useCallback((): PatternEvent[] => {
    const h = held.current
    if (!visible && h && h.tier === tier) return h.rows
    const rows = store.getState().events[tier]
    if (h?.rows !== rows || h.tier !== tier) held.current = { tier, rows }
    return rows
  }, [store, tier, visible])
  return useSyncExternalStore(subscribe, getSnapshot)
}

/** Recent arrivals: rows with lo < id <= hi came in at `at`. */
interface FreshTracker {
  rows: readonly PatternEvent[] | null
  tier: Tier
  marks: { lo: number; hi: number; at: number }[]
}

/** How many rows of a newest-first list are newer than `id`. */
function countNewer(rows: readonly PatternEvent[], id: number): number {
  let lo = 0
  let hi = rows.length
  while (lo < hi) {
    const mid = (lo + hi) >>> 1
    if (rows[mid]!.id > id) lo = mid + 1
    else hi = mid
  }
  return lo
}

export function TierBoardView({ state, setState, link, api, visible }: PanelProps<TierBoardState>) {
  const { tier, sort, followLinkedSector } = state
  const { symbol: fSymbol, pattern: fPattern, minConfidence: fConf, priority: fPriority, aligned: fAligned, quadrants: fQuadrants, sector: fSector } = state.filters
  const ownFilters = useMemo<TierBoardFilters>(
    () => ({ symbol: fSymbol, pattern: fPattern, minConfidence: fConf, priority: fPriority, aligned: fAligned, quadrants: fQuadrants, sector: fSector }),
    [fSymbol, fPattern, fConf, fPriority, fAligned, fQuadrants, fSector],
  )

  // ------------------------------------------------------------ linked sector (drill-down from the market panels)
  const sectorInfo = useSectorInfo(api)
  /** The last symbol and sector this board linked from its own rows: that stock keeps the sector shown even if the table does not know it. */
  const ownPick = useRef<{ symbol: string; sector: string } | null>(null)
  const [linked, setLinked] = useState(() => ({ symbol: link.symbol, sector: link.symbol && isSectorFund(link.symbol) ? link.symbol : null }))
  let linkedNow = linked
  if (linked.symbol !== link.symbol) {
    // Render-phase update (as for the tier below), used at once: no render with the old sector's rows.
    const pick = ownPick.current
    const sector = nextLinkedSector(linked.sector, link.symbol, (s) => (pick?.symbol === s ? pick.sector : sectorInfo.fundOf.get(s)))
    linkedNow = { symbol: link.symbol, sector }
    setLinked(linkedNow)
  }
  const linkedSector = followLinkedSector ? linkedNow.sector : null
  // The linked sector stands in for the board's own sector choice while it lasts.
  const filters = useMemo<TierBoardFilters>(
    () => (linkedSector && linkedSector !== ownFilters.sector ? { ...ownFilters, sector: linkedSector } : ownFilters),
    [ownFilters, linkedSector],
  )
  const predicate = useMemo(() => makePredicate(filters), [filters])
  const key = useMemo(() => pagingKey(tier, filters), [tier, filters])
  const live = useLiveRows(tier, visible)

  // ------------------------------------------------------------ freezing (pause, scrolled away)
  const [paused, setPaused] = useState(false)
  const pausedRef = useRef(false)
  const [frozen, setFrozen] = useState<readonly PatternEvent[] | null>(null)
  const [selectedId, setSelectedId] = useState<number | null>(null)
  const [shownTier, setShownTier] = useState(tier)
  const awayRef = useRef(false)
  if (shownTier !== tier) {
    // Another tier: start over (render-phase reset, React's pattern for state derived from props).
    setShownTier(tier)
    pausedRef.current = false
    setPaused(false)
    setFrozen(null)
    setSelectedId(null)
  }
  const above = frozen && shownTier === tier ? frozen : live

  // ------------------------------------------------------------ paged rows
  const [pagedState, setPaged] = useState<PagedRows>(() => emptyPaged(key, above))
  let paged = pagedState
  if (paged.key !== key) paged = emptyPaged(key, above)
  else if (paged.anchor !== above && !isIdle(paged)) paged = reanchor(paged, above, predicate)
  if (paged !== pagedState && !(isIdle(paged) && isIdle(pagedState))) setPaged(paged)
  const [inFlight, setInFlight] = useState(false)
  const inFlightRef = useRef(false)

  // ------------------------------------------------------------ derived rows
  const joined = useMemo(() => joinRows(above, paged.rows), [above, paged.rows])
  const rows = useMemo(() => deriveRows(joined, predicate, sort.key, sort.dir), [joined, predicate, sort.key, sort.dir])
  const queued = useMemo(() => (frozen ? countQueued(live, frozen, predicate) : null), [live, frozen, predicate])

  const fresh = useRef<FreshTracker>({ rows: null, tier, marks: [] })
  const freshMarks = useMemo(() => {
    const f = fresh.current
    const t = performance.now()
    if (f.rows !== null && f.tier === tier && f.rows !== above) {
      const prevTop = f.rows[0]?.id ?? -Infinity
      const top = above[0]?.id ?? -Infinity
      if (top > prevTop && countNewer(above, prevTop) <= FLASH_MAX_ROWS) f.marks.push({ lo: prevTop, hi: top, at: t })
    }
    f.rows = above
    f.tier = tier
    while (f.marks.length > 0 && t - f.marks[0]!.at > FRESH_MS) f.marks.shift()
    return f.marks.length > 0 ? f.marks.slice() : null
  }, [above, tier])
  const isFresh = (id: number): boolean => freshMarks !== null && freshMarks.some((m) => id > m.lo && id <= m.hi)

  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    if (!visible) return
    setNow(Date.now())
    const timer = setInterval(() => setNow(Date.now()), CLOCK_MS)
    return () => clearInterval(timer)
  }, [visible])

  // ------------------------------------------------------------ virtualization
  const scrollRef = useRef<HTMLDivElement>(null)
  useEffect(() => {
    // Another tier starts at its top.
    awayRef.current = false
    if (scrollRef.current) scrollRef.current.scrollTop = 0
  }, [tier])
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize,
    overscan: OVERSCAN,
    scrollMargin: ROW_H, // the sticky header above the rows
  })
  const items = virtualizer.getVirtualItems()
  const lastIndex = items.length > 0 ? items[items.length - 1]!.index : -1
  const offsetY = items.length > 0 ? items[0]!.start - ROW_H : 0

  // Latest values for event handlers (kept stable for the memoized toolbar and header).
  const latest = useRef({ state, setState, link, live, rows })
  useLayoutEffect(() => {
    latest.current = { state, setState, link, live, rows }
  })

  // ------------------------------------------------------------ paging
  const atEnd = lastIndex >= rows.length - 1 - PREFETCH_ROWS
  const canPage =
    visible && atEnd && above.length > 0 && !inFlight && !paged.exhausted && paged.error === null && paged.rows.length < MAX_PAGED
  useEffect(() => {
    if (!canPage || inFlightRef.current) return
    const base = isIdle(paged) ? emptyPaged(key, above) : paged
    const cursor = pageCursor(base)
    if (!cursor) return
    inFlightRef.current = true
    setInFlight(true)
    setPaged({ ...base, loading: true })
    const settle = (update: (cur: PagedRows) => PagedRows) => {
      inFlightRef.current = false
      setInFlight(false)
      setPaged(update)
    }
    const fail = (err: unknown) => settle((cur) => (cur.key === key ? { ...cur, loading: false, error: err instanceof Error ? err.message : String(err) } : cur))
    let request: ReturnType<typeof api.invoke<'patterns.query'>>
    try {
      request = api.invoke('patterns.query', { tier, ...engineFilter(filters), before: cursor, limit: PAGE_LIMIT })
    } catch (err) {
      fail(err)
      return
    }
    request.then(
      (res) =>
        settle((cur) =>
          res.ok
            ? addPage(cur, key, cursor, res.value.patterns, PAGE_LIMIT)
            : cur.key === key
              ? { ...cur, loading: false, error: res.error.message }
              : cur,
        ),
      fail,
    )
    // `paged` and `rows.length` are deps so that a page that added no visible rows asks again.
  }, [canPage, paged, rows.length, key, above, api, tier, filters])

  // Scrolled back up, far from the paged rows' end: drop the far end (newest-first order only, where it is the bottom).
  useEffect(() => {
    if (sort.key !== 'time' || sort.dir !== 'desc' || paged.loading || paged.rows.length === 0) return
    if (rows.length - 1 - lastIndex <= TRIM_AT) return
    const keepTo = rows[lastIndex + KEEP_BELOW]
    const keep = keepTo ? paged.rows.indexOf(keepTo) + 1 : paged.rows.length
    setPaged((cur) => (cur === paged ? trimPaged(cur, keep) : cur))
  }, [lastIndex, rows, paged, sort.key, sort.dir])

  // ------------------------------------------------------------ handlers
  const freeze = useCallback((want: boolean) => {
    setFrozen((f) => (want ? (f ?? latest.current.live) : null))
  }, [])

  const onTogglePause = useCallback(() => {
    const p = !pausedRef.current
    pausedRef.current = p
    setPaused(p)
    if (p) freeze(true)
    else {
      // Resume: back to the top, the queued rows flow in.
      awayRef.current = false
      const el = scrollRef.current
      if (el) el.scrollTop = 0
      freeze(false)
    }
  }, [freeze])

  const onScroll = useCallback(() => {
    const el = scrollRef.current
    if (!el) return
    const away = el.scrollTop > AWAY_PX
    if (away === awayRef.current) return
    awayRef.current = away
    freeze(pausedRef.current || away)
  }, [freeze])

  /** The queued count: jump to the top and let the rows in. */
  const onShowNew = useCallback(() => {
    awayRef.current = false
    pausedRef.current = false
    const el = scrollRef.current
    if (el) el.scrollTop = 0
    setPaused(false)
    freeze(false)
  }, [freeze])

  const onSort = useCallback((col: ColumnKey) => {
    const { state: s, setState: set } = latest.current
    set({ ...s, sort: s.sort.key === col ? { key: col, dir: s.sort.dir === 'asc' ? 'desc' : 'asc' } : { key: col, dir: firstDir(col) } })
  }, [])
  const onFilters = useCallback((patch: Partial<TierBoardFilters>) => {
    const { state: s, setState: set } = latest.current
    set({ ...s, filters: { ...s.filters, ...patch } })
  }, [])
  const onFollowLinkedSector = useCallback((follow: boolean) => {
    const { state: s, setState: set } = latest.current
    if (follow !== s.followLinkedSector) set({ ...s, followLinkedSector: follow })
  }, [])
  /** Link a row's symbol, remembering its sector so that the drill-down survives the pick. */
  const linkRow = (row: PatternEvent) => {
    ownPick.current = row.market?.sector ? { symbol: row.symbol, sector: row.market.sector } : null
    link.setSymbol(row.symbol)
  }
  const onTier = useCallback((t: Tier) => {
    const { state: s, setState: set } = latest.current
    if (t !== s.tier) set({ ...s, tier: t })
  }, [])
  const liveRows = useCallback(() => latest.current.live, [])

  const moveTo = (index: number) => {
    const target = rows[index]
    if (!target) return
    setSelectedId(target.id)
    virtualizer.scrollToIndex(index, { align: 'auto' })
  }

  const onKeyDown = (ev: KeyboardEvent<HTMLDivElement>) => {
    const n = rows.length
    if (n === 0) return
    const current = selectedId === null ? -1 : rows.findIndex((r) => r.id === selectedId)
    const el = scrollRef.current
    const page = Math.max(1, Math.floor(((el?.clientHeight ?? 0) - ROW_H) / ROW_H) - 1)
    let next: number
    switch (ev.key) {
      case 'ArrowDown':
        next = current < 0 ? 0 : Math.min(n - 1, current + 1)
        break
      case 'ArrowUp':
        next = current < 0 ? 0 : Math.max(0, current - 1)
        break
      case 'PageDown':
        next = current < 0 ? Math.min(n - 1, page) : Math.min(n - 1, current + page)
        break
      case 'PageUp':
        next = current < 0 ? 0 : Math.max(0, current - page)
        break
      case 'Home':
        next = 0
        break
      case 'End':
        next = n - 1
        break
      case 'Enter': {
        ev.preventDefault()
        const row = rows[current]
        if (row) linkRow(row)
        return
      }
      default:
        return
    }
    ev.preventDefault()
    moveTo(next)
  }

  const onClick = (ev: MouseEvent<HTMLDivElement>) => {
    const rowEl = (ev.target as Element).closest?.('[data-testid="event-row"]')
    if (!rowEl) return
    const id = Number(rowEl.getAttribute('data-id'))
    const row = rows.find((r) => r.id === id)
    if (!row) return
    setSelectedId(id)
    linkRow(row)
  }

  // ------------------------------------------------------------ render
  const baseId = useId()
  const rowDomId = (id: number) => `${baseId}-row-${id}`
  const selectedVisible = selectedId !== null && items.some((it) => rows[it.index]?.id === selectedId)
  const filtered = hasFilters(filters)
  const title = TIER_TITLES[tier]

  let status: string
  if (paged.error) status = `older rows: ${paged.error}`
  else if (paged.loading) status = 'loading older rows…'
  else if (paged.exhausted) status = 'no older rows'
  else if (paged.rows.length >= MAX_PAGED) status = `${formatCount(MAX_PAGED)} older rows held: narrow the filters to go further back`
  else status = ''

  return (
    <div className="tb" data-testid="tier-board" data-tier={tier} data-paused={paused || undefined} data-frozen={frozen ? true : undefined}>
      <div className="tb-toolbar">
        <Toolbar
          tier={tier}
          filters={ownFilters}
          linkedSector={linkedSector}
          followLinkedSector={followLinkedSector}
          sectorNames={sectorInfo.names}
          liveRows={liveRows}
          listId={`${baseId}-patterns`}
          onTier={onTier}
          onFilters={onFilters}
          onFollowLinkedSector={onFollowLinkedSector}
        />
        <span className="tb-spacer" />
        {queued && (
          <button type="button" className="tb-queued" data-testid="queued" title="Show the new rows" onClick={onShowNew}>
            {queued.overflow ? `${formatCount(queued.count)}+` : formatCount(queued.count)} new
          </button>
        )}
        <button
          type="button"
          className={paused ? 'tb-pause is-paused' : 'tb-pause'}
          data-testid="pause"
          aria-pressed={paused}
          title={paused ? 'Resume: show the queued rows' : 'Pause: freeze the rows and queue new ones'}
          onClick={onTogglePause}
        >
          {paused ? '▶ Resume' : '❚❚ Pause'}
        </button>
      </div>
      <div
        ref={scrollRef}
        className="tb-scroll"
        role="grid"
        aria-label={`${title} patterns`}
        aria-rowcount={rows.length + 1}
        aria-activedescendant={selectedVisible ? rowDomId(selectedId) : undefined}
        tabIndex={0}
        data-testid="tier-board-rows"
        onScroll={onScroll}
        onKeyDown={onKeyDown}
        onClick={onClick}
      >
        <Header sortKey={sort.key} sortDir={sort.dir} onSort={onSort} />
        <div className="tb-canvas" style={{ height: virtualizer.getTotalSize() }}>
          <div className="tb-rows" role="rowgroup" style={{ transform: `translateY(${offsetY}px)` }}>
            {items.map((it) => {
              const e = rows[it.index]!
              return (
                <BoardRow
                  key={e.id}
                  event={e}
                  domId={rowDomId(e.id)}
                  selected={e.id === selectedId}
                  fresh={isFresh(e.id)}
                  linked={e.symbol === link.symbol}
                  now={now}
                  sectorNames={sectorInfo.names}
                />
              )
            })}
          </div>
        </div>
        {rows.length === 0 && (
          <div className="tb-empty" data-testid="empty">
            {filtered
              ? paged.loading
                ? 'No matching rows yet; searching older rows…'
                : 'No rows match the filters'
              : `Waiting for ${title.toLowerCase()} patterns…`}
          </div>
        )}
      </div>
      <div className="tb-foot">
        <span className="tb-count" data-testid="row-count">
          {formatCount(rows.length)} rows
        </span>
        <span className="tb-status" data-testid="paging-status">
          {status}
        </span>
        {paged.error && (
          <button type="button" className="tb-retry" onClick={() => setPaged((cur) => (cur.key === key ? { ...cur, error: null } : cur))}>
            Retry
          </button>
        )}
      </div>
    </div>
  )
}
