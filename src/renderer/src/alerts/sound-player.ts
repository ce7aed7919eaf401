/**
 * Alert sounds: the WAV files in resources/sounds, bundled by Vite as assets
 * (each is above Vite's 4 KB inline limit, so they ship as files and load
 * under the CSP's default-src 'self'; a data: URL would be refused).
 * Played with an HTMLAudioElement; a refusal (the browser's autoplay policy
 * before the user has clicked the page) comes back as a reason to report.
 */
import { ALERT_SOUNDS, type AlertSound } from '../../../shared/alerts'
import alarmUrl from '../../../../resources/sounds/alarm.wav'
import chimeUrl from '../../../../resources/sounds/chime.wav'
import pingUrl from '../../../../resources/sounds/ping.wav'
import softUrl from '../../../../resources/sounds/soft.wav'

export const SOUND_URLS: Record<AlertSound, string> = { chime: chimeUrl, ping: pingUrl, alarm: alarmUrl, soft: softUrl }

export type PlayOutcome = { ok: true } | { ok: false; reason: string }

export interface SoundPlayer {
  /** Plays a bundled sound by name; an unknown name is a failure, not an exception. */
  play(sound: string): Promise<PlayOutcome>
}

export const isAlertSound = (s: unknown): s is AlertSound => typeof s === 'string' && (ALERT_SOUNDS as readonly string[]).includes(s)

interface AudioLike {
  play(): Promise<void> | void
}

export function createAudioSoundPlayer(createAudio: (url: string) => AudioLike = (url) => new Audio(url), urls: Record<AlertSound, string> = SOUND_URLS): SoundPlayer {
  return {
    async play(sound) {
      if (!isAlertSound(sound)) return { ok: false, reason: `unknown sound "${sound}"` }
      try {
        await createAudio(urls[sound]).play()
        return { ok: true }
      } catch (err) {
        const name = err instanceof Error ? err.name : ''
        const message = err instanceof Error ? err.message : String(err)
        if (name === 'NotAllowedError') return { ok: false, reason: `blocked by the browser's autoplay policy (click the page once to allow sounds): ${message}` }
        return { ok: false, reason: `could not play "${sound}": ${message}` }
      }
    },
  }
}
