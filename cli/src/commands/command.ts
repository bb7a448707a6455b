// A kts subcommand: a name, a one-line summary, its usage and example, and run(argv, signal) → exit code.
// `kts X --help` and `kts help X` are answered by main from usage() + example, before run is called.
export interface Command {
  name: string;
  summary: string;
  /** "Usage: kts X …", a description and every flag with its default (loaded lazily, like run). */
  usage(): Promise<string>;
  /** One or more invocations, one per line, printed under "Example:". */
  example: string;
  /** Exact flag names (without dashes) when the command parses flags itself and prints its own errors. */
  flagNames?(): Promise<string[]>;
  run(argv: string[], signal: AbortSignal): Promise<number | void>;
}
