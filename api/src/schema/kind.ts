// A kind's single definition: identity, REST shape, schema, and the few behaviours that a schema cannot say.
// The apiserver, discovery, OpenAPI, Table output, patching and the clients are all driven from these.
import type { TObject } from '@sinclair/typebox';
import type { KubeObject } from '../meta/types';
import type { StatusCause } from '../errors/status-error';

export interface TableColumn {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  format?: string;
  description: string;
  /** 0 shown always, 1 only with -o wide */
  priority: number;
}

export interface TableSpec<T> {
  columns: TableColumn[];
  /** One cell per column, in order. `now` makes AGE deterministic in tests. */
  cells(obj: T, now: Date): unknown[];
}

export interface ScaleSpec {
  /** JSON paths within the object */
  specReplicasPath: string[];
  statusReplicasPath: string[];
  /** the selector rendered as "k=v,..." for Scale.status.selector */
  labelSelectorPath: string[];
}

export interface KindStrategy<T> {
  /** Fill defaults the schema's `default` keywords cannot express (computed or cross-field). Runs on create and update. */
  default?(obj: T): void;
  /** Semantic validation beyond the schema (name syntax is checked generically). Return field causes. */
  validate?(obj: T): StatusCause[];
  /** Update-only checks such as immutable fields. */
  validateUpdate?(obj: T, old: T): StatusCause[];
  /** Create-only checks (fields that may not be set on create). */
  validateCreate?(obj: T): StatusCause[];
  /** Whether a change to this kind's spec bumps metadata.generation (default: true when the kind has a `spec`). */
  generationFromSpec?: boolean;
}

export interface KindDef<T extends KubeObject = KubeObject> {
  group: string;
  version: string;
  kind: string;
  /** plural resource name, e.g. "deployments" */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Full object schema (apiVersion, kind, metadata, spec, status…). Its $id is the OpenAPI definition name. */
  schema: TObject;
  /** Subresources served generically. log/exec/attach/portforward/binding/eviction are listed by the server per kind. */
  status: boolean;
  scale?: ScaleSpec;
  /** Extra verbs-level subresources (e.g. pods: log, exec, attach, portforward, binding, eviction). */
  extraSubresources?: string[];
  /** Field-selector fields beyond metadata.name and metadata.namespace, and how to read them. */
  fieldSelectors?: Record<string, (obj: T) => string | undefined>;
  table?: TableSpec<T>;
  strategy?: KindStrategy<T>;
  /** Verbs the kind supports; defaults to the full set. */
  verbs?: string[];
}

export const defaultVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

export function gvkOf(def: KindDef): { group: string; version: string; kind: string } {
  return { group: def.group, version: def.version, kind: def.kind };
}

/** Identity helper so kind files get type inference on T. */
export function defineKind<T extends KubeObject>(def: KindDef<T>): KindDef<T> {
  return def;
}
