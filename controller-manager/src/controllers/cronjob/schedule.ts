// Cron schedules as robfig/cron (the parser CronJob uses): 5 fields (minute hour dom month dow) with names,
// ranges, steps and lists; @yearly/@annually/@monthly/@weekly/@daily/@midnight/@hourly; @every <duration>.
// Day-of-month and day-of-week combine with OR when both are restricted, as in cron. Times are evaluated in UTC,
// or in spec.timeZone using its UTC offset at the reference time (DST transitions are not modelled).
export interface Schedule {
  /** The first activation strictly after `t` (ms). */
  next(t: number): number;
}

interface Fields {
  minute: Set<number>;
  hour: Set<number>;
  dom: Set<number>;
  month: Set<number>;
  dow: Set<number>;
  domStar: boolean;
  dowStar: boolean;
}

const macros: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};
const monthNames = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const dowNames = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseField(f: string, lo: number, hi: number, names: string[], nameBase: number): { set: Set<number>; star: boolean } {
  const set = new Set<number>();
  let star = false;
  const num = (v: string): number => {
    const i = names.indexOf(v.toLowerCase());
    if (i >= 0) return i + nameBase;
    if (!/^\d+$/.test(v)) throw new Error(`failed to parse int from ${v}`);
    return Number(v);
  };
  for (const part of f.split(',')) {
    const [rng = '', stepS] = part.split('/');
    const step = stepS === undefined ? 1 : Number(stepS);
    if (!Number.isInteger(step) || step <= 0) throw new Error(`failed to parse int from ${stepS ?? ''}`);
    let a: number;
    let b: number;
    if (rng === '*' || rng === '?') {
      a = lo;
      b = hi;
      if (stepS === undefined) star = true;
    } else if (rng.includes('-')) {
      const [x = '', y = ''] = rng.split('-');
      a = num(x);
      b = num(y);
    } else {
      a = num(rng);
      b = stepS === undefined ? a : hi;
    }
    if (a < lo || b > hi || a > b) throw new Error(`beginning of range (${a}) beyond end of range (${b}): ${part}`);
    for (let v = a; v <= b; v += step) set.add(v);
  }
  return { set, star };
}

function parseEvery(d: string): number {
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (let m = re.exec(d); m; m = re.exec(d)) {
    const n = Number(m[1]);
    const unit = m[2];
    total += unit === 'h' ? n * 3_600_000 : unit === 'm' ? n * 60_000 : unit === 's' ? n * 1000 : unit === 'ms' ? n : n / 1e6;
    consumed += m[0].length;
  }
  if (consumed !== d.length || total <= 0) throw new Error(`failed to parse duration ${d}`);
  return Math.max(1000, Math.floor(total / 1000) * 1000);
}

/** Offset (ms) of a time zone from UTC at time t; 0 for UTC or when the zone is unknown to Intl. */
export function zoneOffset(tz: string | undefined, t: number): number {
  if (!tz || tz === 'UTC' || tz === 'Etc/UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(new Date(t));
  const g = (k: string) => Number(parts.find((p) => p.type === k)?.value ?? 0);
  const wall = Date.UTC(g('year'), g('month') - 1, g('day'), g('hour'), g('minute'), g('second'));
  return wall - Math.floor(t / 1000) * 1000;
}

export function parseSchedule(spec: string, timeZone?: string): Schedule {
  let s = spec.trim();
  if (s.startsWith('TZ=') || s.startsWith('CRON_TZ=')) throw new Error('cannot use TZ or CRON_TZ in schedule, use timeZone field instead');
  if (s.startsWith('@every ')) {
    const every = parseEvery(s.slice(7).trim());
    return { next: (t) => Math.floor(t / 1000) * 1000 + every };
  }
  s = macros[s] ?? s;
  const parts = s.split(/\s+/);
  if (parts.length !== 5) throw new Error(`expected exactly 5 fields, found ${parts.length}: ${spec}`);
  const mi = parseField(parts[0]!, 0, 59, [], 0);
  const h = parseField(parts[1]!, 0, 23, [], 0);
  const dom = parseField(parts[2]!, 1, 31, [], 0);
  const mo = parseField(parts[3]!, 1, 12, monthNames, 1);
  const dw = parseField(parts[4]!, 0, 7, dowNames, 0);
  if (dw.set.has(7)) dw.set.add(0);
  const f: Fields = { minute: mi.set, hour: h.set, dom: dom.set, month: mo.set, dow: dw.set, domStar: dom.star, dowStar: dw.star };
  return { next: (t) => nextAfter(f, t, timeZone) };
}

function dayMatches(f: Fields, d: Date): boolean {
  const domOk = f.dom.has(d.getUTCDate());
  const dowOk = f.dow.has(d.getUTCDay());
  if (f.domStar || f.dowStar) return domOk && dowOk;
  return domOk || dowOk;
}

function nextAfter(f: Fields, t: number, tz: string | undefined): number {
  const off = zoneOffset(tz, t);
  // work on wall-clock time expressed as a UTC Date
  const d = new Date(Math.floor((t + off) / 60_000) * 60_000 + 60_000);
  const limit = d.getTime() + 5 * 366 * 86_400_000;
  while (d.getTime() < limit) {
    if (!f.month.has(d.getUTCMonth() + 1)) {
      d.setUTCMonth(d.getUTCMonth() + 1, 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!dayMatches(f, d)) {
      d.setUTCDate(d.getUTCDate() + 1);
      d.setUTCHours(0, 0, 0, 0);
      continue;
    }
    if (!f.hour.has(d.getUTCHours())) {
      d.setUTCHours(d.getUTCHours() + 1, 0, 0, 0);
      continue;
    }
    if (!f.minute.has(d.getUTCMinutes())) {
      d.setUTCMinutes(d.getUTCMinutes() + 1, 0, 0);
      continue;
    }
    return d.getTime() - off;
  }
  return Infinity;
}

/**
 * mostRecentScheduleTime: the latest activation in (earliest, now], how many were missed, and the next one.
 * Stops counting at 101 missed activations (upstream reports "too many missed start times").
 */
export function mostRecentScheduleTime(s: Schedule, earliest: number, now: number): { last?: number; missed: number; next: number } {
  let t = s.next(earliest);
  let last: number | undefined;
  let missed = 0;
  while (t <= now) {
    last = t;
    missed++;
    if (missed > 100) {
      // jump: find the most recent one by walking from close to now
      let probe = s.next(now - 24 * 3_600_000 * 7);
      while (probe <= now) {
        last = probe;
        probe = s.next(probe);
      }
      return { last, missed, next: s.next(now) };
    }
    t = s.next(t);
  }
  return { ...(last !== undefined ? { last } : {}), missed, next: t };
}
