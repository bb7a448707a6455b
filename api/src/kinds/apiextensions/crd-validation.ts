// ValidateCustomResourceDefinition's essentials: names, scope, versions (exactly one storage version), the
// structural-schema rules every served schema must follow, subresources, printer columns and conversion.
import type { StatusCause } from '../../errors/status-error';
import type { CustomResourceDefinition, CustomResourceDefinitionNames, CustomResourceDefinitionVersion } from './crd';
import { fieldErr, dns1035LabelErrors, dns1123SubdomainErrors, immutable } from '../validators';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

type Names = CustomResourceDefinitionNames;
type Version = CustomResourceDefinitionVersion;

const columnTypes = ['boolean', 'date', 'integer', 'number', 'string'];
const columnFormats = ['int32', 'int64', 'float', 'double', 'byte', 'date', 'date-time', 'password'];

function validateNames(n: Names | undefined, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!n) return [fieldErr.required(path)];
  const label = (field: string, v: string | undefined, required = true) => {
    if (!v) {
      if (required) out.push(fieldErr.required(`${path}.${field}`));
      return;
    }
    for (const e of dns1035LabelErrors(v)) out.push(fieldErr.invalid(`${path}.${field}`, v, e));
  };
  label('plural', n.plural);
  label('singular', n.singular);
  if (!n.kind) out.push(fieldErr.required(`${path}.kind`));
  else for (const e of dns1035LabelErrors(n.kind.toLowerCase())) out.push(fieldErr.invalid(`${path}.kind`, n.kind, e));
  if (!n.listKind) out.push(fieldErr.required(`${path}.listKind`));
  else if (n.listKind === n.kind) out.push(fieldErr.invalid(`${path}.listKind`, n.listKind, 'kind and listKind may not be the same'));
  (n.shortNames ?? []).forEach((s, i) => {
    for (const e of dns1035LabelErrors(s)) out.push(fieldErr.invalid(`${path}.shortNames[${i}]`, s, e));
  });
  (n.categories ?? []).forEach((s, i) => {
    for (const e of dns1035LabelErrors(s)) out.push(fieldErr.invalid(`${path}.categories[${i}]`, s, e));
  });
  return out;
}

/**
 * Structural schema rules (apiextensions' ValidateStructural and the v1 schema checks), reported at
 * `path` = "spec.versions[i].schema.openAPIV3Schema".
 */
export function validateStructuralSchema(schema: unknown, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!isObj(schema)) return [fieldErr.required(path, 'schemas are required')];
  if (schema.type !== 'object') {
    if (schema.type === undefined) out.push(fieldErr.required(`${path}.type`, 'must not be empty at the root'));
    else out.push(fieldErr.invalid(`${path}.type`, schema.type, 'must be object at the root'));
  }
  walk(schema, path, 'root', out);
  const props = isObj(schema.properties) ? schema.properties : {};
  const meta = props.metadata;
  if (isObj(meta)) {
    const mp = isObj(meta.properties) ? meta.properties : {};
    const extra = Object.keys(meta).filter((k) => k !== 'type' && k !== 'properties' && k !== 'description');
    const extraProps = Object.keys(mp).filter((k) => k !== 'name' && k !== 'generateName');
    if (extra.length || extraProps.length) out.push(fieldErr.forbidden(`${path}.properties[metadata]`, 'must not specify anything other than name and generateName, but metadata is implicitly specified'));
    if (meta.type !== undefined && meta.type !== 'object') out.push(fieldErr.invalid(`${path}.properties[metadata].type`, meta.type, 'must be object'));
  }
  return out;
}

type Site = 'root' | 'property' | 'items' | 'additionalProperties';

const typeRequired: Record<Exclude<Site, 'root'>, string> = {
  property: 'must not be empty for specified object fields',
  items: 'must not be empty for specified array items',
  additionalProperties: 'must not be empty for specified object fields',
};
const knownTypes = ['object', 'array', 'string', 'integer', 'number', 'boolean'];

function walk(s: Json, path: string, site: Site, out: StatusCause[]): void {
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'];
  if (preserve !== undefined && preserve !== true) out.push(fieldErr.invalid(`${path}.x-kubernetes-preserve-unknown-fields`, preserve, 'must be true or undefined'));
  if (s.$ref !== undefined) out.push(fieldErr.forbidden(`${path}.$ref`, '$ref is not supported'));
  if (s.type === undefined) {
    if (site !== 'root' && !intOrString && preserve !== true) out.push(fieldErr.required(`${path}.type`, typeRequired[site]));
  } else if (typeof s.type !== 'string' || !knownTypes.includes(s.type)) {
    out.push(fieldErr.notSupported(`${path}.type`, s.type, knownTypes));
  } else if (intOrString) {
    out.push(fieldErr.invalid(`${path}.type`, s.type, 'must be empty if x-kubernetes-int-or-string is true'));
  }
  if (s['x-kubernetes-embedded-resource'] === true) {
    if (s.type !== 'object') out.push(fieldErr.invalid(`${path}.type`, s.type ?? '', 'must be object if x-kubernetes-embedded-resource is true'));
    if (!isObj(s.properties) && preserve !== true) out.push(fieldErr.required(`${path}.properties`, 'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields'));
  }
  if (s.nullable !== undefined && typeof s.nullable !== 'boolean') out.push(fieldErr.invalid(`${path}.nullable`, s.nullable, 'must be a boolean'));
  if (isObj(s.properties) && s.additionalProperties !== undefined && s.additionalProperties !== false) {
    out.push(fieldErr.forbidden(`${path}.additionalProperties`, 'additionalProperties and properties are mutual exclusive'));
  }
  if (s.type === 'array' && !isObj(s.items)) out.push(fieldErr.required(`${path}.items`, 'must be specified'));
  if (s.items !== undefined && !isObj(s.items)) out.push(fieldErr.forbidden(`${path}.items`, 'items must be a schema object and not an array'));
  if (typeof s.pattern === 'string') {
    try {
      new RegExp(s.pattern);
    } catch {
      out.push(fieldErr.invalid(`${path}.pattern`, s.pattern, 'must be a valid regular expression'));
    }
  }
  if (isObj(s.properties)) for (const [k, sub] of Object.entries(s.properties)) if (isObj(sub)) walk(sub, `${path}.properties[${k}]`, 'property', out);
  if (isObj(s.items)) walk(s.items, `${path}.items`, 'items', out);
  if (isObj(s.additionalProperties)) walk(s.additionalProperties, `${path}.additionalProperties`, 'additionalProperties', out);
}

function validateVersion(v: Version, path: string): StatusCause[] {
  const out: StatusCause[] = [];
  if (!v.name) out.push(fieldErr.required(`${path}.name`));
  else for (const e of dns1035LabelErrors(v.name)) out.push(fieldErr.invalid(`${path}.name`, v.name, e));
  out.push(...validateStructuralSchema(v.schema?.openAPIV3Schema, `${path}.schema.openAPIV3Schema`));
  const sc = v.subresources?.scale;
  if (sc) {
    const sp = `${path}.subresources.scale`;
    if (!sc.specReplicasPath) out.push(fieldErr.required(`${sp}.specReplicasPath`));
    else if (!sc.specReplicasPath.startsWith('.spec.')) out.push(fieldErr.invalid(`${sp}.specReplicasPath`, sc.specReplicasPath, 'should be a json path under .spec'));
    if (!sc.statusReplicasPath) out.push(fieldErr.required(`${sp}.statusReplicasPath`));
    else if (!sc.statusReplicasPath.startsWith('.status.')) out.push(fieldErr.invalid(`${sp}.statusReplicasPath`, sc.statusReplicasPath, 'should be a json path under .status'));
    if (sc.labelSelectorPath && !sc.labelSelectorPath.startsWith('.spec.') && !sc.labelSelectorPath.startsWith('.status.')) {
      out.push(fieldErr.invalid(`${sp}.labelSelectorPath`, sc.labelSelectorPath, 'should be a json path under either .spec or .status'));
    }
  }
  (v.additionalPrinterColumns ?? []).forEach((c, i) => {
    const cp = `${path}.additionalPrinterColumns[${i}]`;
    if (!c.name) out.push(fieldErr.required(`${cp}.name`));
    if (!c.type) out.push(fieldErr.required(`${cp}.type`));
    else if (!columnTypes.includes(c.type)) out.push(fieldErr.notSupported(`${cp}.type`, c.type, columnTypes));
    if (c.format && !columnFormats.includes(c.format)) out.push(fieldErr.notSupported(`${cp}.format`, c.format, columnFormats));
    if (!c.jsonPath) out.push(fieldErr.required(`${cp}.jsonPath`));
    if (c.priority !== undefined && c.priority < 0) out.push(fieldErr.invalid(`${cp}.priority`, c.priority, 'must be greater than or equal to 0'));
  });
  return out;
}

export function validateCRDSpec(crd: CustomResourceDefinition): StatusCause[] {
  const out: StatusCause[] = [];
  const spec = crd.spec;
  if (!spec) return [fieldErr.required('spec')];
  const group = spec.group ?? '';
  const plural = spec.names?.plural ?? '';
  if (crd.metadata.name !== `${plural}.${group}`) out.push(fieldErr.invalid('metadata.name', crd.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (!group) out.push(fieldErr.required('spec.group'));
  else {
    for (const e of dns1123SubdomainErrors(group)) out.push(fieldErr.invalid('spec.group', group, e));
    if (group.split('.').length < 2) out.push(fieldErr.invalid('spec.group', group, 'should be a domain with at least one dot'));
  }
  if (!spec.scope) out.push(fieldErr.required('spec.scope'));
  else if (spec.scope !== 'Cluster' && spec.scope !== 'Namespaced') out.push(fieldErr.notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  out.push(...validateNames(spec.names, 'spec.names'));
  const versions = spec.versions ?? [];
  if (versions.length === 0) out.push(fieldErr.required('spec.versions', 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (v.name && seen.has(v.name)) out.push(fieldErr.duplicate(`spec.versions[${i}].name`, v.name));
    if (v.name) seen.add(v.name);
    out.push(...validateVersion(v, `spec.versions[${i}]`));
  });
  const storage = versions.filter((v) => v.storage).length;
  if (versions.length > 0 && storage !== 1) out.push(fieldErr.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  if (spec.conversion?.strategy === 'Webhook') {
    out.push(fieldErr.forbidden('spec.conversion.strategy', 'Webhook conversion is not supported by this API server (kubets); use "None"'));
  } else if (spec.conversion?.strategy !== undefined && spec.conversion.strategy !== 'None') {
    out.push(fieldErr.notSupported('spec.conversion.strategy', spec.conversion.strategy, ['None', 'Webhook']));
  }
  if (spec.preserveUnknownFields === true) out.push(fieldErr.invalid('spec.preserveUnknownFields', true, 'must be false in order to use defaults in the schema'));
  const stored = crd.status?.storedVersions ?? [];
  stored.forEach((sv, i) => {
    if (!versions.some((v) => v.name === sv)) out.push(fieldErr.invalid(`status.storedVersions[${i}]`, sv, 'must appear in spec.versions'));
  });
  return out;
}

export function validateCRDUpdate(crd: CustomResourceDefinition, prev: CustomResourceDefinition): StatusCause[] {
  return [...immutable('spec.group', crd.spec?.group, prev.spec?.group), ...immutable('spec.scope', crd.spec?.scope, prev.spec?.scope)];
}
