import type { Mode } from '../../../../shared/api'

/**
 * How to get a session in the current mode, for the panels' empty states: each mode starts its
 * sessions from its own panel on the left, and backtests have none.
 */
export function startHint(mode: Mode | null): string {
  switch (mode) {
    case 'replay':
      return 'Start a replay in the Replay panel on the left'
    case 'paper':
      return 'Start a paper session in the Paper panel on the left'
    case 'live':
      return 'Start a live session in the Live panel on the left'
    case 'backtest':
      return 'Backtests show in the Report tab; for a session, switch to Replay, Paper or Live and start one there'
    default:
      return 'Start a session from the panel on the left'
  }
}

/** Whether sessions of this mode trade on a venue's live market data (paper and live). */
export function isLiveData(mode: string | undefined | null): boolean {
  return mode === 'paper' || mode === 'live'
}
