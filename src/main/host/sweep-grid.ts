import type { ParamValue } from '../../shared/engine-params'

export const MAX_SWEEP_RUNS = 400

/**
 * The cartesian product of a parameter grid, each combination laid over the fixed `params`.
 * The first grid parameter varies slowest, so results read like nested loops.
 */
export function expandGrid(grid: Record<string, readonly ParamValue[]>, params: Record<string, ParamValue>): Array<Record<string, ParamValue>> {
  let combos: Array<Record<string, ParamValue>> = [{ ...params }]
  for (const [name, values] of Object.entries(grid)) {
    const next: Array<Record<string, ParamValue>> = []
    for (const combo of combos) for (const value of values) next.push({ ...combo, [name]: value })
    combos = next
  }
  return combos
}

/** Size of the product without building it (to refuse a too-large grid cheaply). */
export function gridSize(grid: Record<string, readonly unknown[]>): number {
  let n = 1
  for (const values of Object.values(grid)) n *= values.length
  return n
}
