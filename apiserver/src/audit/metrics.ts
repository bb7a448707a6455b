// Audit metrics in prom-client's default registry, named as kube-apiserver's.
import { Counter, register } from 'prom-client';

function counter<L extends string>(name: string, help: string, labelNames: L[]): Counter<L> {
  const m = register.getSingleMetric(name);
  if (m) return m as Counter<L>;
  return new Counter({ name, help, labelNames });
}

export function countEvent(): void {
  counter('apiserver_audit_event_total', 'Counter of audit events generated and sent to the audit backend.', []).inc();
}

export function countLevel(level: string): void {
  counter('apiserver_audit_level_total', 'Counter of policy levels for audit events (1 per request).', ['level']).inc({ level });
}

export function countError(): void {
  counter('apiserver_audit_error_total', 'Counter of audit events that failed to be audited properly. Plugin identifies the plugin affected by the error.', ['plugin']).inc({ plugin: 'log' });
}
