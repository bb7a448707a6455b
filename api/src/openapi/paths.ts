// REST paths and operations of one kind, shaped like the kube-apiserver's OpenAPI v3 documents.
// kubectl 1.32 reads the PATCH operation's x-kubernetes-group-version-kind and looks for a `fieldValidation`
// query parameter to decide that the server validates (docs ../shared/notes/kubectl-wire.md §1.1).
import type { KindDef } from '../schema/kind';
import { ref } from './convert';

type Json = Record<string, unknown>;

export const statusDef = 'io.k8s.apimachinery.pkg.apis.meta.v1.Status';
export const deleteOptionsDef = 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions';
export const patchDef = 'io.k8s.apimachinery.pkg.apis.meta.v1.Patch';
export const watchEventDef = 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent';
export const scaleDef = 'io.k8s.api.autoscaling.v1.Scale';

const q = (name: string, description: string, schema: Json = { type: 'string', uniqueItems: true }): Json => ({
  name,
  in: 'query',
  description,
  schema,
});

const P = {
  pretty: q('pretty', "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget)."),
  dryRun: q(
    'dryRun',
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
  ),
  fieldManager: q(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
  ),
  fieldValidation: q(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. This is the default. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
  ),
  force: q(
    'force',
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
    { type: 'boolean', uniqueItems: true },
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately.',
    { type: 'integer', uniqueItems: true },
  ),
  propagationPolicy: q(
    'propagationPolicy',
    "Whether and how garbage collection will be performed. Acceptable values are: 'Orphan', 'Background', 'Foreground'.",
  ),
  orphanDependents: q('orphanDependents', 'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7.', {
    type: 'boolean',
    uniqueItems: true,
  }),
  allowWatchBookmarks: q('allowWatchBookmarks', 'allowWatchBookmarks requests watch events with type "BOOKMARK".', { type: 'boolean', uniqueItems: true }),
  continue: q('continue', 'The continue option should be set when retrieving more results from the server.'),
  fieldSelector: q('fieldSelector', 'A selector to restrict the list of returned objects by their fields. Defaults to everything.'),
  labelSelector: q('labelSelector', 'A selector to restrict the list of returned objects by their labels. Defaults to everything.'),
  limit: q('limit', 'limit is a maximum number of responses to return for a list call.', { type: 'integer', uniqueItems: true }),
  resourceVersion: q('resourceVersion', 'resourceVersion sets a constraint on what resource versions a request may be served from.'),
  resourceVersionMatch: q('resourceVersionMatch', 'resourceVersionMatch determines how resourceVersion is applied to list calls.'),
  sendInitialEvents: q('sendInitialEvents', '`sendInitialEvents=true` may be set together with `watch=true`.', { type: 'boolean', uniqueItems: true }),
  timeoutSeconds: q('timeoutSeconds', 'Timeout for the list/watch call.', { type: 'integer', uniqueItems: true }),
  watch: q('watch', 'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications.', {
    type: 'boolean',
    uniqueItems: true,
  }),
};

const pathParam = (name: string, description: string): Json => ({
  name,
  in: 'path',
  description,
  required: true,
  schema: { type: 'string', uniqueItems: true },
});

const listParams = [
  P.allowWatchBookmarks,
  P.continue,
  P.fieldSelector,
  P.labelSelector,
  P.limit,
  P.resourceVersion,
  P.resourceVersionMatch,
  P.sendInitialEvents,
  P.timeoutSeconds,
  P.watch,
];

const readMedia = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];
const listMedia = [...readMedia, 'application/json;stream=watch', 'application/vnd.kubernetes.protobuf;stream=watch'];

function content(def: string, media = readMedia): Json {
  const out: Json = {};
  for (const m of media) out[m] = { schema: ref(def) };
  return out;
}

function ok(def: string, codes: string[], media = readMedia): Json {
  const out: Json = {};
  for (const c of codes) out[c] = { description: c === '201' ? 'Created' : c === '202' ? 'Accepted' : 'OK', content: content(def, media) };
  out['401'] = { description: 'Unauthorized' };
  return out;
}

/** "apps" → "Apps", "rbac.authorization.k8s.io" → "RbacAuthorization", "" → "Core" (Kubernetes operationId style). */
export function groupPascal(group: string): string {
  if (!group) return 'Core';
  const g = group.replace(/\.k8s\.io$/, '').replace(/\.x-k8s\.io$/, '');
  return g
    .split(/[.-]/)
    .filter(Boolean)
    .map((p) => p[0]?.toUpperCase() + p.slice(1))
    .join('');
}

const cap = (s: string): string => (s ? (s[0]?.toUpperCase() ?? '') + s.slice(1) : s);

export interface KindPathsInput {
  def: KindDef;
  /** component names for the kind and its list */
  kindDef: string;
  listDef: string;
}

/** All paths for one kind: collection, item, all-namespaces list, /status and /scale when the kind has them. */
export function kindPaths({ def, kindDef, listDef }: KindPathsInput): Record<string, Json> {
  const gv = def.group ? `/apis/${def.group}/${def.version}` : `/api/${def.version}`;
  const gvk = { group: def.group, kind: def.kind, version: def.version };
  const tag = `${groupPascal(def.group)[0]?.toLowerCase()}${groupPascal(def.group).slice(1)}${cap(def.version)}`;
  const opBase = `${groupPascal(def.group)}${cap(def.version)}`;
  const ns = def.namespaced ? 'Namespaced' : '';
  const verbs = new Set(def.verbs ?? ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']);
  const nsParam = pathParam('namespace', 'object name and auth scope, such as for teams and projects');
  const nameParam = pathParam('name', `name of the ${def.kind}`);

  const op = (action: string, verb: string, kind: string, description: string, extra: Json): Json => ({
    tags: [tag],
    description,
    operationId: `${verb}${opBase}${ns}${kind}`,
    ...extra,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  const writeParams = [P.dryRun, P.fieldManager, P.fieldValidation];
  const body = (d: string): Json => ({ content: { '*/*': { schema: ref(d) } }, required: true });
  const patchBody: Json = {
    content: {
      'application/json-patch+json': { schema: ref(patchDef) },
      'application/merge-patch+json': { schema: ref(patchDef) },
      'application/strategic-merge-patch+json': { schema: ref(patchDef) },
      'application/apply-patch+yaml': { schema: ref(patchDef) },
    },
    required: true,
  };
  const deleteBody: Json = { content: { '*/*': { schema: ref(deleteOptionsDef) } } };
  const deleteParams = [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy];

  const base = def.namespaced ? `${gv}/namespaces/{namespace}/${def.plural}` : `${gv}/${def.plural}`;
  const scopeParams = def.namespaced ? [nsParam, P.pretty] : [P.pretty];
  const paths: Record<string, Json> = {};

  const collection: Json = { parameters: scopeParams };
  if (verbs.has('list')) {
    collection.get = op('list', 'list', def.kind, `list or watch objects of kind ${def.kind}`, {
      parameters: listParams,
      responses: ok(listDef, ['200'], listMedia),
    });
  }
  if (verbs.has('create')) {
    collection.post = op('post', 'create', def.kind, `create a ${def.kind}`, {
      parameters: writeParams,
      requestBody: body(kindDef),
      responses: ok(kindDef, ['200', '201', '202']),
    });
  }
  if (verbs.has('deletecollection')) {
    collection.delete = op('deletecollection', 'delete', `Collection${def.namespaced ? 'Namespaced' : ''}${def.kind}`, `delete collection of ${def.kind}`, {
      parameters: [...listParams.filter((p) => p !== P.watch && p !== P.allowWatchBookmarks), ...deleteParams],
      requestBody: deleteBody,
      responses: ok(statusDef, ['200']),
    });
    // operationId for deletecollection is deleteCoreV1CollectionNamespacedPod: fix the prefix order.
    (collection.delete as Json).operationId = `delete${opBase}Collection${ns}${def.kind}`;
  }
  paths[base] = collection;

  const item: Json = { parameters: [nameParam, ...scopeParams] };
  if (verbs.has('get')) item.get = op('get', 'read', def.kind, `read the specified ${def.kind}`, { responses: ok(kindDef, ['200']) });
  if (verbs.has('update')) {
    item.put = op('put', 'replace', def.kind, `replace the specified ${def.kind}`, {
      parameters: writeParams,
      requestBody: body(kindDef),
      responses: ok(kindDef, ['200', '201']),
    });
  }
  if (verbs.has('patch')) {
    item.patch = op('patch', 'patch', def.kind, `partially update the specified ${def.kind}`, {
      parameters: [...writeParams, P.force],
      requestBody: patchBody,
      responses: ok(kindDef, ['200', '201']),
    });
  }
  if (verbs.has('delete')) {
    item.delete = op('delete', 'delete', def.kind, `delete a ${def.kind}`, {
      parameters: deleteParams,
      requestBody: deleteBody,
      responses: ok(kindDef, ['200', '202']),
    });
  }
  paths[`${base}/{name}`] = item;

  if (def.namespaced && verbs.has('list')) {
    paths[`${gv}/${def.plural}`] = {
      parameters: [P.pretty],
      get: {
        ...op('list', 'list', `${def.kind}ForAllNamespaces`, `list or watch objects of kind ${def.kind}`, {
          parameters: listParams,
          responses: ok(listDef, ['200'], listMedia),
        }),
        operationId: `list${opBase}${def.kind}ForAllNamespaces`,
      },
    };
  }

  const sub = (name: string, d: string, subGvk: Json, label: string): Json => {
    const mk = (action: string, verb: string, description: string, extra: Json): Json => ({
      tags: [tag],
      description,
      operationId: `${verb}${opBase}${ns}${def.kind}${label}`,
      ...extra,
      'x-kubernetes-action': action,
      'x-kubernetes-group-version-kind': subGvk,
    });
    return {
      parameters: [nameParam, ...scopeParams],
      get: mk('get', 'read', `read ${name} of the specified ${def.kind}`, { responses: ok(d, ['200']) }),
      put: mk('put', 'replace', `replace ${name} of the specified ${def.kind}`, {
        parameters: writeParams,
        requestBody: body(d),
        responses: ok(d, ['200', '201']),
      }),
      patch: mk('patch', 'patch', `partially update ${name} of the specified ${def.kind}`, {
        parameters: [...writeParams, P.force],
        requestBody: patchBody,
        responses: ok(d, ['200', '201']),
      }),
    };
  };
  if (def.status) paths[`${base}/{name}/status`] = sub('status', kindDef, gvk, 'Status');
  if (def.scale) paths[`${base}/{name}/scale`] = sub('scale', scaleDef, { group: 'autoscaling', kind: 'Scale', version: 'v1' }, 'Scale');
  return paths;
}
