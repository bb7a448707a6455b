import { DescribeWriter, tabwrite } from './writer';

describe('describe tabwriter', () => {
  it('aligns consecutive tab-terminated cells (padding 2) and breaks blocks on lines without tabs', () => {
    const w = new DescribeWriter();
    w.line(0, 'Name:', 'x');
    w.line(0, 'Service Account:', 'default');
    w.write(0, 'Containers:\n');
    w.line(2, 'Image:', 'nginx');
    w.line(2, 'Restart Count:', '0');
    expect(w.render()).toBe('Name:             x\nService Account:  default\nContainers:\n    Image:          nginx\n    Restart Count:  0\n');
  });
  it('aligns nested columns within a block', () => {
    expect(tabwrite([['  Type', 'Reason', 'Age'], ['  Normal', 'Scheduled', '1s']], 2)).toBe('  Type    Reason     Age\n  Normal  Scheduled  1s\n');
  });
});
