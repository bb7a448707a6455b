import { connectOptions, type ConnectSubresource } from './connect';

describe('CONNECT options from the query', () => {
  const cases: [ConnectSubresource, string, Record<string, unknown>][] = [
    ['exec', 'command=sh&command=-c&command=ls&container=c&stdin=true&stdout=true&stderr=false&tty=1', { kind: 'PodExecOptions', command: ['sh', '-c', 'ls'], container: 'c', stdin: true, stdout: true, tty: true }],
    ['exec', '', { kind: 'PodExecOptions', command: [] }],
    ['attach', 'container=c&stdin=true&stdout=true&stderr=true', { kind: 'PodAttachOptions', container: 'c', stdin: true, stdout: true, stderr: true }],
    ['portforward', 'ports=80&ports=8080,9090&ports=x', { kind: 'PodPortForwardOptions', ports: [80, 8080, 9090] }],
    ['portforward', '', { kind: 'PodPortForwardOptions' }],
  ];
  it.each(cases)('%s ?%s', (sub, q, want) => {
    expect(connectOptions(sub, 'p', 'ns', new URLSearchParams(q))).toEqual({ apiVersion: 'v1', metadata: { name: 'p', namespace: 'ns' }, ...want });
  });
});
