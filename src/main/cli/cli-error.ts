/** A user-facing error: printed as one message, exit code 2 (usage) or 1 (failure). */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 1 | 2 = 2
  ) {
    super(message)
  }
}
