import * as fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { runPod, startTestRuntime } from '../harness/runtime';
jest.setTimeout(60000);
test('debug', async () => {
  const t = await startTestRuntime(209);
  try {
    await runPod(t.clients, 'dbg', ['sleep', '5']);
  } catch (e) {
    console.log(String(e));
    console.log(execFileSync('sh', ['-c', `find ${t.rootDir}/containers -maxdepth 2; cat ${t.rootDir}/containers/*/conmon.out; cat ${t.rootDir}/containers/*/config.json | head -80`]).toString());
  }
  await t.cleanup();
});
