// One resource's provider list as a Transformer: the first key writes, every key reads the values carrying its
// prefix (upstream's PrefixTransformers). A value read by any key but the first is stale.
import type { FromStorage, Transformer } from './types';
import { hasPrefix } from './prefix';
import type { KeyTransformer } from './providers';

export class PrefixTransformer implements Transformer {
  constructor(private readonly keys: readonly KeyTransformer[]) {
    if (keys.length === 0) throw new Error('a transformer needs at least one provider key');
  }

  toStorage(data: Buffer, key: string): Buffer {
    const w = this.keys[0]!;
    return w.prefix.length === 0 ? w.seal(data, key) : Buffer.concat([w.prefix, w.seal(data, key)]);
  }

  fromStorage(data: Buffer, key: string): FromStorage {
    const errs: string[] = [];
    for (let i = 0; i < this.keys.length; i++) {
      const t = this.keys[i]!;
      if (!hasPrefix(data, t.prefix)) continue;
      try {
        return { data: t.open(data.subarray(t.prefix.length), key), stale: i !== 0 };
      } catch (e) {
        // Several keys can share a prefix only if names repeat across providers; try the others before failing.
        errs.push(e instanceof Error ? e.message : String(e));
      }
    }
    throw new Error(errs.length ? errs.join('; ') : 'no matching prefix found');
  }
}
