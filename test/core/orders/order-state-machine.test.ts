import { describe, expect, it } from 'vitest'
import {
  InvalidOrderTransition,
  ORDER_ACTIONS,
  ORDER_STATUSES,
  canTransition,
  isFinalStatus,
  nextOrderStatus,
  type OrderAction
} from '../../../src/main/core/orders/order-state-machine'
import type { OrderStatus } from '../../../src/shared/orders'

// Written from the lifecycle, not copied from the implementation: each row lists every action;
// '-' means the action is not allowed in that state.
//                    accept      reject      trigger      fill-partial         fill      cancel       expire
const EXPECTED: Record<OrderStatus, string> = {
  submitted:        'accepted   rejected    triggered    partially_filled     filled    cancelled    expired',
  accepted:         '-          -           triggered    partially_filled     filled    cancelled    expired',
  triggered:        '-          -           -            partially_filled     filled    cancelled    expired',
  partially_filled: '-          -           -            partially_filled     filled    cancelled    expired',
  filled:           '-          -           -            -                    -         -            -',
  cancelled:        '-          -           -            -                    -         -            -',
  rejected:         '-          -           -            -                    -         -            -',
  expired:          '-          -           -            -                    -         -            -'
}
const COLUMNS: OrderAction[] = ['accept', 'reject', 'trigger', 'fill-partial', 'fill', 'cancel', 'expire']

function expected(from: OrderStatus, action: OrderAction): string {
  return EXPECTED[from].trim().split(/\s+/)[COLUMNS.indexOf(action)]!
}

describe('order state machine', () => {
  it('knows exactly the statuses and actions of the expected table', () => {
    expect([...ORDER_STATUSES].sort()).toEqual(Object.keys(EXPECTED).sort())
    expect([...ORDER_ACTIONS].sort()).toEqual([...COLUMNS].sort())
  })

  for (const from of Object.keys(EXPECTED) as OrderStatus[]) {
    for (const action of COLUMNS) {
      const to = expected(from, action)
      it(`${from} + ${action} → ${to === '-' ? 'InvalidOrderTransition' : to}`, () => {
        expect(canTransition(from, action)).toBe(to !== '-')
        if (to === '-') {
          expect(() => nextOrderStatus(from, action, 'O7')).toThrow(InvalidOrderTransition)
          try {
            nextOrderStatus(from, action, 'O7')
          } catch (err) {
            expect(err).toMatchObject({ from, action, orderId: 'O7', message: `order O7: cannot ${action} an order that is ${from}` })
          }
        } else {
          expect(nextOrderStatus(from, action, 'O7')).toBe(to)
        }
      })
    }
  }

  it('final statuses are exactly those with no way out', () => {
    for (const s of Object.keys(EXPECTED) as OrderStatus[]) {
      const noWayOut = COLUMNS.every((a) => expected(s, a) === '-')
      expect(isFinalStatus(s), s).toBe(noWayOut)
    }
  })
})
