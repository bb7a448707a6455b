import { renderTable } from './table';

const doc = {
  columnDefinitions: [
    { name: 'Name', type: 'string', format: 'name', priority: 0 },
    { name: 'Ready', type: 'string', priority: 0 },
    { name: 'IP', type: 'string', priority: 1 },
  ],
  rows: [
    { cells: ['web-1', '1/1', '10.0.0.1'], object: { metadata: { namespace: 'default', labels: { b: '2', a: '1' } } } },
    { cells: ['db', '0/1', null], object: { metadata: { namespace: 'kube-system' } } },
  ],
};

describe('renderTable', () => {
  it('pads columns with 3 spaces and leaves the last unpadded', () => {
    expect(renderTable(doc, { wide: false, withNamespace: false, showLabels: false })).toBe('NAME    READY\nweb-1   1/1\ndb      0/1\n');
  });
  it('adds wide columns, NAMESPACE, LABELS and kind prefixes', () => {
    expect(renderTable(doc, { wide: true, withNamespace: true, showLabels: true, kindPrefix: 'pod' })).toBe(
      'NAMESPACE     NAME        READY   IP         LABELS\n' + 'default       pod/web-1   1/1     10.0.0.1   a=1,b=2\n' + 'kube-system   pod/db      0/1     <none>     <none>\n',
    );
  });
});
