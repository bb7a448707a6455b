// The part of SharedInformerFactory controllers use (so tests can pass the real factory or a stand-in).
import type { KindDef, KubeObject } from '@kubets/api';
import type { Informer, InformerScope } from '@kubets/client';

export interface InformerSource {
  informerFor<T extends KubeObject>(kind: KindDef<T>, scope?: InformerScope): Informer<T>;
}
