/**
 * The renderer under load, in headless Debian Chromium (the e2e suite's
 * flags): redis-server, `tickstock serve` on a temp data folder, and the
 * simulator at 2,000 patterns/s (`--quirks none`). Measures:
 *  (a) cold start: navigation to the first row painted in each tier board
 *      (a MutationObserver in the page; "painted" = the frame after the row
 *      appeared: requestAnimationFrame, then a task after that frame);
 *  (b) 60 s of streaming after start-up: long tasks (PerformanceObserver
 *      'longtask'), count and longest; plus the frame intervals meanwhile;
 *  (c) frames per second while a board is scrolled by requestAnimationFrame
 *      for 5 s (into rows paged from the engine), with a Chrome performance
 *      trace of the scroll (bench/results/terminal-scroll-trace.json, for
 *      DevTools' Performance panel) and the frames it counts;
 *  (d) the page's JS heap every 5 s of (b), each after a forced GC
 *      (HeapProfiler.collectGarbage, then Runtime.getHeapUsage): start, end,
 *      max, slope. Long tasks overlapping a forced GC are counted apart.
 * Prints one JSON object. Needs `npm run build` (the host serves out/renderer).
 *
 * Run: node --import tsx bench/terminal.ts
 * Env: BENCH_SECONDS (60), BENCH_RATE (2000), BENCH_PROFILE=1 (also a CPU
 * profile of the streaming window: the functions with the most self time).
 */
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { chromium, type CDPSession, type Page } from '@playwright/test'
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../e2e/support/chromium'
import { startProcess, type ManagedProcess } from '../e2e/support/processes'
import { freePort, startRedis, type RedisHandle } from '../test/redis-server'
import { conditions, round } from './lib'

const ROOT = resolve(__dirname, '..')
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60)
const RATE = Number(process.env.BENCH_RATE ?? 2000)
const PROFILE = process.env.BENCH_PROFILE === '1'
const SAMPLE_EVERY_MS = 5000
const SCROLL_MS = 5000
const SCROLL_PX_PER_FRAME = 40
const TIERS = ['daily', 'intraday', 'combo'] as const
const RESULTS = join(ROOT, 'bench', 'results')
const TRACE_PATH = join(RESULTS, 'terminal-scroll-trace.json')

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const MB = 1024 * 1024

/** Installed before any page script: first rows per board, long tasks, first contentful paint. */
const PAGE_PROBE = String.raw`(() => {
  const b = { firstRow: {}, longtasks: [], fcp: null, frames: null };
  window.__bench = b;
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        b.longtasks.push({ start: e.startTime, duration: e.duration, name: e.name,
          attribution: (e.attribution || []).map((a) => [a.containerType, a.containerName, a.containerSrc, a.containerId].filter(Boolean).join(' ')) });
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch (e) { b.longtaskError = String(e); }
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'first-contentful-paint') b.fcp = e.startTime;
    }).observe({ type: 'paint', buffered: true });
  } catch (e) {}
  const tiers = ['daily', 'intraday', 'combo'];
  const check = () => {
    for (const tier of tiers) {
      if (b.firstRow[tier]) continue;
      if (!document.querySelector('[data-testid="tier-board"][data-tier="' + tier + '"] [data-testid="event-row"]')) continue;
      const rec = { dom: performance.now(), painted: null };
      b.firstRow[tier] = rec;
      requestAnimationFrame(() => setTimeout(() => { rec.painted = performance.now(); }, 0));
    }
    if (tiers.every((t) => b.firstRow[t])) mo.disconnect();
  };
  const mo = new MutationObserver(check);
  mo.observe(document, { childList: true, subtree: true });
})()`

/** Counts frames (requestAnimationFrame) from now until stopped; optionally scrolls an element each frame. */
const FRAME_COUNTER = String.raw`(scrollSelector, pxPerFrame) => {
  const f = { times: [], stop: false, scrolled: 0 };
  window.__bench.frames = f;
  const el = scrollSelector ? document.querySelector(scrollSelector) : null;
  const step = (t) => {
    if (f.stop) return;
    f.times.push(t);
    if (el) {
      const before = el.scrollTop;
      el.scrollTop = before + pxPerFrame;
      f.scrolled += el.scrollTop - before;
    }
    requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}`

interface LongTask {
  start: number
  duration: number
  name: string
  attribution: string[]
}

function frameStats(times: number[]): Record<string, unknown> {
  if (times.length < 2) return { frames: times.length, fps: null }
  const gaps = times.slice(1).map((t, i) => t - times[i]!)
  const sorted = [...gaps].sort((a, b) => a - b)
  const span = times[times.length - 1]! - times[0]!
  return {
    fps: { value: round(((times.length - 1) / span) * 1000, 1), unit: 'frames/s' },
    frames: times.length,
    seconds: round(span / 1000, 2),
    frameIntervalP50: { value: round(sorted[Math.floor(0.5 * (sorted.length - 1))]!, 1), unit: 'ms' },
    frameIntervalP95: { value: round(sorted[Math.floor(0.95 * (sorted.length - 1))]!, 1), unit: 'ms' },
    frameIntervalMax: { value: round(sorted[sorted.length - 1]!, 1), unit: 'ms' },
    intervalsOver33ms: gaps.filter((g) => g > 33.4).length,
  }
}

function slopePerMinute(points: { t: number; v: number }[]): number {
  const n = points.length
  if (n < 2) return 0
  const mt = points.reduce((s, p) => s + p.t, 0) / n
  const mv = points.reduce((s, p) => s + p.v, 0) / n
  let num = 0
  let den = 0
  for (const p of points) {
    num += (p.t - mt) * (p.v - mv)
    den += (p.t - mt) ** 2
  }
  return den === 0 ? 0 : (num / den) * 60_000
}

/**
 * Frames in a Chrome trace: the compositor's PipelineReporter slices, one or
 * more per frame (frame_sequence); a frame counts as presented when any of
 * its reporters ends in STATE_PRESENTED_ALL or _PARTIAL, else as dropped.
 */
export function traceFrames(trace: { traceEvents?: { name: string; ph: string; ts: number; pid: number; args?: Record<string, any> }[] }): Record<string, unknown> {
  const frames = new Map<string, { ts: number; presented: boolean }>()
  const states: Record<string, number> = {}
  for (const e of trace.traceEvents ?? []) {
    if (e.name !== 'PipelineReporter' || e.ph !== 'b') continue
    const r = e.args?.frame_reporter ?? e.args?.chrome_frame_reporter
    if (!r) continue
    const state = String(r.state ?? 'unknown')
    states[`${state}${r.frame_type ? ` (${r.frame_type})` : ''}`] = (states[`${state}${r.frame_type ? ` (${r.frame_type})` : ''}`] ?? 0) + 1
    const key = `${e.pid}:${r.frame_source}:${r.frame_sequence}`
    const f = frames.get(key) ?? { ts: e.ts, presented: false }
    if (state === 'STATE_PRESENTED_ALL' || state === 'STATE_PRESENTED_PARTIAL') f.presented = true
    frames.set(key, f)
  }
  const all = [...frames.values()]
  if (all.length < 2) return { presentedFps: null, reporterStates: states }
  const first = Math.min(...all.map((f) => f.ts))
  const last = Math.max(...all.map((f) => f.ts))
  const span = (last - first) / 1e6
  const presented = all.filter((f) => f.presented).length
  return {
    presentedFps: { value: round(presented / span, 1), unit: 'frames/s' },
    framesPresented: presented,
    framesDropped: all.length - presented,
    spanSeconds: round(span, 2),
    reporterStates: states,
  }
}

async function topSelfTime(cdp: CDPSession, ms: number): Promise<{ fn: string; selfMs: number; pct: number }[]> {
  await cdp.send('Profiler.enable')
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 })
  await cdp.send('Profiler.start')
  await sleep(ms)
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as {
    profile: { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[]; samples: number[]; timeDeltas: number[] }
  }
  const byId = new Map(profile.nodes.map((n) => [n.id, n]))
  const self = new Map<string, number>()
  let total = 0
  profile.samples.forEach((id, i) => {
    const n = byId.get(id)!
    const dt = (profile.timeDeltas[i] ?? 0) / 1000
    total += dt
    const file = n.callFrame.url.split('/').pop() || '(native)'
    const key = `${n.callFrame.functionName || '(anonymous)'} ${file}:${n.callFrame.lineNumber + 1}`
    self.set(key, (self.get(key) ?? 0) + dt)
  })
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 20)
    .map(([fn, t]) => ({ fn, selfMs: round(t, 0), pct: round((t / total) * 100, 1) }))
}

async function main(): Promise<void> {
  let redis: RedisHandle | null = null
  let host: ManagedProcess | null = null
  let sim: ManagedProcess | null = null
  let browser: Awaited<ReturnType<typeof chromium.launch>> | null = null
  const dataDir = mkdtempSync(join(tmpdir(), 'tickstock-bench-terminal-'))
  try {
    redis = await startRedis()
    const port = await freePort()
    const node = (args: string[]) => [...['--import', 'tsx'], join(ROOT, 'src', 'cli', 'main.ts'), ...args]
    const hostT0 = performance.now()
    host = startProcess('host', process.execPath, node(['serve', '--redis', redis.url, '--port', String(port), '--data', dataDir]), { cwd: ROOT })
    const [, url] = (await host.waitFor(/(http:\/\/127\.0\.0\.1:\d+)/, 60_000)) as RegExpMatchArray & [string, string]
    const hostReadyMs = performance.now() - hostT0

    sim = startProcess('sim', process.execPath, node(['sim', '--redis', redis.url, '--rate', `${RATE}/s`, '--quirks', 'none', '--seed', '1', '--duration', '0']), { cwd: ROOT })
    // The host is ingesting once every tier has rows.
    for (const tier of TIERS) {
      const deadline = Date.now() + 30_000
      for (;;) {
        const res = await fetch(`${url}/api/patterns/${tier}?limit=1`)
        if (res.ok && ((await res.json()) as { patterns: unknown[] }).patterns.length > 0) break
        if (Date.now() > deadline) throw new Error(`no ${tier} patterns within 30 s:\n${sim.output().slice(-2000)}\n${host.output().slice(-2000)}`)
        await sleep(100)
      }
    }

    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS })
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } })
    await context.addInitScript({ content: PAGE_PROBE })
    const page = await context.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(e.message))
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()))
    const cdp = await context.newCDPSession(page)
    await cdp.send('HeapProfiler.enable')

    // (a) cold start
    const navT0 = performance.now()
    await page.goto(`${url}/?e2e=1`)
    // Predicates as functions: the page's CSP has no 'unsafe-eval', so string predicates cannot run there.
    await page.waitForFunction(() => {
      const f = (globalThis as any).__bench?.firstRow
      return !!f && ['daily', 'intraday', 'combo'].every((t) => f[t] && f[t].painted !== null)
    }, undefined, {
      timeout: 60_000,
      polling: 50,
    })
    const wallToRowsMs = performance.now() - navT0
    const probe = (await page.evaluate('({ firstRow: window.__bench.firstRow, fcp: window.__bench.fcp })')) as {
      firstRow: Record<string, { dom: number; painted: number }>
      fcp: number | null
    }
    const coldMax = Math.max(...TIERS.map((t) => probe.firstRow[t]!.painted))
    await page.waitForFunction(() => (globalThis as any).__tickstock?.layoutState().phase === 'ready', undefined, { timeout: 30_000 })

    // (b) + (d): the streaming window
    const pageNow = () => page.evaluate<number>('performance.now()')
    const windowStart = await pageNow()
    await page.evaluate(`(${FRAME_COUNTER})(null, 0)`)
    const heap: { t: number; usedMB: number; totalMB: number }[] = []
    const gcWindows: [number, number][] = []
    let profileTop: Awaited<ReturnType<typeof topSelfTime>> | null = null
    const sampleHeap = async () => {
      const t0 = await pageNow()
      await cdp.send('HeapProfiler.collectGarbage')
      const u = (await cdp.send('Runtime.getHeapUsage')) as { usedSize: number; totalSize: number }
      const t1 = await pageNow()
      gcWindows.push([t0, t1])
      heap.push({ t: t0 - windowStart, usedMB: round(u.usedSize / MB, 2), totalMB: round(u.totalSize / MB, 2) })
    }
    await sampleHeap()
    const wallStart = Date.now()
    const profiling = PROFILE ? topSelfTime(cdp, SECONDS * 1000 - 500).then((r) => (profileTop = r)) : null
    for (let k = 1; k * SAMPLE_EVERY_MS <= SECONDS * 1000; k++) {
      await sleep(Math.max(0, wallStart + k * SAMPLE_EVERY_MS - Date.now()))
      await sampleHeap()
    }
    await profiling
    const windowEnd = await pageNow()
    const streamFrames = (await page.evaluate('(() => { const f = window.__bench.frames; f.stop = true; return f.times; })()')) as number[]
    const boardsAfter = await page.evaluate<Record<string, string>>(
      `Object.fromEntries([...document.querySelectorAll('[data-testid="tier-board"]')].map((b) => [b.getAttribute('data-tier'), b.querySelector('[data-testid="row-count"]').textContent]))`,
    )
    const statusRate = await page.evaluate<string>(`document.querySelector('[data-testid="status-rate"] .value')?.textContent ?? ''`)
    const domNodes = await page.evaluate<number>('document.getElementsByTagName("*").length')

    // (c) scroll a board, with a Chrome performance trace
    mkdirSync(RESULTS, { recursive: true })
    await browser.startTracing(page, { path: TRACE_PATH, screenshots: false, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.frame', 'benchmark', 'cc', 'viz'] })
    const scrollStart = await pageNow()
    await page.evaluate(`(${FRAME_COUNTER})('[data-testid="tier-board"][data-tier="intraday"] [data-testid="tier-board-rows"]', ${SCROLL_PX_PER_FRAME})`)
    await sleep(SCROLL_MS)
    const scroll = (await page.evaluate('(() => { const f = window.__bench.frames; f.stop = true; return { times: f.times, scrolled: f.scrolled }; })()')) as { times: number[]; scrolled: number }
    const scrollEnd = await pageNow()
    const traceBuf = await browser.stopTracing()
    let traceFigures: Record<string, unknown> = {}
    try {
      traceFigures = traceFrames(JSON.parse(traceBuf.toString()) as Parameters<typeof traceFrames>[0])
    } catch (e) {
      traceFigures = { error: (e as Error).message }
    }
    const pagedStatus = await page.evaluate<string>(
      `document.querySelector('[data-testid="tier-board"][data-tier="intraday"] [data-testid="paging-status"]')?.textContent ?? ''`,
    )
    const scrolledRows = await page.evaluate<string>(
      `document.querySelector('[data-testid="tier-board"][data-tier="intraday"] [data-testid="row-count"]')?.textContent ?? ''`,
    )

    // Long tasks
    const all = (await page.evaluate('window.__bench.longtasks')) as LongTask[]
    const overlapsGc = (lt: LongTask) => gcWindows.some(([a, b]) => lt.start < b + 5 && lt.start + lt.duration > a - 5)
    const inWindow = all.filter((lt) => lt.start >= windowStart && lt.start < windowEnd)
    const streaming = inWindow.filter((lt) => !overlapsGc(lt))
    const duringGc = inWindow.filter(overlapsGc)
    const startup = all.filter((lt) => lt.start < windowStart)
    const scrolling = all.filter((lt) => lt.start >= scrollStart && lt.start < scrollEnd)
    const ltSummary = (list: LongTask[]) => ({
      count: list.length,
      maxMs: list.length ? round(Math.max(...list.map((l) => l.duration)), 0) : 0,
      totalMs: round(list.reduce((s, l) => s + l.duration, 0), 0),
      longest: [...list]
        .sort((a, b) => b.duration - a.duration)
        .slice(0, 5)
        .map((l) => ({ atS: round(l.start / 1000, 2), ms: round(l.duration, 0), attribution: l.attribution.join('; ') || l.name })),
    })

    await sim.stop()
    const simSummary = sim.output().trim().split('\n').filter((l) => l.startsWith('{')).pop()
    const simStats = simSummary ? (JSON.parse(simSummary) as { detectionsPerSecond: number; detections: number; byTier: unknown }) : null

    const used = heap.map((h) => h.usedMB)
    const afterWarmup = heap.filter((h) => h.t >= 10_000).map((h) => ({ t: h.t, v: h.usedMB }))
    const slope = slopePerMinute(heap.map((h) => ({ t: h.t, v: h.usedMB })))
    const slopeAfterWarmup = slopePerMinute(afterWarmup)
    const scrollFps = frameStats(scroll.times)
    const streamStats = frameStats(streamFrames)
    const coldVerdict = coldMax < 2000
    const traceSize = statSync(TRACE_PATH).size

    console.log(
      JSON.stringify(
        {
          benchmark: 'terminal',
          figures: {
            coldStart: {
              firstRowsPaintedAllBoards: { value: round(coldMax, 0), unit: 'ms', target: '< 2000', met: coldVerdict },
              perBoard: Object.fromEntries(TIERS.map((t) => [t, { domMs: round(probe.firstRow[t]!.dom, 0), paintedMs: round(probe.firstRow[t]!.painted, 0) }])),
              firstContentfulPaint: { value: probe.fcp === null ? null : round(probe.fcp, 0), unit: 'ms' },
              wallClockGotoToRows: { value: round(wallToRowsMs, 0), unit: 'ms', note: 'Node side, includes polling (50 ms) and CDP round trips' },
              hostProcessReady: { value: round(hostReadyMs, 0), unit: 'ms', note: 'spawn of `node --import tsx src/cli/main.ts serve` to its URL printed (tsx compiles on the fly)' },
            },
            longTasksWhileStreaming: {
              ...ltSummary(streaming),
              count: { value: streaming.length, unit: 'tasks > 50 ms', target: '0', met: streaming.length === 0 },
              seconds: round((windowEnd - windowStart) / 1000, 1),
              overlappingForcedGc: ltSummary(duringGc),
              beforeWindow: ltSummary(startup),
            },
            framesWhileStreaming: streamStats,
            scroll: {
              fps: { ...(scrollFps.fps as object), target: '>= 50', met: typeof scrollFps.fps === 'object' && scrollFps.fps !== null && (scrollFps.fps as { value: number }).value >= 50 },
              ...Object.fromEntries(Object.entries(scrollFps).filter(([k]) => k !== 'fps')),
              scrolledPx: round(scroll.scrolled, 0),
              rowsAfter: scrolledRows,
              pagingStatus: pagedStatus,
              longTasks: ltSummary(scrolling),
              trace: { path: 'bench/results/terminal-scroll-trace.json', bytes: traceSize, ...traceFigures },
            },
            heap: {
              startMB: { value: used[0], unit: 'MB' },
              endMB: { value: used[used.length - 1], unit: 'MB' },
              maxMB: { value: Math.max(...used), unit: 'MB' },
              slope: { value: round(slope, 2), unit: 'MB/min' },
              slopeAfter10s: { value: round(slopeAfterWarmup, 2), unit: 'MB/min', target: 'stable: |slope| < 1 MB/min', met: Math.abs(slopeAfterWarmup) < 1 },
              samples: heap,
              note: 'each sample after HeapProfiler.collectGarbage; usedSize from Runtime.getHeapUsage',
            },
            page: { boardsRowCount: boardsAfter, statusEventsPerSecond: statusRate, domElements: domNodes, errors: errors.slice(0, 5) },
            ...(profileTop ? { cpuProfileTopSelfTime: profileTop } : {}),
          },
          conditions: conditions({
            seconds: SECONDS,
            rate: `${RATE}/s patterns (tickstock sim --quirks none --symbols 500 --seed 1)`,
            simAchieved: simStats ? { detectionsPerSecond: simStats.detectionsPerSecond, detections: simStats.detections, byTier: simStats.byTier } : null,
            browser: `${CHROMIUM_PATH} ${browser.version()} headless, ${CHROMIUM_ARGS.join(' ')}`,
            viewport: '1920x1080, default layout',
            cpuProfile: PROFILE,
            sameMachine: 'redis-server, host (engine + reader threads), simulator and Chromium share the cores',
          }),
        },
        null,
        2,
      ),
    )
  } finally {
    await browser?.close()
    await sim?.stop()
    await host?.stop(15_000)
    await redis?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
