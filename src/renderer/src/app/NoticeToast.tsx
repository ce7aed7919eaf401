/** Layout notices (fallbacks, save failures, confirmations), over the docking area so nothing shifts. */
import { useEffect } from 'react'
import { useStore } from 'zustand'
import type { LayoutController } from '../state/layout-store'

const INFO_MS = 4000

export function NoticeToast({ layout }: { layout: LayoutController }) {
  const notice = useStore(layout.store, (s) => s.notice)
  useEffect(() => {
    if (notice?.tone !== 'info') return
    const t = setTimeout(() => {
      if (layout.store.getState().notice?.id === notice.id) layout.dismissNotice()
    }, INFO_MS)
    return () => clearTimeout(t)
  }, [notice, layout])
  if (!notice) return null
  return (
    <div className={`notice notice-${notice.tone}`} data-testid="layout-notice" data-tone={notice.tone} role={notice.tone === 'info' ? 'status' : 'alert'}>
      <span className="notice-text">{notice.text}</span>
      <button type="button" className="notice-close" data-testid="layout-notice-close" aria-label="Dismiss" onClick={() => layout.dismissNotice()}>
        ×
      </button>
    </div>
  )
}
