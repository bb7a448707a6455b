// Naming conflicts and the conditions the registry writes, as upstream's naming and establishing controllers.
import type { CustomResourceDefinition } from '@kubets/api';
import { desiredStatus, namesConflict } from './conditions';

function crd(name: string, group: string, names: CustomResourceDefinition['spec']['names'], accepted = true): CustomResourceDefinition {
  return {
    metadata: { name },
    spec: { group, scope: 'Namespaced', names, versions: [{ name: 'v1', served: true, storage: true }] },
    ...(accepted ? { status: { acceptedNames: names } } : {}),
  };
}

const crontabs = crd('crontabs.a.io', 'a.io', { plural: 'crontabs', singular: 'crontab', kind: 'CronTab', listKind: 'CronTabList', shortNames: ['ct'] });

describe('namesConflict', () => {
  it.each([
    ['same plural, same group', crd('x.a.io', 'a.io', { plural: 'crontabs', kind: 'Other' }, false), { reason: 'PluralConflict', message: '"crontabs" is already in use' }],
    ['short name taken', crd('x.a.io', 'a.io', { plural: 'cts', kind: 'Other', shortNames: ['ct'] }, false), { reason: 'ShortNamesConflict', message: '"ct" is already in use' }],
    ['kind taken', crd('x.a.io', 'a.io', { plural: 'others', kind: 'CronTab' }, false), { reason: 'KindConflict', message: '"CronTab" is already in use' }],
    ['other group is free', crd('crontabs.b.io', 'b.io', { plural: 'crontabs', kind: 'CronTab' }, false), undefined],
    ['distinct names are free', crd('widgets.a.io', 'a.io', { plural: 'widgets', kind: 'Widget' }, false), undefined],
  ])('%s', (_n, c, want) => {
    expect(namesConflict(c, [crontabs])).toEqual(want);
  });
});

describe('desiredStatus', () => {
  const now = '2026-01-01T00:00:00Z';
  it('accepts free names and establishes', () => {
    const c = crd('widgets.a.io', 'a.io', { plural: 'widgets', kind: 'Widget', listKind: 'WidgetList' }, false);
    const s = desiredStatus(c, [crontabs], now);
    expect(s.acceptedNames).toEqual(c.spec.names);
    expect(s.conditions?.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['NamesAccepted', 'True', 'NoConflicts'],
      ['Established', 'True', 'InitialNamesAccepted'],
    ]);
  });

  it('refuses conflicting names without establishing', () => {
    const s = desiredStatus(crd('x.a.io', 'a.io', { plural: 'crontabs', kind: 'Other' }, false), [crontabs], now);
    expect(s.conditions?.map((x) => [x.type, x.status, x.message])).toEqual([
      ['NamesAccepted', 'False', '"crontabs" is already in use'],
      ['Established', 'False', 'not all names are accepted'],
    ]);
  });

  it('keeps lastTransitionTime when nothing changes', () => {
    const first = desiredStatus(crontabs, [], now);
    const again = desiredStatus({ ...crontabs, status: first }, [], '2026-02-02T00:00:00Z');
    expect(again).toEqual(first);
  });
});
