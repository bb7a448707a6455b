// Compile-time check that the API's kinds fit the scheduler's structural views (no runtime code).
import type { Pod as ApiPod, Node as ApiNode, PriorityClass as ApiPriorityClass, Service, ReplicaSet, ReplicationController, StatefulSet } from '@kubets/api';
import type { Pod, Node, PriorityClass, SelectorOwner } from './types';

type Assert<T extends true> = T;
type Fits<A, B> = A extends B ? true : false;

export type _ApiKindsFitSchedulerViews = [
  Assert<Fits<ApiPod, Pod>>,
  Assert<Fits<ApiNode, Node>>,
  Assert<Fits<ApiPriorityClass, PriorityClass>>,
  Assert<Fits<Service, SelectorOwner>>,
  Assert<Fits<ReplicaSet, SelectorOwner>>,
  Assert<Fits<ReplicationController, SelectorOwner>>,
  Assert<Fits<StatefulSet, SelectorOwner>>,
];
