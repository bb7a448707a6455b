// core/v1 Endpoints.
import { Type, Struct, Opt, AtomicList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Def, Str } from '../common';
import { ObjectReferenceSchema } from './object-reference';
import { fieldErr, dns1123LabelErrors } from '../validators';
import type { StatusCause } from '../../errors/status-error';
import { isIP } from 'node:net';

export const EndpointAddressSchema = Struct(
  'EndpointAddress is a tuple that describes single IP address.',
  {
    ip: Type.String({ description: 'The IP of this endpoint.' }),
    hostname: Opt(Str(), 'The Hostname of this endpoint'),
    nodeName: Opt(Str(), 'Optional: Node hosting this endpoint. This can be used to determine endpoints local to a node.'),
    targetRef: Opt(ObjectReferenceSchema, 'Reference to object providing the endpoint.'),
  },
  { $id: 'io.k8s.api.core.v1.EndpointAddress', 'x-kubernetes-map-type': 'atomic' },
);

export const EndpointPortSchema = Struct(
  'EndpointPort is a tuple that describes a single port.',
  {
    name: Opt(Str(), "The name of this port.  This must match the 'name' field in the corresponding ServicePort."),
    port: Type.Integer({ format: 'int32', description: 'The port number of the endpoint.' }),
    protocol: Opt(Def(Enum(['TCP', 'UDP', 'SCTP'] as const), 'TCP'), 'The IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.'),
    appProtocol: Opt(Str(), 'The application protocol for this port.'),
  },
  { $id: 'io.k8s.api.core.v1.EndpointPort', 'x-kubernetes-map-type': 'atomic' },
);

export const EndpointSubsetSchema = Struct(
  'EndpointSubset is a group of addresses with a common set of ports.',
  {
    addresses: Opt(AtomicList(EndpointAddressSchema, 'IP addresses which offer the related ports that are marked as ready.')),
    notReadyAddresses: Opt(AtomicList(EndpointAddressSchema, 'IP addresses which offer the related ports but are not currently marked as ready.')),
    ports: Opt(AtomicList(EndpointPortSchema, 'Port numbers available on the related IP addresses.')),
  },
  { $id: 'io.k8s.api.core.v1.EndpointSubset' },
);
export type EndpointSubset = Static<typeof EndpointSubsetSchema>;

export const EndpointsSchema = objectSchema('io.k8s.api.core.v1.Endpoints', 'Endpoints is a collection of endpoints that implement the actual service.', {
  subsets: Opt(AtomicList(EndpointSubsetSchema, 'The set of all endpoints is the union of all subsets.')),
});
export type Endpoints = Static<typeof EndpointsSchema>;

/** formatEndpoints: up to 3 "ip:port" entries then " + N more...". */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (!subsets.length) return '<none>';
  const list: string[] = [];
  const max = 3;
  let more = false;
  let count = 0;
  for (const ss of subsets) {
    const addrs = ss.addresses ?? [];
    if (!ss.ports?.length) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip);
      }
      continue;
    }
    for (const p of ss.ports) {
      count += addrs.length;
      for (const a of addrs) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(a.ip.includes(':') ? `[${a.ip}]:${p.port}` : `${a.ip}:${p.port}`);
      }
    }
  }
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret;
}

export const EndpointsKind = defineKind<Endpoints>({
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  namespaced: true,
  shortNames: ['ep'],
  categories: [],
  schema: EndpointsSchema,
  status: false,
  strategy: {
    validate(ep) {
      const out: StatusCause[] = [];
      (ep.subsets ?? []).forEach((ss, i) => {
        const p = `subsets[${i}]`;
        for (const part of ['addresses', 'notReadyAddresses'] as const) {
          (ss[part] ?? []).forEach((a, j) => {
            if (!a.ip || isIP(a.ip) === 0) out.push(fieldErr.invalid(`${p}.${part}[${j}].ip`, a.ip ?? '', 'must be a valid IP address'));
          });
        }
        (ss.ports ?? []).forEach((pt, j) => {
          if (ss.ports!.length > 1 && !pt.name) out.push(fieldErr.required(`${p}.ports[${j}].name`));
          if (pt.name) for (const e of dns1123LabelErrors(pt.name)) out.push(fieldErr.invalid(`${p}.ports[${j}].name`, pt.name, e));
          if (pt.port < 1 || pt.port > 65535) out.push(fieldErr.invalid(`${p}.ports[${j}].port`, pt.port, 'must be between 1 and 65535, inclusive'));
        });
      });
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [nameColumn, { name: 'Endpoints', type: 'string', description: 'Endpoints is the list of endpoints in the endpoints object.', priority: 0 }, ageColumn],
    cells: (o, now) => [o.metadata.name, formatEndpoints(o), age(o.metadata.creationTimestamp, now)],
  },
});
