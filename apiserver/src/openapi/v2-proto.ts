// The protobuf form of /openapi/v2 (application/com.github.proto-openapi.spec.v2@v1.0+protobuf): gnostic's
// openapi.v2.Document, which kubectl ≤1.2x fetches for explain, validation and apply's patch metadata.
// Only the messages a Kubernetes document uses are declared (numbers are gnostic's wire format); Any values are
// carried in their `yaml` field (JSON text, which is YAML), as kube-openapi reads them.
import * as protobuf from 'protobufjs';
import type { Json } from './v2';

const gnosticSubset = `
syntax = "proto3";
package openapi.v2;
message Any { string yaml = 2; }
message NamedAny { string name = 1; Any value = 2; }
message Info { string title = 1; string version = 2; string description = 3; }
message Document {
  string swagger = 1; Info info = 2; string host = 3; string base_path = 4; repeated string schemes = 5;
  repeated string consumes = 6; repeated string produces = 7; Paths paths = 8; Definitions definitions = 9;
  repeated SecurityRequirement security = 12; SecurityDefinitions security_definitions = 13;
  repeated NamedAny vendor_extension = 16;
}
message Paths { repeated NamedAny vendor_extension = 1; repeated NamedPathItem path = 2; }
message NamedPathItem { string name = 1; PathItem value = 2; }
message PathItem {
  string _ref = 1; Operation get = 2; Operation put = 3; Operation post = 4; Operation delete = 5;
  Operation options = 6; Operation head = 7; Operation patch = 8; repeated ParametersItem parameters = 9;
  repeated NamedAny vendor_extension = 10;
}
message Operation {
  repeated string tags = 1; string summary = 2; string description = 3; string operation_id = 5;
  repeated string produces = 6; repeated string consumes = 7; repeated ParametersItem parameters = 8;
  Responses responses = 9; repeated string schemes = 10; bool deprecated = 11; repeated NamedAny vendor_extension = 13;
}
message ParametersItem { oneof oneof { Parameter parameter = 1; JsonReference json_reference = 2; } }
message JsonReference { string _ref = 1; string description = 2; }
message Parameter { oneof oneof { BodyParameter body_parameter = 1; NonBodyParameter non_body_parameter = 2; } }
message BodyParameter {
  string description = 1; string name = 2; string in = 3; bool required = 4; Schema schema = 5;
  repeated NamedAny vendor_extension = 6;
}
message NonBodyParameter {
  oneof oneof {
    HeaderParameterSubSchema header_parameter_sub_schema = 1;
    QueryParameterSubSchema query_parameter_sub_schema = 3;
    PathParameterSubSchema path_parameter_sub_schema = 4;
  }
}
message QueryParameterSubSchema {
  bool required = 1; string in = 2; string description = 3; string name = 4; bool allow_empty_value = 5;
  string type = 6; string format = 7; bool unique_items = 20; repeated NamedAny vendor_extension = 23;
}
message PathParameterSubSchema {
  bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; string format = 6;
  bool unique_items = 19; repeated NamedAny vendor_extension = 22;
}
message HeaderParameterSubSchema {
  bool required = 1; string in = 2; string description = 3; string name = 4; string type = 5; string format = 6;
  bool unique_items = 19; repeated NamedAny vendor_extension = 22;
}
message Responses { repeated NamedResponseValue response_code = 1; repeated NamedAny vendor_extension = 2; }
message NamedResponseValue { string name = 1; ResponseValue value = 2; }
message ResponseValue { oneof oneof { Response response = 1; JsonReference json_reference = 2; } }
message Response { string description = 1; SchemaItem schema = 2; repeated NamedAny vendor_extension = 5; }
message SchemaItem { oneof oneof { Schema schema = 1; } }
message Definitions { repeated NamedSchema additional_properties = 1; }
message NamedSchema { string name = 1; Schema value = 2; }
message Properties { repeated NamedSchema additional_properties = 1; }
message ItemsItem { repeated Schema schema = 1; }
message TypeItem { repeated string value = 1; }
message AdditionalPropertiesItem { oneof oneof { Schema schema = 1; bool boolean = 2; } }
message Schema {
  string _ref = 1; string format = 2; string title = 3; string description = 4; Any default = 5;
  double multiple_of = 6; double maximum = 7; bool exclusive_maximum = 8; double minimum = 9;
  bool exclusive_minimum = 10; int64 max_length = 11; int64 min_length = 12; string pattern = 13;
  int64 max_items = 14; int64 min_items = 15; bool unique_items = 16; int64 max_properties = 17;
  int64 min_properties = 18; repeated string required = 19; repeated Any enum = 20;
  AdditionalPropertiesItem additional_properties = 21; TypeItem type = 22; ItemsItem items = 23;
  repeated Schema all_of = 24; Properties properties = 25; bool read_only = 27; Any example = 30;
  repeated NamedAny vendor_extension = 31;
}
message StringArray { repeated string value = 1; }
message NamedStringArray { string name = 1; StringArray value = 2; }
message SecurityRequirement { repeated NamedStringArray additional_properties = 1; }
message ApiKeySecurity { string type = 1; string name = 2; string in = 3; string description = 4; }
message SecurityDefinitionsItem { oneof oneof { ApiKeySecurity api_key_security = 2; } }
message NamedSecurityDefinitionsItem { string name = 1; SecurityDefinitionsItem value = 2; }
message SecurityDefinitions { repeated NamedSecurityDefinitionsItem additional_properties = 1; }
`;

const root = protobuf.parse(gnosticSubset, { keepCase: true }).root;
export const DocumentType = root.lookupType('openapi.v2.Document');

type Msg = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const anyOf = (v: unknown): Msg => ({ yaml: `${JSON.stringify(v)}\n` });
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);
const strings = (v: unknown): string[] | undefined => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : undefined);

function extensions(o: Json): Msg[] {
  return Object.entries(o)
    .filter(([k]) => k.startsWith('x-'))
    .map(([name, value]) => ({ name, value: anyOf(value) }));
}

/** Drops undefined members so protobufjs sees only what is set. */
function clean(m: Msg): Msg {
  for (const k of Object.keys(m)) if (m[k] === undefined) delete m[k];
  return m;
}

function schema(s: Json): Msg {
  const items = s.items;
  const ap = s.additionalProperties;
  return clean({
    _ref: str(s.$ref),
    format: str(s.format),
    title: str(s.title),
    description: str(s.description),
    default: s.default !== undefined ? anyOf(s.default) : undefined,
    multiple_of: num(s.multipleOf),
    maximum: num(s.maximum),
    exclusive_maximum: s.exclusiveMaximum === true || undefined,
    minimum: num(s.minimum),
    exclusive_minimum: s.exclusiveMinimum === true || undefined,
    max_length: num(s.maxLength),
    min_length: num(s.minLength),
    pattern: str(s.pattern),
    max_items: num(s.maxItems),
    min_items: num(s.minItems),
    unique_items: s.uniqueItems === true || undefined,
    max_properties: num(s.maxProperties),
    min_properties: num(s.minProperties),
    required: strings(s.required),
    enum: Array.isArray(s.enum) ? s.enum.map(anyOf) : undefined,
    additional_properties: isObj(ap) ? { schema: schema(ap) } : typeof ap === 'boolean' ? { boolean: ap } : undefined,
    type: typeof s.type === 'string' ? { value: [s.type] } : Array.isArray(s.type) ? { value: strings(s.type) } : undefined,
    items: isObj(items) ? { schema: [schema(items)] } : Array.isArray(items) ? { schema: items.filter(isObj).map(schema) } : undefined,
    all_of: Array.isArray(s.allOf) ? s.allOf.filter(isObj).map(schema) : undefined,
    properties: isObj(s.properties) ? { additional_properties: named(s.properties, schema) } : undefined,
    read_only: s.readOnly === true || undefined,
    example: s.example !== undefined ? anyOf(s.example) : undefined,
    vendor_extension: extensions(s),
  });
}

function named(o: Json, f: (v: Json) => Msg): Msg[] {
  return Object.entries(o)
    .filter((e): e is [string, Json] => isObj(e[1]))
    .map(([name, v]) => ({ name, value: f(v) }));
}

function parameter(p: Json): Msg {
  if (p.in === 'body') {
    return { parameter: { body_parameter: clean({ description: str(p.description), name: str(p.name), in: 'body', required: p.required === true, schema: isObj(p.schema) ? schema(p.schema) : undefined }) } };
  }
  const sub = clean({
    required: p.required === true,
    in: str(p.in),
    description: str(p.description),
    name: str(p.name),
    type: str(p.type),
    format: str(p.format),
    unique_items: p.uniqueItems === true || undefined,
    vendor_extension: extensions(p),
  });
  const which = p.in === 'path' ? 'path_parameter_sub_schema' : p.in === 'header' ? 'header_parameter_sub_schema' : 'query_parameter_sub_schema';
  return { parameter: { non_body_parameter: { [which]: sub } } };
}

function operation(op: Json): Msg {
  const responses = isObj(op.responses) ? op.responses : {};
  return clean({
    tags: strings(op.tags),
    summary: str(op.summary),
    description: str(op.description),
    operation_id: str(op.operationId),
    produces: strings(op.produces),
    consumes: strings(op.consumes),
    parameters: Array.isArray(op.parameters) ? op.parameters.filter(isObj).map(parameter) : undefined,
    responses: {
      response_code: named(responses, (r) => ({ response: clean({ description: str(r.description) ?? '', schema: isObj(r.schema) ? { schema: schema(r.schema) } : undefined }) })),
    },
    schemes: strings(op.schemes),
    deprecated: op.deprecated === true || undefined,
    vendor_extension: extensions(op),
  });
}

const verbs = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

function pathItem(item: Json): Msg {
  const out: Msg = {};
  for (const v of verbs) {
    const op = item[v];
    if (isObj(op)) out[v] = operation(op);
  }
  if (Array.isArray(item.parameters)) out.parameters = item.parameters.filter(isObj).map(parameter);
  out.vendor_extension = extensions(item);
  return out;
}

/** Encodes a Swagger 2.0 document (as buildOpenAPIV2 returns it) as gnostic's openapi.v2.Document. */
export function encodeOpenAPIV2Proto(doc: Json): Uint8Array {
  const info = isObj(doc.info) ? doc.info : {};
  const secDefs = isObj(doc.securityDefinitions) ? doc.securityDefinitions : {};
  const security = Array.isArray(doc.security) ? doc.security.filter(isObj) : [];
  const msg = clean({
    swagger: str(doc.swagger),
    info: clean({ title: str(info.title), version: str(info.version), description: str(info.description) }),
    paths: { path: named(isObj(doc.paths) ? doc.paths : {}, pathItem) },
    definitions: { additional_properties: named(isObj(doc.definitions) ? doc.definitions : {}, schema) },
    security: security.map((req) => ({ additional_properties: Object.entries(req).map(([name, scopes]) => ({ name, value: { value: strings(scopes) ?? [] } })) })),
    security_definitions: {
      additional_properties: named(secDefs, (d) => ({ api_key_security: clean({ type: str(d.type), name: str(d.name), in: str(d.in), description: str(d.description) }) })),
    },
    vendor_extension: extensions(doc),
  });
  return DocumentType.encode(DocumentType.fromObject(msg)).finish();
}
