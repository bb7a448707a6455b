// apiserver request metrics in prom-client's default registry (created once per process), labelled exactly as
// kube-apiserver labels apiserver_request_total and apiserver_request_duration_seconds, so the kubernetes-mixin
// recording rules and SLO dashboards select the same series.
import { Counter, Histogram, register } from 'prom-client';
import type { RequestInfo } from '../http/request-info';
import { queryBool } from '../http/params';

const durLabels = ['verb', 'dry_run', 'group', 'version', 'resource', 'subresource', 'scope', 'component'] as const;
const labelNames = [...durLabels, 'code'] as const;
export type RequestMetricLabels = Record<(typeof durLabels)[number], string>;

function counter(): Counter<(typeof labelNames)[number]> {
  const existing = register.getSingleMetric('apiserver_request_total');
  if (existing) return existing as Counter<(typeof labelNames)[number]>;
  return new Counter({ name: 'apiserver_request_total', help: 'Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.', labelNames });
}

function histogram(): Histogram<(typeof durLabels)[number]> {
  const existing = register.getSingleMetric('apiserver_request_duration_seconds');
  if (existing) return existing as Histogram<(typeof durLabels)[number]>;
  return new Histogram({
    name: 'apiserver_request_duration_seconds',
    help: 'Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.',
    labelNames: durLabels,
    buckets: [0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1, 1.25, 1.5, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 45, 60],
  });
}

/** Upstream's component label for resource requests (metrics.APIServerComponent). */
export const apiServerComponent = 'apiserver';

// Subresources served by a rest.Connecter upstream: their installer verb is CONNECT whatever the HTTP method.
const connectSubresources = new Set(['exec', 'attach', 'portforward', 'proxy']);
// Non-resource paths upstream instruments itself (healthz.InstallHandler, the /metrics handler): verb GET,
// the path as subresource, empty scope and component.
const instrumentedPaths = /^\/(healthz|livez|readyz)(\/.*)?$|^\/metrics$/;

const installerVerb: Record<string, string> = {
  get: 'GET',
  list: 'LIST',
  watch: 'WATCH',
  create: 'POST',
  update: 'PUT',
  patch: 'PATCH',
  delete: 'DELETE',
  deletecollection: 'DELETECOLLECTION',
};

/** metrics.CleanVerb: WATCH for watch=<true> GETs, APPLY for server-side apply, CONNECT for connecters. */
export function cleanVerb(method: string, info: RequestInfo, query: URLSearchParams, contentType: string | undefined): string {
  if (connectSubresources.has(info.subresource)) return 'CONNECT';
  let verb = installerVerb[info.verb] ?? method.toUpperCase();
  if (method === 'GET' && (info.legacyWatch || queryBool(query.get('watch')))) verb = 'WATCH';
  if (verb === 'PATCH' && (contentType ?? '').split(';')[0]!.trim() === 'application/apply-patch+yaml') verb = 'APPLY';
  return verb;
}

/** metrics.CleanScope: create counts as a single-object ("resource") request. */
export function cleanScope(info: RequestInfo): string {
  if (info.name || info.verb === 'create') return 'resource';
  if (info.namespace) return 'namespace';
  return info.isResourceRequest ? 'cluster' : '';
}

/** metrics.cleanDryRun: the sorted distinct dryRun values, or "invalid". */
export function cleanDryRun(query: URLSearchParams): string {
  const values = query.getAll('dryRun');
  if (values.some((v) => v !== 'All')) return 'invalid';
  return [...new Set(values)].sort().join(',');
}

/**
 * The labels kube-apiserver would record for this request, or undefined for paths it does not instrument
 * (discovery, /version, OpenAPI, unknown paths).
 */
export function requestMetricLabels(method: string, path: string, info: RequestInfo | undefined, query: URLSearchParams, contentType?: string): RequestMetricLabels | undefined {
  if (!info) {
    if (!instrumentedPaths.test(path)) return undefined;
    return { verb: method.toUpperCase(), dry_run: '', group: '', version: '', resource: '', subresource: path, scope: '', component: '' };
  }
  return {
    verb: cleanVerb(method.toUpperCase(), info, query, contentType),
    dry_run: cleanDryRun(query),
    group: info.group,
    version: info.version,
    resource: info.resource,
    subresource: info.subresource,
    scope: cleanScope(info),
    component: apiServerComponent,
  };
}

export function recordRequest(labels: RequestMetricLabels | undefined, code: number, seconds: number): void {
  if (!labels) return;
  counter().inc({ ...labels, code: String(code) });
  histogram().observe(labels, seconds);
}

export async function metricsText(): Promise<{ body: string; contentType: string }> {
  return { body: await register.metrics(), contentType: register.contentType };
}
