// Node-side commands: the CRI runtime, image import, and hollow (simulated) nodes.
import { parseHollowNodeFlags, runHollowNodes } from '@kubets/client';

export async function runtime(argv: string[], signal: AbortSignal): Promise<void> {
  const { parseRuntimeFlags, runRuntime } = await import('@kubets/kubelet');
  await runRuntime(parseRuntimeFlags(argv), signal);
}

export async function image(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'import') {
    console.error('usage: kts image import FILE.tar [FILE.tar…] [--root-dir DIR]');
    return 1;
  }
  const { runImageImport } = await import('@kubets/kubelet');
  return runImageImport(rest);
}

export async function hollowNodes(argv: string[], signal: AbortSignal): Promise<void> {
  await runHollowNodes(parseHollowNodeFlags(argv), signal);
}
