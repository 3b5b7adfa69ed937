const OPEN = new Set(['submitted', 'accepted', 'triggered', 'partially_filled', 'open', 'new'])

/** Whether an order still works on the venue (and can be cancelled). */
export function isOpen(status: string): boolean {
  return OPEN.has(status)
}
