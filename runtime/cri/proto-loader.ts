// Loads protos/api.proto (the CRI, package runtime.v1) with @grpc/proto-loader, for both the
// server (runtime/cri) and clients (the kubelet, tests, benches).
//
// Options: keepCase (snake_case field names as in the .proto), longs as Number, enums as String,
// defaults filled in, oneofs. The TypeScript shapes of the messages are in cri-types.ts.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export const CRI_PACKAGE = 'runtime.v1';

export const CRI_LOADER_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
};

/**
 * Finds protos/api.proto by walking up from this module: the same code runs from the source tree
 * (runtime/cri/) and from the build (dist/runtime/cri/).
 */
export function criProtoPath(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'protos', 'api.proto');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`protos/api.proto not found above ${dirname(fileURLToPath(import.meta.url))}`);
    dir = parent;
  }
}

export interface CriServiceDefinitions {
  RuntimeService: grpc.ServiceClientConstructor;
  ImageService: grpc.ServiceClientConstructor;
  /** the service definitions a grpc.Server registers handlers against */
  runtimeServiceDefinition: grpc.ServiceDefinition;
  imageServiceDefinition: grpc.ServiceDefinition;
}

let cached: CriServiceDefinitions | undefined;

/** Loads (once) and returns the CRI services. */
export function loadCri(): CriServiceDefinitions {
  if (cached) return cached;
  const packageDefinition = protoLoader.loadSync(criProtoPath(), CRI_LOADER_OPTIONS);
  const root = grpc.loadPackageDefinition(packageDefinition);
  const runtime = root.runtime as grpc.GrpcObject;
  const v1 = runtime.v1 as grpc.GrpcObject;
  const RuntimeService = v1.RuntimeService as grpc.ServiceClientConstructor;
  const ImageService = v1.ImageService as grpc.ServiceClientConstructor;
  cached = {
    RuntimeService,
    ImageService,
    runtimeServiceDefinition: RuntimeService.service,
    imageServiceDefinition: ImageService.service,
  };
  return cached;
}

/** `unix:///run/skiff/runtime.sock` or a bare path → the address grpc-js dials. */
export function criAddress(endpoint: string): string {
  if (endpoint.startsWith('unix://')) return `unix://${endpoint.slice('unix://'.length)}`;
  if (endpoint.startsWith('unix:')) return endpoint;
  if (endpoint.startsWith('/')) return `unix://${endpoint}`;
  return endpoint;
}
