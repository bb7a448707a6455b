// apiextensions.k8s.io/v1 CustomResourceDefinition. The API server serves the resources it defines
// (apiserver/src/crd/); this file holds the type, its defaults and its validation.
import { Type, Struct, Opt, Enum, Any, type Static } from '../../schema/builders';
import { defineKind } from '../../schema/kind';
import { ConditionSchema } from '../../meta/schemas';
import { objectSchema, Str, Bool, Int32 } from '../common';
import { validateCRDSpec, validateCRDUpdate } from './crd-validation';

const ns = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';

export const CustomResourceDefinitionNamesSchema = Struct(
  'CustomResourceDefinitionNames indicates the names to serve this CustomResourceDefinition',
  {
    plural: Str(),
    singular: Opt(Str(), 'singular is the singular name of the resource. It must be all lowercase. Defaults to lowercased `kind`.'),
    shortNames: Opt(Type.Array(Str()), 'shortNames are short names for the resource, exposed in API discovery documents.'),
    kind: Str(),
    listKind: Opt(Str(), 'listKind is the serialized kind of the list for this resource. Defaults to "`kind`List".'),
    categories: Opt(Type.Array(Str()), 'categories is a list of grouped resources this custom resource belongs to (e.g. \'all\').'),
  },
  { $id: `${ns}.CustomResourceDefinitionNames` },
);

const ColumnSchema = Struct(
  'CustomResourceColumnDefinition specifies a column for server side printing.',
  {
    name: Str(),
    type: Str(),
    format: Opt(Str()),
    description: Opt(Str()),
    priority: Opt(Int32()),
    jsonPath: Str(),
  },
  { $id: `${ns}.CustomResourceColumnDefinition` },
);

const ScaleSubresourceSchema = Struct(
  'CustomResourceSubresourceScale defines how to serve the scale subresource for CustomResources.',
  { specReplicasPath: Str(), statusReplicasPath: Str(), labelSelectorPath: Opt(Str()) },
  { $id: `${ns}.CustomResourceSubresourceScale` },
);

const SubresourcesSchema = Struct(
  'CustomResourceSubresources defines the status and scale subresources for CustomResources.',
  {
    status: Opt(Type.Object({}, { additionalProperties: false, description: 'status indicates the custom resource should serve a `/status` subresource.' })),
    scale: Opt(ScaleSubresourceSchema, 'scale indicates the custom resource should serve a `/scale` subresource that returns an `autoscaling/v1` Scale object.'),
  },
  { $id: `${ns}.CustomResourceSubresources` },
);

/** JSONSchemaProps: kept whole (a recursive schema language); the structural rules are checked by validation. */
const JSONSchemaPropsSchema = Type.Unsafe<Record<string, unknown>>({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, description: 'JSONSchemaProps is a JSON-Schema following Specification Draft 4 (http://json-schema.org/).' });

export const CustomResourceDefinitionVersionSchema = Struct(
  'CustomResourceDefinitionVersion describes a version for CRD.',
  {
    name: Str(),
    served: Bool(),
    storage: Bool(),
    deprecated: Opt(Bool()),
    deprecationWarning: Opt(Str()),
    schema: Opt(Struct('CustomResourceValidation is a list of validation methods for CustomResources.', { openAPIV3Schema: Opt(JSONSchemaPropsSchema) }, { $id: `${ns}.CustomResourceValidation` })),
    subresources: Opt(SubresourcesSchema),
    additionalPrinterColumns: Opt(Type.Array(ColumnSchema)),
    selectableFields: Opt(Type.Array(Struct('SelectableField specifies the JSON path of a field that may be used with field selectors.', { jsonPath: Str() }))),
  },
  { $id: `${ns}.CustomResourceDefinitionVersion` },
);

const ConversionSchema = Struct(
  'CustomResourceConversion describes how to convert different versions of a CR.',
  {
    strategy: Enum(['None', 'Webhook'] as const, 'strategy specifies how custom resources are converted between versions. Only None is supported by kubets.'),
    webhook: Opt(Any),
  },
  { $id: `${ns}.CustomResourceConversion` },
);

export const CustomResourceDefinitionSpecSchema = Struct(
  'CustomResourceDefinitionSpec describes how a user wants their resource to appear',
  {
    group: Str(),
    names: CustomResourceDefinitionNamesSchema,
    scope: Str(),
    versions: Type.Array(CustomResourceDefinitionVersionSchema),
    conversion: Opt(ConversionSchema),
    preserveUnknownFields: Opt(Bool()),
  },
  { $id: `${ns}.CustomResourceDefinitionSpec` },
);

export const CustomResourceDefinitionStatusSchema = Struct(
  'CustomResourceDefinitionStatus indicates the state of the CustomResourceDefinition',
  {
    conditions: Opt(Type.Array(ConditionSchema, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['type'] })),
    acceptedNames: Opt(CustomResourceDefinitionNamesSchema),
    storedVersions: Opt(Type.Array(Str())),
  },
  { $id: `${ns}.CustomResourceDefinitionStatus` },
);

export const CustomResourceDefinitionSchema = objectSchema(`${ns}.CustomResourceDefinition`, 'CustomResourceDefinition represents a resource that should be exposed on the API server.  Its name MUST be in the format <.spec.name>.<.spec.group>.', {
  spec: CustomResourceDefinitionSpecSchema,
  status: Opt(CustomResourceDefinitionStatusSchema),
});
export type CustomResourceDefinition = Static<typeof CustomResourceDefinitionSchema>;
export type CustomResourceDefinitionVersion = Static<typeof CustomResourceDefinitionVersionSchema>;
export type CustomResourceDefinitionNames = Static<typeof CustomResourceDefinitionNamesSchema>;

/** The finalizer the API server adds when a CRD is deleted; removed once all its custom resources are gone. */
export const customResourceCleanupFinalizer = 'customresourcecleanup.apiextensions.k8s.io';

/** The version marked storage: true (validation guarantees exactly one). */
export function crdStorageVersion(crd: CustomResourceDefinition): string | undefined {
  return crd.spec.versions?.find((v) => v.storage)?.name;
}

export const CustomResourceDefinitionKind = defineKind<CustomResourceDefinition>({
  group: 'apiextensions.k8s.io',
  version: 'v1',
  kind: 'CustomResourceDefinition',
  plural: 'customresourcedefinitions',
  singular: 'customresourcedefinition',
  namespaced: false,
  shortNames: ['crd', 'crds'],
  categories: ['api-extensions'],
  schema: CustomResourceDefinitionSchema,
  status: true,
  strategy: {
    default(crd) {
      const n = crd.spec?.names;
      if (n?.kind) {
        if (!n.singular) n.singular = n.kind.toLowerCase();
        if (!n.listKind) n.listKind = `${n.kind}List`;
      }
      if (crd.spec && !crd.spec.conversion) crd.spec.conversion = { strategy: 'None' };
      for (const v of crd.spec?.versions ?? []) {
        for (const c of v.additionalPrinterColumns ?? []) if (c.priority === undefined) c.priority = 0;
      }
      // PrepareForCreate/Update: the storage version is always among storedVersions
      const storage = crd.spec ? crdStorageVersion(crd) : undefined;
      if (storage) {
        crd.status = crd.status ?? {};
        const stored = crd.status.storedVersions ?? [];
        if (!stored.includes(storage)) crd.status.storedVersions = [...stored, storage];
      }
    },
    validate: validateCRDSpec,
    validateUpdate: validateCRDUpdate,
    generationFromSpec: true,
  },
});
