import { Struct, Opt, type Static } from '../../schema/builders';
import { Str } from '../common';

export const ObjectReferenceSchema = Struct(
  'ObjectReference contains enough information to let you inspect or modify the referred object.',
  {
    kind: Opt(Str(), 'Kind of the referent.'),
    namespace: Opt(Str(), 'Namespace of the referent.'),
    name: Opt(Str(), 'Name of the referent.'),
    uid: Opt(Str(), 'UID of the referent.'),
    apiVersion: Opt(Str(), 'API version of the referent.'),
    resourceVersion: Opt(Str(), 'Specific resourceVersion to which this reference is made, if any.'),
    fieldPath: Opt(Str(), 'If referring to a piece of an object instead of an entire object, this string should contain a valid JSON/Go field access statement, such as desiredState.manifest.containers[2].'),
  },
  { $id: 'io.k8s.api.core.v1.ObjectReference', 'x-kubernetes-map-type': 'atomic' },
);
export type ObjectReference = Static<typeof ObjectReferenceSchema>;
