import { CliError } from './cli-error'

const JS_ERRORS = new Set(['Error', 'TypeError', 'RangeError', 'ReferenceError', 'SyntaxError'])

const HELP = `theorycraft — TheoryCraft Workstation command line

Commands
  backtest   run an engine over a data file or a stored series with the simulated broker
  import     import a data file into the market-data store (quality gate, incremental append)
  data       list, show and delete the series of the market-data store
  journal    list, show and verify journaled sessions
  replay     re-run a journaled session's engine on its market events and compare the orders
  engines    list the built-in engines and their parameters

Run "theorycraft COMMAND --help" for the flags of a command.
Data folder: $THEORYCRAFT_HOME or ~/.theorycraft (journal.sqlite, market-data.sqlite).
`

/** Loads only the module of the command being run, so start-up pays for nothing else. */
const COMMANDS: Record<string, () => Promise<(argv: string[]) => Promise<number>>> = {
  backtest: async () => (await import('./commands/backtest')).backtestCommand,
  import: async () => (await import('./commands/import')).importCommand,
  data: async () => (await import('./commands/data')).dataCommand,
  journal: async () => (await import('./commands/journal')).journalCommand,
  replay: async () => (await import('./commands/replay')).replayCommand,
  engines: async () => (await import('./commands/engines')).enginesCommand
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(HELP)
    return command === undefined ? 2 : 0
  }
  const load = COMMANDS[command]
  if (!load) {
    process.stderr.write(`theorycraft: unknown command "${command}"\n\n${HELP}`)
    return 2
  }
  try {
    return await (await load())(rest)
  } catch (err) {
    if (err instanceof CliError) {
      process.stderr.write(`${err.message}\n`)
      return err.exitCode
    }
    // Typed domain errors (bad data, bad parameters, journal problems) are messages for the user;
    // anything else is a bug and keeps its stack.
    if (err instanceof Error && (typeof (err as { type?: unknown }).type === 'string' || !JS_ERRORS.has(err.name))) {
      process.stderr.write(`theorycraft ${command}: ${err.message}\n`)
      return 1
    }
    process.stderr.write(`theorycraft ${command}: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`)
    return 70
  }
}
