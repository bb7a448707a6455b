import { runtimeMaskedPaths, runtimeReadonlyPaths } from './security';

test.each([
  [undefined, true],
  [null, true],
  ['Default', true],
  ['Unmasked', false],
])('procMount %p → default masked/readonly paths: %p', (procMount, defaults) => {
  expect(runtimeMaskedPaths(procMount).includes('/proc/kcore')).toBe(defaults);
  expect(runtimeReadonlyPaths(procMount).includes('/proc/sys')).toBe(defaults);
  expect(runtimeMaskedPaths(procMount).length > 0).toBe(defaults);
});
