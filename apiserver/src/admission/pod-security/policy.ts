// A namespace's Pod Security policy: enforce/audit/warn level and version, from its labels over the configured
// defaults (k8s.io/pod-security-admission/api/helpers.go).
import type { Level } from './check';

export const labelPrefix = 'pod-security.kubernetes.io/';
export const EnforceLevelLabel = `${labelPrefix}enforce`;
export const EnforceVersionLabel = `${labelPrefix}enforce-version`;
export const AuditLevelLabel = `${labelPrefix}audit`;
export const AuditVersionLabel = `${labelPrefix}audit-version`;
export const WarnLevelLabel = `${labelPrefix}warn`;
export const WarnVersionLabel = `${labelPrefix}warn-version`;

export interface LevelVersion {
  level: Level;
  /** 'latest' or 'v1.N' */
  version: string;
}

export interface Policy {
  enforce: LevelVersion;
  audit: LevelVersion;
  warn: LevelVersion;
}

/** A label (or config field) that does not parse: field path, value, and why. */
export interface PolicyError {
  field: string;
  value: string;
  detail: string;
}

export const privilegedPolicy: Policy = {
  enforce: { level: 'privileged', version: 'latest' },
  audit: { level: 'privileged', version: 'latest' },
  warn: { level: 'privileged', version: 'latest' },
};

const levels: readonly Level[] = ['privileged', 'baseline', 'restricted'];
export const levelError = `must be one of ${levels.join(', ')}`;
export const versionError = 'must be "latest" or "v1.x"';

export function isLevel(s: string): s is Level {
  return (levels as readonly string[]).includes(s);
}

export function isVersion(s: string): boolean {
  return s === 'latest' || /^v1\.([0-9]|[1-9][0-9]*)$/.test(s);
}

export function levelVersionString(lv: LevelVersion): string {
  return `${lv.level}:${lv.version}`;
}

export function compareLevels(a: Level, b: Level): number {
  return levels.indexOf(a) - levels.indexOf(b);
}

export function fullyPrivileged(p: Policy): boolean {
  return p.enforce.level === 'privileged' && p.audit.level === 'privileged' && p.warn.level === 'privileged';
}

const equivalentLV = (a: LevelVersion, b: LevelVersion): boolean => (a.level === 'privileged' && b.level === 'privileged') || (a.level === b.level && a.version === b.version);

export function equivalentPolicies(a: Policy, b: Policy): boolean {
  return equivalentLV(a.enforce, b.enforce) && equivalentLV(a.audit, b.audit) && equivalentLV(a.warn, b.warn);
}

/**
 * The policy a namespace's labels ask for. An unparsable enforce level fails closed (restricted); unparsable
 * audit and warn levels fail open (privileged); unparsable versions read as latest. Without a warn label, warn is
 * raised to the enforce level so clients hear about what would be refused.
 */
export function policyToEvaluate(labels: Record<string, string> | undefined, defaults: Policy): { policy: Policy; errors: PolicyError[] } {
  const p: Policy = { enforce: { ...defaults.enforce }, audit: { ...defaults.audit }, warn: { ...defaults.warn } };
  const errors: PolicyError[] = [];
  if (!labels || Object.keys(labels).length === 0) return { policy: p, errors };
  const field = (label: string) => `metadata.labels[${label}]`;
  const level = (label: string, lv: LevelVersion, onError: Level): boolean => {
    const v = labels[label];
    if (v === undefined) return false;
    if (isLevel(v)) {
      lv.level = v;
      return true;
    }
    lv.level = onError;
    errors.push({ field: field(label), value: v, detail: levelError });
    return false;
  };
  const version = (label: string, lv: LevelVersion): boolean => {
    const v = labels[label];
    if (v === undefined) return false;
    if (isVersion(v)) lv.version = v;
    else {
      lv.version = 'latest';
      errors.push({ field: field(label), value: v, detail: versionError });
    }
    return true;
  };
  const hasEnforceLevel = level(EnforceLevelLabel, p.enforce, 'restricted');
  version(EnforceVersionLabel, p.enforce);
  level(AuditLevelLabel, p.audit, 'privileged');
  version(AuditVersionLabel, p.audit);
  const hasWarnLevel = labels[WarnLevelLabel] !== undefined;
  level(WarnLevelLabel, p.warn, 'privileged');
  const hasWarnVersion = version(WarnVersionLabel, p.warn);
  if (!hasWarnLevel && hasEnforceLevel && compareLevels(p.enforce.level, p.warn.level) > 0) {
    p.warn.level = p.enforce.level;
    if (!hasWarnVersion) p.warn.version = p.enforce.version;
  }
  return { policy: p, errors };
}
