import { admitNamespaceDelete } from './namespace-lifecycle';

const cases: [name: string, message: string | undefined][] = [
  ['default', 'namespaces "default" is forbidden: this namespace may not be deleted'],
  ['kube-system', 'namespaces "kube-system" is forbidden: this namespace may not be deleted'],
  ['kube-public', 'namespaces "kube-public" is forbidden: this namespace may not be deleted'],
  ['kube-node-lease', undefined],
  ['team-a', undefined],
];

describe('NamespaceLifecycle on delete', () => {
  it.each(cases)('%s', (name, message) => {
    if (!message) return expect(() => admitNamespaceDelete(name)).not.toThrow();
    let status: unknown;
    try {
      admitNamespaceDelete(name);
    } catch (e) {
      status = (e as { status: unknown }).status;
    }
    expect(status).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason: 'Forbidden', details: { name, kind: 'namespaces' }, code: 403 });
  });
});
