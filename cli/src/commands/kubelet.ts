import { parseKubeletFlags, runKubelet, kubeletUsage } from '@kubets/kubelet';

export async function kubelet(argv: string[], signal: AbortSignal): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(kubeletUsage());
    return;
  }
  await runKubelet(parseKubeletFlags(argv), signal);
}
