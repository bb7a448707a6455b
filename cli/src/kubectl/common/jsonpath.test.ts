import { customColumns, renderJsonPath } from './jsonpath';

const list = {
  kind: 'List',
  items: [
    { metadata: { name: 'a', labels: { app: 'web' } }, spec: { containers: [{ name: 'c1', image: 'nginx' }, { name: 'c2', image: 'redis' }] }, status: { phase: 'Running' } },
    { metadata: { name: 'b' }, spec: { containers: [{ name: 'c1', image: 'busybox' }] }, status: { phase: 'Pending' } },
  ],
};

describe('renderJsonPath', () => {
  it.each([
    ['{.items[*].metadata.name}', 'a b'],
    ['{.items[0].spec.containers[*].image}', 'nginx redis'],
    ['{.items[-1].metadata.name}', 'b'],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}', 'a\tRunning\nb\tPending\n'],
    ['{.items[?(@.status.phase=="Pending")].metadata.name}', 'b'],
    ['{.items[0].metadata.labels}', '{"app":"web"}'],
    ["{.items[0].metadata.labels['app']}", 'web'],
    ['{..image}', 'nginx redis busybox'],
    ['{.items[*].missing}', ''],
    ['.kind', 'List'],
    ['names: {.items[0:1].metadata.name}', 'names: a'],
  ])('%s', (tpl, want) => {
    expect(renderJsonPath(tpl, list)).toBe(want);
  });
});

describe('customColumns', () => {
  it('builds rows with "," joins and <none>', () => {
    expect(customColumns('NAME:.metadata.name,IMAGES:.spec.containers[*].image,APP:.metadata.labels.app', list.items)).toEqual([
      ['NAME', 'IMAGES', 'APP'],
      ['a', 'nginx,redis', 'web'],
      ['b', 'busybox', '<none>'],
    ]);
  });
});
