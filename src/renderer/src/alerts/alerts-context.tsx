/**
 * The window's one alert controller, made by the app shell and handed to
 * panels through context (panels only get their own props from the dock).
 */
import { createContext, useContext, useEffect, useRef, useState } from 'react'
import type { TerminalApi } from '../../../shared/contract'
import { createAlertController, type AlertController } from './alert-controller'
import { notificationSeamFor } from './notification-seam'
import { createAudioSoundPlayer } from './sound-player'

export const AlertsContext = createContext<AlertController | null>(null)

export function useAlertsController(): AlertController {
  const c = useContext(AlertsContext)
  if (!c) throw new Error('no alert controller: render inside <AlertsContext value={...}> (the app shell does)')
  return c
}

/**
 * Creates the controller once for the app (host seams chosen here, at the
 * edge) and runs it while mounted. `openSymbol` may change between renders.
 */
export function useAppAlertController(api: TerminalApi, openSymbol: (symbol: string) => void): AlertController {
  const open = useRef(openSymbol)
  useEffect(() => {
    open.current = openSymbol
  })
  const [controller] = useState(() =>
    createAlertController({
      api,
      notifications: notificationSeamFor(api.host),
      sounds: createAudioSoundPlayer(),
      openSymbol: (s) => open.current(s),
    }),
  )
  useEffect(() => controller.start(), [controller])
  return controller
}
