import { describe, expect, it, vi } from 'vitest'
import { ALERT_SOUNDS } from '../../../shared/alerts'
import { createAudioSoundPlayer, SOUND_URLS } from './sound-player'

describe('alert sounds', () => {
  it('every sound the rules can name is a bundled WAV asset', () => {
    for (const s of ALERT_SOUNDS) expect(SOUND_URLS[s]).toMatch(new RegExp(`${s}.*\\.wav$`))
  })

  it('plays the named sound', async () => {
    const createAudio = vi.fn((_url: string) => ({ play: () => Promise.resolve() }))
    const player = createAudioSoundPlayer(createAudio)
    expect(await player.play('alarm')).toEqual({ ok: true })
    expect(createAudio).toHaveBeenCalledWith(SOUND_URLS.alarm)
  })

  it('an autoplay refusal comes back as a reason, as does an unknown name', async () => {
    const refused = Object.assign(new Error('play() failed because the user did not interact'), { name: 'NotAllowedError' })
    const player = createAudioSoundPlayer(() => ({ play: () => Promise.reject(refused) }))
    const r = await player.play('chime')
    expect(r.ok).toBe(false)
    expect(!r.ok && r.reason).toMatch(/autoplay policy/)
    expect(await player.play('trumpet')).toEqual({ ok: false, reason: 'unknown sound "trumpet"' })
  })
})
