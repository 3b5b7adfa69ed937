/**
 * V8's young generation for threads that run backtest after backtest: the app's session
 * workers (a sweep runs its jobs in a few of them) and the benchmarks (package.json's `bench`
 * script passes the same size as a node flag). A backtest makes an event per bar that dies at
 * once and orders and fills that live on; with V8's default 16 MB semi-spaces the young
 * generation is collected every ~15 MB and its survivors copied each time. 64 MB semi-spaces
 * collect a quarter as often: a warmed-up backtest of a million bars runs about a tenth faster,
 * for up to ~130 MB more memory while it runs. A single run in a fresh process gains little
 * (its young generation is still growing), so the command line keeps node's default.
 */
export const BACKTEST_SEMI_SPACE_MB = 64

/** The node flag that sets it for a process. */
export const BACKTEST_NODE_FLAG = `--max-semi-space-size=${BACKTEST_SEMI_SPACE_MB}`

/** The same for a worker thread (`resourceLimits`): two semi-spaces and as much for large objects. */
export const BACKTEST_YOUNG_GENERATION_MB = 3 * BACKTEST_SEMI_SPACE_MB
