// Help and flag errors for every command, in one place: `kts X --help` = `kts help X` = usage + example, and an
// unknown flag names the command and the closest flag it has (cobra's "did you mean" for flags).
import type { Command } from './command';

/** --help / -h anywhere before `--` (after it, flags belong to the command being run, e.g. exec's). */
export function wantsHelp(argv: string[]): boolean {
  for (const a of argv) {
    if (a === '--') return false;
    if (a === '--help' || a === '-h' || a === '--help=true') return true;
  }
  return false;
}

export async function commandHelp(cmd: Command): Promise<string> {
  const example = cmd.example
    .split('\n')
    .map((l) => `  ${l}`)
    .join('\n');
  return `${(await cmd.usage()).trimEnd()}\n\nExample:\n${example}`;
}

/** Flag names listed in a usage text: indented lines starting with `--name` or `-x, --name`. */
export function flagNamesFromUsage(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(/^\s+(?:-\w, +)?--([A-Za-z0-9][\w.-]*)/gm)) if (m[1] && !names.includes(m[1])) names.push(m[1]);
  return names;
}

export async function flagNames(cmd: Command): Promise<string[]> {
  return cmd.flagNames ? cmd.flagNames() : flagNamesFromUsage(await cmd.usage());
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

/** The known flag closest to `given` (edit distance, or a prefix either way), if any is close enough. */
export function closestFlag(given: string, known: string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.startsWith(given) || given.startsWith(k) ? Math.abs(k.length - given.length) * 0.5 : distance(given, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(given.length / 3)) ? best : undefined;
}

/** `unknown flag --node for "kts up"; did you mean --nodes?` */
export function unknownFlagMessage(command: string, flag: string, known: string[]): string {
  const name = flag.replace(/^-+/, '').replace(/=.*$/, '');
  const near = closestFlag(name, known);
  return `unknown flag --${name} for "kts ${command}"${near ? `; did you mean --${near}?` : ''}\nRun 'kts ${command} --help' for usage.`;
}

/** The flag named by a parser's "unknown flag" error (kts' parsers: `unknown flag: --x` or `unknown flag --x`). */
export function unknownFlagIn(message: string): string | undefined {
  return /^unknown flag:? (--?[\w.-]+)/.exec(message)?.[1];
}

/** The first `--name` before `--` that is not a known flag (for commands that print their own parse errors). */
export function firstUnknownLongFlag(argv: string[], known: string[]): string | undefined {
  for (const a of argv) {
    if (a === '--') return undefined;
    if (!a.startsWith('--') || a === '--') continue;
    const name = a.slice(2).replace(/=.*$/, '');
    if (!known.includes(name)) return a;
  }
  return undefined;
}
