import { useEffect, useState } from 'react'
import { useSlice } from '../../state/store'
import { useWorkstation } from '../../state/workstation'
import { fmtClock } from '../../util/format'

/** Always visible; Ctrl/Cmd+Shift+K presses it from anywhere. No confirmation: speed matters more. */
export function KillSwitch() {
  const ws = useWorkstation()
  const result = useSlice(ws.store, (s) => s.killResult)
  const [pressing, setPressing] = useState(false)

  useEffect(() => {
    const press = async () => {
      setPressing(true)
      await ws.pressKillSwitch()
      setPressing(false)
    }
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.shiftKey && e.key.toLowerCase() === 'k') {
        e.preventDefault()
        void press()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [ws])

  return (
    <div className="kill">
      {result ? (
        <span className={`kill-result ${result.ok ? 'ok' : 'bad'}`} data-testid="kill-result" title={result.text}>
          {fmtClock(result.at)} UTC · {result.text}
        </span>
      ) : null}
      <button
        className="kill-btn"
        data-testid="kill-switch"
        title="Kill switch: halt trading and cancel every open order in every session (Ctrl/Cmd+Shift+K)"
        aria-busy={pressing}
        onClick={async () => {
          setPressing(true)
          await ws.pressKillSwitch()
          setPressing(false)
        }}
      >
        ■ KILL
      </button>
    </div>
  )
}
