// DefaultBinder: POST pods/<name>/binding.
import type { BindPlugin, Handle } from '../framework/interfaces';
import { Status } from '../framework/status';

export const DefaultBinderName = 'DefaultBinder';

export function newDefaultBinder(_args: unknown, h: Handle): BindPlugin {
  return {
    name: DefaultBinderName,
    async bind(_state, pod, nodeName) {
      try {
        await h.client.bind(pod, nodeName);
        return null;
      } catch (e) {
        return Status.error(e);
      }
    },
  };
}
