import { useEffect, useRef, useState } from 'react'

/** The value, but updated at most every `ms` (the last value always lands). Keeps heavy charts off the 20 Hz push rate. */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState(value)
  const last = useRef(0)
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null)
  useEffect(() => {
    const wait = last.current + ms - performance.now()
    if (wait <= 0) {
      last.current = performance.now()
      setShown(value)
      return
    }
    if (timer.current) clearTimeout(timer.current)
    timer.current = setTimeout(() => {
      last.current = performance.now()
      timer.current = null
      setShown(value)
    }, wait)
  }, [value, ms])
  useEffect(
    () => () => {
      if (timer.current) clearTimeout(timer.current)
    },
    []
  )
  return shown
}
