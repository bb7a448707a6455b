// --encryption-provider-config-automatic-reload: the API server watches the file and swaps in a valid new
// configuration without a restart (an invalid one is reported and the previous one kept), which is how
// `kts secrets-encrypt rotate` gets a new key used by a running server.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { configHash, loadEncryptionConfig, parseEncryptionConfig, type EncryptionConfig } from './config';
import { recordConfigInUse, recordReload } from './metrics';
import type { Transformer, TransformerResolver } from './types';

export interface ReloadOptions {
  /** Called after a new configuration is in use. */
  onReload?: (cfg: EncryptionConfig) => void;
  /** Called when the changed file cannot be loaded (the previous configuration stays in use). */
  onError?: (err: Error) => void;
  /** Coalesces bursts of file events (editors write several times). Default 200ms. */
  debounceMs?: number;
}

export class ReloadingEncryptionConfig implements TransformerResolver {
  private cfg: EncryptionConfig;
  private watcher: fs.FSWatcher | undefined;
  private timer: NodeJS.Timeout | undefined;

  /** Loads the file (throwing if it is invalid, as a server start must fail) and starts watching it. */
  constructor(
    readonly file: string,
    private readonly opts: ReloadOptions = {},
  ) {
    this.cfg = loadEncryptionConfig(file);
    recordConfigInUse(this.cfg.hash);
    // Watch the directory: an atomic replace (rename over the file) ends a watch on the old inode.
    this.watcher = fs.watch(path.dirname(file), (_ev, name) => {
      if (name === null || name === path.basename(file)) this.schedule();
    });
    this.watcher.on('error', (e) => this.opts.onError?.(e));
    this.watcher.unref();
  }

  get current(): EncryptionConfig {
    return this.cfg;
  }

  transformerFor(r: { group: string; resource: string }): Transformer | undefined {
    return this.cfg.transformerFor(r);
  }

  private schedule(): void {
    if (!this.watcher) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.reload(), this.opts.debounceMs ?? 200);
    this.timer.unref();
  }

  /** Re-reads the file now; returns whether a new configuration was applied. */
  reload(): boolean {
    let raw: Buffer;
    try {
      raw = fs.readFileSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // mid-replace; the rename will fire again
      recordReload(false);
      this.opts.onError?.(e as Error);
      return false;
    }
    const hash = configHash(raw);
    if (hash === this.cfg.hash) return false;
    try {
      this.cfg = parseEncryptionConfig(raw.toString('utf8'), hash, this.file);
    } catch (e) {
      recordReload(false);
      this.opts.onError?.(e as Error);
      return false;
    }
    recordReload(true);
    recordConfigInUse(hash);
    this.opts.onReload?.(this.cfg);
    return true;
  }

  close(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.watcher?.close();
    this.watcher = undefined;
  }
}
