// Loader for the CRI v1 subset in proto/cri/api.proto (package runtime.v1).
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

export interface CriDefinitions {
  /** runtime.v1.RuntimeService */
  runtime: grpc.ServiceDefinition;
  /** runtime.v1.ImageService */
  image: grpc.ServiceDefinition;
  /** Client constructors for the two services. */
  RuntimeServiceClient: grpc.ServiceClientConstructor;
  ImageServiceClient: grpc.ServiceClientConstructor;
  /** Path of the .proto file that was loaded. */
  protoPath: string;
}

/** Options used for CRI messages: snake_case field names kept, enums as numbers, 64-bit ints as JS numbers. */
export const criLoaderOptions: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: Number,
  defaults: true,
  arrays: true,
  objects: true,
  oneofs: true,
};

let cached: CriDefinitions | undefined;

export function criProtoPath(): string {
  // Works from proto/src (jest) and proto/dist (tsc output): both sit next to proto/cri.
  const p = path.resolve(__dirname, '..', 'cri', 'api.proto');
  if (!fs.existsSync(p)) throw new Error(`CRI proto not found at ${p}`);
  return p;
}

export function loadCri(): CriDefinitions {
  if (cached) return cached;
  const protoPath = criProtoPath();
  const pkgDef = protoLoader.loadSync(protoPath, criLoaderOptions);
  const loaded = grpc.loadPackageDefinition(pkgDef) as unknown as {
    runtime: { v1: { RuntimeService: grpc.ServiceClientConstructor; ImageService: grpc.ServiceClientConstructor } };
  };
  const v1 = loaded.runtime.v1;
  cached = {
    runtime: v1.RuntimeService.service,
    image: v1.ImageService.service,
    RuntimeServiceClient: v1.RuntimeService,
    ImageServiceClient: v1.ImageService,
    protoPath,
  };
  return cached;
}
