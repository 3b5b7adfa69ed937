import { useEffect, useState } from 'react'

const PREFIX = 'theorycraft.ui.'

export function loadJson<T>(key: string, fallback: T, check: (v: unknown) => boolean = () => true): T {
  try {
    const raw = localStorage.getItem(PREFIX + key)
    if (raw === null) return fallback
    const v: unknown = JSON.parse(raw)
    return check(v) ? (v as T) : fallback
  } catch {
    return fallback
  }
}

export function saveJson(key: string, value: unknown): void {
  try {
    localStorage.setItem(PREFIX + key, JSON.stringify(value))
  } catch {
    // storage unavailable: the choice just isn't remembered
  }
}

/** useState whose value survives reloads (UI choices only: tabs, filters, form drafts). */
export function usePersistentState<T>(key: string, initial: T, check?: (v: unknown) => boolean): [T, (v: T | ((prev: T) => T)) => void] {
  const [value, setValue] = useState<T>(() => loadJson(key, initial, check ?? ((v) => typeof v === typeof initial)))
  useEffect(() => saveJson(key, value), [key, value])
  return [value, setValue]
}
