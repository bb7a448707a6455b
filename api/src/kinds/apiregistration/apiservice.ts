// apiregistration.k8s.io/v1 APIService: tells the API server which group-version it serves itself (no service)
// and which it proxies to an extension API server behind a Service (kube-aggregator).
import { Type, Struct, Opt, MergeList, Time, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Str, Bool, Int32, Def } from '../common';
import { fieldErr } from '../validators';
import type { StatusCause } from '../../errors/status-error';

export const APIServiceServiceReferenceSchema = Struct(
  'ServiceReference holds a reference to Service.legacy.k8s.io',
  {
    namespace: Opt(Str(), 'Namespace is the namespace of the service'),
    name: Opt(Str(), 'Name is the name of the service'),
    port: Opt(Def(Int32(), 443), 'If specified, the port on the service that hosting webhook. Default to 443 for backward compatibility. `port` should be a valid port number (1-65535, inclusive).'),
  },
  { $id: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.ServiceReference' },
);

export const APIServiceConditionSchema = Struct(
  'APIServiceCondition describes the state of an APIService at a particular point',
  {
    type: Type.String({ description: 'Type is the type of the condition.' }),
    status: Type.String({ description: 'Status is the status of the condition. Can be True, False, Unknown.' }),
    lastTransitionTime: Opt(Time, 'Last time the condition transitioned from one status to another.'),
    reason: Opt(Str(), "Unique, one-word, CamelCase reason for the condition's last transition."),
    message: Opt(Str(), 'Human-readable message indicating details about last transition.'),
  },
  { $id: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceCondition' },
);
export type APIServiceCondition = Static<typeof APIServiceConditionSchema>;

export const APIServiceSchema = objectSchema('io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService', 'APIService represents a server for a particular GroupVersion. Name must be "version.group".', {
  spec: Opt(
    Struct(
      'APIServiceSpec contains information for locating and communicating with a server. Only https is supported, though you are able to disable certificate verification.',
      {
        service: Opt(APIServiceServiceReferenceSchema, 'Service is a reference to the service for this API server.  It must communicate on port 443. If the Service is nil, that means the handling for the API groupversion is handled locally on this server. The call will simply delegate to the normal handler chain to be fulfilled.'),
        group: Opt(Str(), 'Group is the API group name this server hosts'),
        version: Opt(Str(), 'Version is the API version this server hosts.  For example, "v1"'),
        insecureSkipTLSVerify: Opt(Bool(), 'InsecureSkipTLSVerify disables TLS certificate verification when communicating with this server. This is strongly discouraged.  You should use the CABundle instead.'),
        caBundle: Opt(Type.String({ format: 'byte', description: 'CABundle is a PEM encoded CA bundle which will be used to validate an API server\'s serving certificate. If unspecified, system trust roots on the apiserver are used.' })),
        groupPriorityMinimum: Int32(),
        versionPriority: Int32(),
      },
      { $id: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceSpec' },
    ),
  ),
  status: Opt(
    Struct('APIServiceStatus contains derived information about an API server', { conditions: Opt(MergeList(APIServiceConditionSchema, 'type', 'Current service state of apiService.')) }, { $id: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIServiceStatus' }),
  ),
});
export type APIService = Static<typeof APIServiceSchema>;

const available = (o: APIService): APIServiceCondition | undefined => o.status?.conditions?.find((c) => c.type === 'Available');

function validateAPIService(o: APIService): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = o.spec;
  if (!spec) return [fieldErr.required('spec', '')];
  const version = spec.version ?? '';
  const group = spec.group ?? '';
  if (!version) out.push(fieldErr.required('spec.version', ''));
  if (o.metadata.name !== `${version}.${group}`) out.push(fieldErr.invalid('metadata.name', o.metadata.name ?? '', `must be spec.version+"."+spec.group: "${version}.${group}"`));
  if (spec.groupPriorityMinimum <= 0 || spec.groupPriorityMinimum > 20000) out.push(fieldErr.invalid('spec.groupPriorityMinimum', spec.groupPriorityMinimum, 'must be positive and less than 20000'));
  if (spec.versionPriority <= 0 || spec.versionPriority > 1000) out.push(fieldErr.invalid('spec.versionPriority', spec.versionPriority, 'must be positive and less than 1000'));
  if (spec.service) {
    if (!spec.service.name) out.push(fieldErr.required('spec.service.name', ''));
    if (!spec.service.namespace) out.push(fieldErr.required('spec.service.namespace', ''));
    const port = spec.service.port ?? 443;
    if (port < 1 || port > 65535) out.push(fieldErr.invalid('spec.service.port', port, 'must be a valid port number (1-65535, inclusive)'));
    if (spec.insecureSkipTLSVerify && spec.caBundle) out.push(fieldErr.invalid('spec.insecureSkipTLSVerify', true, 'may not be true if caBundle is present'));
  } else {
    if (spec.insecureSkipTLSVerify) out.push(fieldErr.invalid('spec.insecureSkipTLSVerify', true, 'must be false if service is nil'));
    if (spec.caBundle) out.push(fieldErr.invalid('spec.caBundle', '', 'must be empty if service is nil'));
  }
  return out;
}

export const APIServiceKind = defineKind<APIService>({
  group: 'apiregistration.k8s.io',
  version: 'v1',
  kind: 'APIService',
  plural: 'apiservices',
  singular: 'apiservice',
  namespaced: false,
  shortNames: [],
  categories: ['api-extensions'],
  schema: APIServiceSchema,
  status: true,
  strategy: {
    validate: validateAPIService,
    generationFromSpec: true,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'Service', type: 'string', description: 'The reference to the service that hosts this API endpoint.', priority: 0 },
      { name: 'Available', type: 'string', description: 'Whether this service is available.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => {
      const c = available(o);
      const svc = o.spec?.service ? `${o.spec.service.namespace ?? ''}/${o.spec.service.name ?? ''}` : 'Local';
      const avail = !c ? 'Unknown' : c.status === 'True' ? 'True' : `${c.status} (${c.reason ?? ''})`;
      return [o.metadata.name, svc, avail, age(o.metadata.creationTimestamp, now)];
    },
  },
});
