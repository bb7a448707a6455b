import { errors, StatusError, type Status } from '@kubets/api';
import { statusBody } from './errors';

// Bodies exactly as kube-apiserver 1.32 writes them (metav1.Status field order, omitempty, json.Encoder's "\n").
const cases: [what: string, err: StatusError, body: string][] = [
  [
    'NotFound, core group',
    errors.notFound({ group: '', resource: 'pods' }, 'p'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \\"p\\" not found","reason":"NotFound","details":{"name":"p","kind":"pods"},"code":404}\n',
  ],
  [
    'NotFound, named group',
    errors.notFound({ group: 'apps', resource: 'deployments' }, 'd'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"deployments.apps \\"d\\" not found","reason":"NotFound","details":{"name":"d","group":"apps","kind":"deployments"},"code":404}\n',
  ],
  [
    'Forbidden on an immortal namespace',
    errors.forbidden({ group: '', resource: 'namespaces' }, 'default', 'this namespace may not be deleted'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"namespaces \\"default\\" is forbidden: this namespace may not be deleted","reason":"Forbidden","details":{"name":"default","kind":"namespaces"},"code":403}\n',
  ],
  [
    'Forbidden without a name',
    errors.forbidden({ group: '', resource: 'pods' }, '', 'unable to create new content in namespace x because it is being terminated'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods is forbidden: unable to create new content in namespace x because it is being terminated","reason":"Forbidden","details":{"kind":"pods"},"code":403}\n',
  ],
  [
    'AlreadyExists',
    errors.alreadyExists({ group: '', resource: 'configmaps' }, 'c'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"c\\" already exists","reason":"AlreadyExists","details":{"name":"c","kind":"configmaps"},"code":409}\n',
  ],
  [
    'Conflict',
    errors.conflict({ group: '', resource: 'configmaps' }, 'c', 'the object has been modified; please apply your changes to the latest version and try again'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Operation cannot be fulfilled on configmaps \\"c\\": the object has been modified; please apply your changes to the latest version and try again","reason":"Conflict","details":{"name":"c","kind":"configmaps"},"code":409}\n',
  ],
  [
    'Invalid, core kind',
    errors.invalid({ group: '', kind: 'Pod' }, 'p', [{ reason: 'FieldValueForbidden', message: 'Forbidden: cannot be set on create', field: 'spec.ephemeralContainers' }]),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Pod \\"p\\" is invalid: spec.ephemeralContainers: Forbidden: cannot be set on create","reason":"Invalid","details":{"name":"p","kind":"Pod","causes":[{"reason":"FieldValueForbidden","message":"Forbidden: cannot be set on create","field":"spec.ephemeralContainers"}]},"code":422}\n',
  ],
  [
    'BadRequest has no details',
    errors.badRequest('the server rejected our request for an unknown reason'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server rejected our request for an unknown reason","reason":"BadRequest","code":400}\n',
  ],
  [
    'MethodNotAllowed',
    errors.methodNotAllowed('the server does not allow this method on the requested resource'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server does not allow this method on the requested resource","reason":"MethodNotAllowed","code":405}\n',
  ],
  [
    'Gone (expired resourceVersion)',
    errors.gone('too old resource version: 1 (2)'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too old resource version: 1 (2)","reason":"Gone","code":410}\n',
  ],
  [
    'TooManyRequests keeps retryAfterSeconds',
    errors.tooManyRequests('too many requests', 1),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"too many requests","reason":"TooManyRequests","details":{"retryAfterSeconds":1},"code":429}\n',
  ],
  [
    'InternalError',
    errors.internal('boom'),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Internal error occurred: boom","reason":"InternalError","code":500}\n',
  ],
  [
    'a Status built elsewhere in another field order is reordered',
    new StatusError({ code: 404, details: { causes: [], kind: 'pods', group: '', name: 'x' }, reason: 'NotFound', message: 'm', status: 'Failure', metadata: {}, apiVersion: 'v1', kind: 'Status' } as Status),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"m","reason":"NotFound","details":{"name":"x","kind":"pods"},"code":404}\n',
  ],
];

describe('Status bodies', () => {
  it.each(cases)('%s', (_what, err, body) => {
    expect(statusBody(err)).toBe(body);
  });
});
