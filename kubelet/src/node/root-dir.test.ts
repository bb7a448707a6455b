import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureRootDir } from './root-dir';

test('the root dir is created 0700; an existing world-readable one is reported, not changed', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'rootdir-'));
  try {
    const warnings: string[] = [];
    const log = { warn: (m: string) => void warnings.push(m) };
    const dir = path.join(tmp, 'var', 'lib', 'kubelet');
    ensureRootDir(dir, log);
    expect(fs.statSync(dir).mode & 0o777).toBe(0o700);
    expect(warnings).toEqual([]);
    const open = path.join(tmp, 'open');
    fs.mkdirSync(open, { mode: 0o755 });
    fs.chmodSync(open, 0o755);
    ensureRootDir(open, log);
    expect(fs.statSync(open).mode & 0o777).toBe(0o755);
    expect(warnings).toEqual(['kubelet root dir is accessible to other users; 0700 is recommended']);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});
