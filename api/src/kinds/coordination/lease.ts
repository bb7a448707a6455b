// coordination.k8s.io/v1 Lease.
import { Struct, Opt, Type, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { objectSchema, age, nameColumn, Int32, Str } from '../common';
import { fieldErr } from '../validators';
import type { StatusCause } from '../../errors/status-error';

const MicroTime = Type.String({ format: 'date-time' });

export const LeaseSpecSchema = Struct(
  'LeaseSpec is a specification of a Lease.',
  {
    holderIdentity: Opt(Str(), 'holderIdentity contains the identity of the holder of a current lease.'),
    leaseDurationSeconds: Opt(Int32(), 'leaseDurationSeconds is a duration that candidates for a lease need to wait to force acquire it.'),
    acquireTime: Opt(MicroTime, 'acquireTime is a time when the current lease was acquired.'),
    renewTime: Opt(MicroTime, 'renewTime is a time when the current holder of a lease has last updated the lease.'),
    leaseTransitions: Opt(Int32(), 'leaseTransitions is the number of transitions of a lease between holders.'),
    strategy: Opt(Str(), 'Strategy indicates the strategy for picking the leader for coordinated leader election.'),
    preferredHolder: Opt(Str(), 'PreferredHolder signals to a lease holder that the lease has a more optimal holder and should be given up.'),
  },
  { $id: 'io.k8s.api.coordination.v1.LeaseSpec' },
);

export const LeaseSchema = objectSchema('io.k8s.api.coordination.v1.Lease', 'Lease defines a lease concept.', {
  spec: Opt(LeaseSpecSchema, 'spec contains the specification of the Lease.'),
});
export type Lease = Static<typeof LeaseSchema>;

export const LeaseKind = defineKind<Lease>({
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  namespaced: true,
  shortNames: [],
  categories: [],
  schema: LeaseSchema,
  status: false,
  strategy: {
    validate(l) {
      const out: StatusCause[] = [];
      const s = l.spec;
      if (s?.leaseDurationSeconds !== undefined && s.leaseDurationSeconds <= 0) out.push(fieldErr.invalid('spec.leaseDurationSeconds', s.leaseDurationSeconds, 'must be greater than 0'));
      if (s?.leaseTransitions !== undefined && s.leaseTransitions < 0) out.push(fieldErr.invalid('spec.leaseTransitions', s.leaseTransitions, 'must be greater than or equal to 0'));
      return out;
    },
    generationFromSpec: false,
  },
  table: {
    columns: [nameColumn, { name: 'Holder', type: 'string', description: 'holderIdentity contains the identity of the holder of a current lease.', priority: 0 }, { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created.', priority: 0 }],
    cells: (o, now) => [o.metadata.name, o.spec?.holderIdentity ?? '', age(o.metadata.creationTimestamp, now)],
  },
});
