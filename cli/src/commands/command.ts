// A kts subcommand: a name, a one-line summary, and run(argv, signal) → exit code.
export interface Command {
  name: string;
  summary: string;
  run(argv: string[], signal: AbortSignal): Promise<number | void>;
}
