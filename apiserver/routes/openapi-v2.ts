// A minimal /openapi/v2 in protobuf (gnostic openapi_v2.Document): no schemas, only the PATCH
// operations of each kind tagged with x-kubernetes-group-version-kind and a `fieldValidation`
// query parameter. kubectl 1.27 downloads v2 before apply/create and, seeing the parameter, leaves
// validation to the server (fieldValidation=Strict), as newer kubectls do from /openapi/v3.
import { RESOURCES, resourcePath } from '../../api/resources.js';

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/** Protobuf length-delimited field (wire type 2). */
function field(num: number, value: string | Buffer): Buffer {
  const body = typeof value === 'string' ? Buffer.from(value) : value;
  return Buffer.concat([varint((num << 3) | 2), varint(body.length), body]);
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

function patchOperation(group: string, version: string, kind: string): Buffer {
  // Operation.parameters(8) → ParametersItem.parameter(1) → Parameter.non_body_parameter(2)
  //   → NonBodyParameter.query_parameter_sub_schema(3) → {in(2): "query", name(4), type(6)}
  const query = Buffer.concat([field(2, 'query'), field(4, 'fieldValidation'), field(6, 'string')]);
  const param = field(8, field(1, field(2, field(3, query))));
  // Operation.responses(9) → Responses.response_code(1) → NamedResponseValue{name(1), value(2) → ResponseValue.response(1) → Response.description(1)}
  const responses = field(9, field(1, Buffer.concat([field(1, '200'), field(2, field(1, field(1, 'OK')))])));
  // Operation.vendor_extension(13) → NamedAny{name(1), value(2) → Any.yaml(2)}
  const gvk = `group: ${JSON.stringify(group)}\nkind: ${kind}\nversion: ${version}\n`;
  const ext = field(13, Buffer.concat([field(1, 'x-kubernetes-group-version-kind'), field(2, field(2, gvk))]));
  return Buffer.concat([param, responses, ext]);
}

let cached: Buffer | undefined;

export function openapiV2Document(): Buffer {
  if (cached) return cached;
  const paths: Buffer[] = [];
  for (const r of RESOURCES) {
    const p = resourcePath(r, r.namespaced ? '{namespace}' : undefined, '{name}').replace(/%7B/g, '{').replace(/%7D/g, '}');
    // Paths.path(2) → NamedPathItem{name(1), value(2) → PathItem.patch(8)}
    paths.push(field(2, Buffer.concat([field(1, p), field(2, field(8, patchOperation(r.group, r.version, r.kind)))])));
  }
  const info = Buffer.concat([field(1, 'Kubernetes'), field(2, 'v1.32.0')]);
  cached = Buffer.concat([field(1, '2.0'), field(2, info), field(8, Buffer.concat(paths))]);
  return cached;
}
