// Reload metrics in prom-client's default registry (served on /metrics), named as kube-apiserver's
// encryption-config controller. The config hash lets `kts secrets-encrypt rotate` see that a new file is in use.
import { Counter, Gauge, register } from 'prom-client';

const reloadsName = 'apiserver_encryption_config_controller_automatic_reloads_total';
const infoName = 'apiserver_encryption_config_controller_automatic_reload_last_config_info';

function reloads(): Counter<'status'> {
  const m = register.getSingleMetric(reloadsName);
  if (m) return m as Counter<'status'>;
  return new Counter({ name: reloadsName, help: 'Total number of reload successes and failures of encryption configuration.', labelNames: ['status'] });
}

function info(): Gauge<'hash'> {
  const m = register.getSingleMetric(infoName);
  if (m) return m as Gauge<'hash'>;
  return new Gauge({ name: infoName, help: 'Information about the last applied encryption configuration, with its hash as a label.', labelNames: ['hash'] });
}

export function recordConfigInUse(hash: string): void {
  const g = info();
  g.reset();
  g.set({ hash }, 1);
}

export function recordReload(ok: boolean): void {
  reloads().inc({ status: ok ? 'success' : 'failure' });
}

export const encryptionConfigInfoMetric = infoName;
