// CRI log format: `<RFC3339Nano> stdout|stderr F|P <content>` (F = full line, P = partial).

export interface CriLogLine {
  time: string;
  stream: 'stdout' | 'stderr';
  tag: 'F' | 'P';
  content: string;
}

const RE = /^(\S+) (stdout|stderr) ([FP])(?: (.*))?$/;

export function parseCriLogLine(line: string): CriLogLine | undefined {
  const m = RE.exec(line);
  if (!m || !m[1] || Number.isNaN(Date.parse(m[1]))) return undefined;
  return { time: m[1], stream: m[2] as 'stdout' | 'stderr', tag: m[3] as 'F' | 'P', content: m[4] ?? '' };
}

/** Parses a whole log, joining partial (P) chunks into their line. */
export function parseCriLog(text: string): CriLogLine[] {
  const out: CriLogLine[] = [];
  const pending: Record<string, string> = {};
  for (const l of text.split('\n')) {
    const p = parseCriLogLine(l);
    if (!p) continue;
    if (p.tag === 'P') {
      pending[p.stream] = (pending[p.stream] ?? '') + p.content;
      continue;
    }
    out.push({ ...p, content: (pending[p.stream] ?? '') + p.content });
    pending[p.stream] = '';
  }
  return out;
}

export function formatCriLogLine(time: Date, stream: 'stdout' | 'stderr', content: string, partial = false): string {
  return `${time.toISOString()} ${stream} ${partial ? 'P' : 'F'} ${content}`;
}
