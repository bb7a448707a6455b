// discovery.k8s.io/v1 EndpointSlice.
import { Type, Struct, Opt, StringMap, AtomicList, SetList, Enum, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, ageColumn, Int32, Str, Bool } from '../common';
import { ObjectReferenceSchema } from '../core/object-reference';
import { fieldErr, dns1123LabelErrors, immutable } from '../validators';
import type { StatusCause } from '../../errors/status-error';
import { isIP } from 'node:net';

export const EndpointConditionsSchema = Struct(
  'EndpointConditions represents the current condition of an endpoint.',
  {
    ready: Opt(Bool(), 'ready indicates that this endpoint is ready to receive traffic, according to whatever system is managing the endpoint.'),
    serving: Opt(Bool(), 'serving indicates that this endpoint is able to receive traffic, according to whatever system is managing the endpoint.'),
    terminating: Opt(Bool(), 'terminating indicates that this endpoint is terminating.'),
  },
  { $id: 'io.k8s.api.discovery.v1.EndpointConditions' },
);

export const EndpointSchema = Struct(
  'Endpoint represents a single logical "backend" implementing a service.',
  {
    addresses: SetList(Str(), 'addresses of this endpoint. For EndpointSlices of addressType "IPv4" or "IPv6", the values are IP addresses in canonical form.'),
    conditions: Opt(EndpointConditionsSchema, 'conditions contains information about the current status of the endpoint.'),
    hostname: Opt(Str(), 'hostname of this endpoint.'),
    targetRef: Opt(ObjectReferenceSchema, 'targetRef is a reference to a Kubernetes object that represents this endpoint.'),
    deprecatedTopology: Opt(StringMap('deprecatedTopology contains topology information part of the v1beta1 API.')),
    nodeName: Opt(Str(), 'nodeName represents the name of the Node hosting this endpoint.'),
    zone: Opt(Str(), 'zone is the name of the Zone this endpoint exists in.'),
    hints: Opt(
      Struct(
        'EndpointHints provides hints describing how an endpoint should be consumed.',
        {
          forZones: Opt(AtomicList(Struct('ForZone provides information about which zones should consume this endpoint.', { name: Str() }, { $id: 'io.k8s.api.discovery.v1.ForZone' }))),
          forNodes: Opt(AtomicList(Struct('ForNode provides information about which nodes should consume this endpoint.', { name: Str() }, { $id: 'io.k8s.api.discovery.v1.ForNode' }))),
        },
        { $id: 'io.k8s.api.discovery.v1.EndpointHints' },
      ),
      'hints contains information associated with how an endpoint should be consumed.',
    ),
  },
  { $id: 'io.k8s.api.discovery.v1.Endpoint' },
);
export type Endpoint = Static<typeof EndpointSchema>;

export const EndpointSlicePortSchema = Struct(
  'EndpointPort represents a Port used by an EndpointSlice',
  {
    name: Opt(Str(), 'name represents the name of this port. All ports in an EndpointSlice must have a unique name.'),
    protocol: Opt(Enum(['TCP', 'UDP', 'SCTP'] as const), 'protocol represents the IP protocol for this port. Must be UDP, TCP, or SCTP. Default is TCP.'),
    port: Opt(Int32(), 'port represents the port number of the endpoint. If this is not specified, ports are not restricted and must be interpreted in the context of the specific consumer.'),
    appProtocol: Opt(Str(), 'The application protocol for this port.'),
  },
  { $id: 'io.k8s.api.discovery.v1.EndpointPort', 'x-kubernetes-map-type': 'atomic' },
);

export const EndpointSliceSchema = objectSchema('io.k8s.api.discovery.v1.EndpointSlice', 'EndpointSlice represents a subset of the endpoints that implement a service.', {
  addressType: Enum(['IPv4', 'IPv6', 'FQDN'] as const, 'addressType specifies the type of address carried by this EndpointSlice.'),
  endpoints: AtomicList(EndpointSchema, 'endpoints is a list of unique endpoints in this slice. Each slice may include a maximum of 1000 endpoints.'),
  ports: Opt(AtomicList(EndpointSlicePortSchema, 'ports specifies the list of network ports exposed by each endpoint in this slice.')),
});
export type EndpointSlice = Static<typeof EndpointSliceSchema>;

function listWithMore(list: string[], more: boolean, count: number, max: number): string {
  const ret = list.join(',');
  if (more) return `${ret} + ${count - max} more...`;
  return ret || '<unset>';
}

export function formatSlicePorts(ports: EndpointSlice['ports']): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const p of ports ?? []) {
    if (list.length < 3) list.push(p.port !== undefined ? String(p.port) : p.name !== undefined ? p.name : '*');
    else if (list.length === 3) more = true;
    count++;
  }
  return listWithMore(list, more, count, 3);
}

export function formatSliceEndpoints(endpoints: Endpoint[] | undefined): string {
  const list: string[] = [];
  let more = false;
  let count = 0;
  for (const e of endpoints ?? []) {
    for (const a of e.addresses ?? []) {
      if (list.length < 3) list.push(a);
      else if (list.length === 3) more = true;
      count++;
    }
  }
  return listWithMore(list, more, count, 3);
}

export const EndpointSliceKind = defineKind<EndpointSlice>({
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: EndpointSliceSchema,
  status: false,
  strategy: {
    default(es) {
      for (const p of es.ports ?? []) if (!p.protocol) p.protocol = 'TCP';
      if (!es.endpoints) es.endpoints = [];
    },
    validate(es) {
      const out: StatusCause[] = [];
      if (!['IPv4', 'IPv6', 'FQDN'].includes(es.addressType)) out.push(fieldErr.notSupported('addressType', es.addressType, ['FQDN', 'IPv4', 'IPv6']));
      if ((es.endpoints ?? []).length > 1000) out.push({ reason: 'FieldValueTooMany', field: 'endpoints', message: `Too many: ${es.endpoints.length}: must have at most 1000 items` });
      (es.endpoints ?? []).forEach((e, i) => {
        const addrs = e.addresses ?? [];
        if (addrs.length === 0) out.push(fieldErr.required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
        if (addrs.length > 100) out.push({ reason: 'FieldValueTooMany', field: `endpoints[${i}].addresses`, message: `Too many: ${addrs.length}: must have at most 100 items` });
        addrs.forEach((a, j) => {
          const fam = isIP(a);
          if (es.addressType === 'IPv4' && fam !== 4) out.push(fieldErr.invalid(`endpoints[${i}].addresses[${j}]`, a, 'must be a valid IPv4 address'));
          if (es.addressType === 'IPv6' && fam !== 6) out.push(fieldErr.invalid(`endpoints[${i}].addresses[${j}]`, a, 'must be a valid IPv6 address'));
        });
        if (e.hostname) for (const m of dns1123LabelErrors(e.hostname)) out.push(fieldErr.invalid(`endpoints[${i}].hostname`, e.hostname, m));
      });
      const names = new Set<string>();
      (es.ports ?? []).forEach((p, i) => {
        const n = p.name ?? '';
        if (n) for (const m of dns1123LabelErrors(n)) out.push(fieldErr.invalid(`ports[${i}].name`, n, m));
        if (names.has(n)) out.push(fieldErr.duplicate(`ports[${i}].name`, n));
        names.add(n);
        if (p.port !== undefined && (p.port < 1 || p.port > 65535)) out.push(fieldErr.invalid(`ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
      });
      return out;
    },
    validateUpdate(es, old) {
      return immutable('addressType', es.addressType, old.addressType);
    },
    generationFromSpec: false,
  },
  table: {
    columns: [
      nameColumn,
      { name: 'AddressType', type: 'string', description: 'addressType specifies the type of address carried by this EndpointSlice.', priority: 0 },
      { name: 'Ports', type: 'string', description: 'ports specifies the list of network ports exposed by each endpoint in this slice.', priority: 0 },
      { name: 'Endpoints', type: 'string', description: 'endpoints is a list of unique endpoints in this slice.', priority: 0 },
      ageColumn,
    ],
    cells: (o, now) => [o.metadata.name, o.addressType, formatSlicePorts(o.ports), formatSliceEndpoints(o.endpoints), age(o.metadata.creationTimestamp, now)],
  },
});
