import { startTestRuntime } from '../harness/runtime';
import * as fs from 'node:fs';
test('clean', async () => {
  for (const d of fs.readdirSync('/tmp').filter((x) => x.startsWith('ktsr209-'))) {
    const t = await startTestRuntime(209, { rootDir: `/tmp/${d}` });
    await t.cleanup();
    fs.rmSync(`/tmp/${d}`, { recursive: true, force: true });
  }
});
