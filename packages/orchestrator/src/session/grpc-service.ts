// Serves a protobuf-es service (generated from proto/) on a @grpc/grpc-js Server. grpc-js only needs a path,
// the streaming kinds and (de)serializers per method; the generated descriptors have all of it, so no second
// schema (proto-loader, .proto text at run time) is involved. Only unary methods get handlers here: methods left
// out of an implementation (and every streaming one) are answered UNIMPLEMENTED by grpc-js itself.

import { create, fromBinary, toBinary, type DescMethod, type DescService, type MessageInitShape, type MessageShape } from '@bufbuild/protobuf';
import type { GenService, GenServiceMethods } from '@bufbuild/protobuf/codegenv2';
import {
  status as GrpcStatus,
  type sendUnaryData,
  type ServerUnaryCall,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { EnvironmentError } from '../errors/fragments-error';

/**
 * A failed call: the status code and the message the caller (the daemon) sees. It never reaches the CLI (it becomes
 * a gRPC status); in the error family it is an environment error, a request of the engine's we could not serve.
 */
export class GrpcCallError extends EnvironmentError {
  constructor(
    readonly code: GrpcStatus,
    message: string,
  ) {
    super(message);
  }
}

/** Handlers for some of a service's unary methods, keyed by the generated (lowerCamelCase) method name. */
export type UnaryImplementation<M extends GenServiceMethods> = {
  [K in keyof M as M[K]['methodKind'] extends 'unary' ? K : never]?: (
    request: MessageShape<M[K]['input']>,
  ) => Promise<MessageInitShape<M[K]['output']>> | MessageInitShape<M[K]['output']>;
};

/** `/package.Service/Method`, the HTTP/2 `:path` of a gRPC call. */
export function methodPath(method: DescMethod): string {
  return `/${method.parent.typeName}/${method.name}`;
}

/** The grpc-js definition of every method of `service` (binary protobuf; unknown request fields are dropped). */
export function grpcServiceDefinition(service: DescService): ServiceDefinition {
  const definition: Record<string, ServiceDefinition[string]> = {};
  for (const method of service.methods) {
    definition[method.localName] = {
      path: methodPath(method),
      originalName: method.name,
      requestStream: method.methodKind === 'client_streaming' || method.methodKind === 'bidi_streaming',
      responseStream: method.methodKind === 'server_streaming' || method.methodKind === 'bidi_streaming',
      requestSerialize: (message: MessageShape<DescMethod['input']>) => Buffer.from(toBinary(method.input, message)),
      requestDeserialize: (bytes: Buffer) => fromBinary(method.input, bytes, { readUnknownFields: false }),
      responseSerialize: (message: MessageShape<DescMethod['output']>) => Buffer.from(toBinary(method.output, message)),
      responseDeserialize: (bytes: Buffer) => fromBinary(method.output, bytes, { readUnknownFields: false }),
    };
  }
  return definition;
}

/**
 * grpc-js handlers for `implementation`. A GrpcCallError becomes that status; any other throw becomes INTERNAL
 * with only the method's name, so nothing a handler read (a credential, a secret) reaches the caller's logs.
 */
export function grpcUnaryHandlers<M extends GenServiceMethods>(service: GenService<M>, implementation: UnaryImplementation<M>): UntypedServiceImplementation {
  const handlers: UntypedServiceImplementation = {};
  for (const method of service.methods) {
    const handle = (implementation as Record<string, ((request: unknown) => unknown) | undefined>)[method.localName];
    if (method.methodKind !== 'unary' || handle === undefined) continue;
    handlers[method.localName] = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      Promise.resolve()
        .then(() => handle(call.request))
        .then(
          (reply) => callback(null, create(method.output, reply as MessageInitShape<DescMethod['output']>)),
          (error: unknown) =>
            callback(
              error instanceof GrpcCallError
                ? { code: error.code, details: error.message }
                : { code: GrpcStatus.INTERNAL, details: `${methodPath(method)} failed` },
            ),
        );
    };
  }
  return handlers;
}
