import { useCallback, useSyncExternalStore } from 'react'

/**
 * A minimal observable store: immutable state, `set` merges a partial update, components
 * read a slice through `useStore(selector)` and re-render only when that slice's reference
 * changes.
 */
export class Store<S extends object> {
  private listeners = new Set<() => void>()
  constructor(private state: S) {}

  get = (): S => this.state

  set(update: Partial<S> | ((s: S) => Partial<S>)): void {
    const patch = typeof update === 'function' ? update(this.state) : update
    this.state = { ...this.state, ...patch }
    for (const l of this.listeners) l()
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }
}

export function useSlice<S extends object, T>(store: Store<S>, selector: (s: S) => T): T {
  const get = useCallback(() => selector(store.get()), [store, selector])
  return useSyncExternalStore(store.subscribe, get, get)
}
