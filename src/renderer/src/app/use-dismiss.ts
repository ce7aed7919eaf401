/**
 * A popover or menu that closes on a pointer-down outside it or on Escape,
 * and puts the focus on its first matching element when it opens.
 */
import { useEffect, type RefObject } from 'react'

export function useDismiss(ref: RefObject<HTMLElement | null>, onClose: () => void, focusSelector: string): void {
  useEffect(() => {
    const onDown = (e: PointerEvent) => {
      if (!ref.current?.contains(e.target as Node)) onClose()
    }
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose()
    }
    document.addEventListener('pointerdown', onDown, true)
    document.addEventListener('keydown', onKey, true)
    ref.current?.querySelector<HTMLElement>(focusSelector)?.focus()
    return () => {
      document.removeEventListener('pointerdown', onDown, true)
      document.removeEventListener('keydown', onKey, true)
    }
  }, [ref, onClose, focusSelector])
}
