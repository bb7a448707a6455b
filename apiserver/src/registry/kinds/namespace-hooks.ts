// Namespaces carry the immutable label kubernetes.io/metadata.name=<name>, set by the server on every write.
import type { KubeObject } from '@kubets/api';
import type { KindHooks } from '../context';

export const namespaceNameLabel = 'kubernetes.io/metadata.name';

function setLabel(obj: KubeObject): void {
  const name = obj.metadata.name;
  if (!name) return;
  obj.metadata.labels = { ...(obj.metadata.labels ?? {}), [namespaceNameLabel]: name };
}

export const namespaceHooks: KindHooks = {
  async beforeCreate(obj) {
    setLabel(obj);
  },
  async beforeUpdate(obj) {
    setLabel(obj);
  },
};
