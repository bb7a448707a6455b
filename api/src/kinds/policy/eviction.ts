// policy/v1 Eviction: the body POSTed to pods/{name}/eviction (not a stored kind).
import { Struct, Opt, AtomicList, type Static } from '../../schema/builders';
import { objectSchema, Int64, Str, Bool } from '../common';

export const PreconditionsSchema = Struct(
  'Preconditions must be fulfilled before an operation (update, delete, etc.) is carried out.',
  { uid: Opt(Str(), 'Specifies the target UID.'), resourceVersion: Opt(Str(), 'Specifies the target ResourceVersion') },
  { $id: 'io.k8s.apimachinery.pkg.apis.meta.v1.Preconditions' },
);

export const DeleteOptionsSchema = Struct(
  'DeleteOptions may be provided when deleting an API object.',
  {
    kind: Opt(Str()),
    apiVersion: Opt(Str()),
    gracePeriodSeconds: Opt(Int64(), 'The duration in seconds before the object should be deleted.'),
    preconditions: Opt(PreconditionsSchema, 'Must be fulfilled before a deletion is carried out.'),
    orphanDependents: Opt(Bool(), 'Deprecated: please use the PropagationPolicy.'),
    propagationPolicy: Opt(Str(), "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'."),
    dryRun: Opt(AtomicList(Str(), 'When present, indicates that modifications should not be persisted.')),
    ignoreStoreReadErrorWithClusterBreakingPotential: Opt(Bool()),
  },
  { $id: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions' },
);
export type DeleteOptions = Static<typeof DeleteOptionsSchema>;

export const EvictionSchema = objectSchema('io.k8s.api.policy.v1.Eviction', 'Eviction evicts a pod from its node subject to certain policies and safety constraints.', {
  deleteOptions: Opt(DeleteOptionsSchema, 'DeleteOptions may be provided'),
});
export type Eviction = Static<typeof EvictionSchema>;

