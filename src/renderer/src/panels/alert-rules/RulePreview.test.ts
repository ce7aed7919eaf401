import { describe, expect, it } from 'vitest'
import { preview } from './alert-fixtures'
import { previewSentence, spanWords } from './RulePreview'

describe('the preview sentence', () => {
  it('over a full window', () => {
    expect(previewSentence(preview())).toMatch(/^Would have fired 42 times in 7 days \(≈ /)
  })

  it('a terminal recording for less than the window says over how long, and the rate is over that span', () => {
    const p = preview({ coveredDays: 20 / 1440, matched: 76, delivered: 76, suppressed: {}, perDay: 5472 })
    expect(previewSentence(p)).toMatch(/^Would have fired 76 times in the 20 minutes stored \(≈ 5,?472\/day\)/)
    expect(previewSentence({ ...p, matched: 0, delivered: 0 })).toMatch(/^Nothing in the 20 minutes stored would have matched/)
    expect(spanWords(5 / 24)).toBe('5 hours')
    expect(spanWords(3)).toBe('3 days')
  })
})
