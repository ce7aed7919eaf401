import { describe, expect, it } from 'vitest'
import { BUNDLED, funds } from './sector-fixtures'
import { checkSymbol, describeSetError, filterEntries, formatLineError, MAX_IMPORT, mergeEntries, parseSectorLines, resolveFund, toCsv } from './sector-table-model'

describe('checkSymbol', () => {
  it('trims and upper-cases letters, digits and . - ^ /, up to 16', () => {
    expect(checkSymbol(' brk.b ')).toEqual({ ok: true, value: 'BRK.B' })
    expect(checkSymbol('^vix')).toEqual({ ok: true, value: '^VIX' })
    expect(checkSymbol('bf-b/x')).toEqual({ ok: true, value: 'BF-B/X' })
    expect(checkSymbol('A'.repeat(16)).ok).toBe(true)
  })

  it('names what is wrong', () => {
    expect(checkSymbol('  ')).toEqual({ ok: false, error: 'enter a symbol' })
    expect(checkSymbol('A'.repeat(17))).toEqual({ ok: false, error: 'at most 16 characters' })
    expect(checkSymbol('MS FT')).toEqual({ ok: false, error: 'letters, digits, ".", "-", "^" and "/" only' })
    expect(checkSymbol('AAPL;')).toMatchObject({ ok: false })
  })
})

describe('resolveFund', () => {
  it('takes a fund code or a sector name, any case', () => {
    expect(resolveFund('xlk', funds())).toBe('XLK')
    expect(resolveFund(' Health Care ', funds())).toBe('XLV')
    expect(resolveFund('XLX', funds())).toBeNull()
    expect(resolveFund('', funds())).toBeNull()
  })
})

describe('parseSectorLines', () => {
  it('reads SYMBOL,FUND and SYMBOL<TAB>FUND lines, skipping blanks, comments and a header', () => {
    const r = parseSectorLines('symbol,fund\n\nmsft,xlk\r\n# a comment\nXOM\tXLE\n"JPM", "Financials"\n', funds())
    expect(r).toEqual({
      ok: true,
      entries: [
        { line: 3, symbol: 'MSFT', fund: 'XLK' },
        { line: 5, symbol: 'XOM', fund: 'XLE' },
        { line: 6, symbol: 'JPM', fund: 'XLF' },
      ],
    })
  })

  it('refuses the whole paste, naming every bad line', () => {
    const r = parseSectorLines('MSFT,XLK\nNOFUND\nBAD SYM,XLK\nAAPL,XLX\nXOM,\nMSFT,XLE\nMSFT,XLK', funds())
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.errors.map(formatLineError)).toEqual([
      'line 2: expected SYMBOL,FUND, got "NOFUND"',
      'line 3: "BAD SYM": letters, digits, ".", "-", "^" and "/" only',
      'line 4: "XLX" is not a sector fund (XLK, XLV, XLF, XLE, XLY, XLP, XLI, XLU, XLB, XLRE, XLC)',
      'line 5: expected SYMBOL,FUND, got "XOM,"',
      'line 6: MSFT is on line 1 with XLK',
    ])
  })

  it('refuses an empty paste and one over the contract bound', () => {
    expect(parseSectorLines('\n# nothing\n', funds())).toEqual({ ok: false, errors: [{ line: 0, message: 'nothing to import: paste SYMBOL,FUND lines' }] })
    const big = Array.from({ length: MAX_IMPORT + 1 }, (_, i) => `S${i},XLK`).join('\n')
    const r = parseSectorLines(big, funds())
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.errors[0]!.message).toContain(`at most ${MAX_IMPORT}`)
  })

  it('reads back its own export', () => {
    const entries = [...BUNDLED, { symbol: 'TSLA', fund: 'XLY', source: 'user' as const }]
    const csv = toCsv(entries, funds())
    const r = parseSectorLines(csv, funds())
    expect(r.ok && r.entries.map((e) => [e.symbol, e.fund])).toEqual(entries.map((e) => [e.symbol, e.fund]))
  })
})

describe('toCsv', () => {
  it('writes symbol, fund, sector name and source, quoting where needed', () => {
    const csv = toCsv(
      [
        { symbol: 'MSFT', fund: 'XLK', source: 'bundled' },
        { symbol: 'TSLA', fund: 'XLY', source: 'user' },
      ],
      [...funds(), { fund: 'XLY', name: 'Consumer, "Discretionary"' }].filter((f, i, a) => a.findLastIndex((g) => g.fund === f.fund) === i),
    )
    expect(csv).toBe('symbol,fund,sector,source\nMSFT,XLK,Technology,bundled\nTSLA,XLY,"Consumer, ""Discretionary""",edited\n')
  })
})

describe('filterEntries', () => {
  const entries = [...BUNDLED, { symbol: 'XLKX', fund: 'XLU', source: 'user' as const }]
  const symbols = (q: string, editedOnly = false) => filterEntries(entries, q, funds(), editedOnly).map((e) => e.symbol)

  it('matches a symbol or fund prefix, and a sector name word from 3 characters', () => {
    expect(symbols('')).toHaveLength(entries.length)
    expect(symbols('m')).toEqual(['MSFT'])
    expect(symbols('xlk')).toEqual(['AAPL', 'MSFT', 'XLKX'])
    expect(symbols('tech')).toEqual(['AAPL', 'MSFT'])
    expect(symbols('care')).toEqual(['UNH'])
    // Two letters do not search names (else "ca" would match half the sectors).
    expect(symbols('he')).toEqual([])
  })

  it('keeps only edits when asked', () => {
    expect(symbols('', true)).toEqual(['XLKX'])
  })
})

describe('mergeEntries', () => {
  it('replaces the edited symbols with the answer, dropping those the answer lacks', () => {
    const next = mergeEntries(BUNDLED, ['MSFT', 'NEE', 'ZZZ'], [
      { symbol: 'MSFT', fund: 'XLC', source: 'user' },
      { symbol: 'ZZZ', fund: 'XLB', source: 'user' },
    ])
    expect(next.map((e) => `${e.symbol}:${e.fund}:${e.source}`)).toEqual(['AAPL:XLK:bundled', 'JPM:XLF:bundled', 'MSFT:XLC:user', 'UNH:XLV:bundled', 'XOM:XLE:bundled', 'ZZZ:XLB:user'])
  })
})

describe('describeSetError', () => {
  it('names the field, and the pasted line when known', () => {
    const error = { code: 'bad_request' as const, message: 'invalid params', fields: { 'entries.1.symbol': 'bad symbol' } }
    expect(describeSetError(error, [3, 7])).toBe('line 7: symbol: bad symbol')
    expect(describeSetError(error)).toBe('symbol: bad symbol')
    expect(describeSetError({ code: 'internal', message: 'disk full' })).toBe('disk full')
  })
})
