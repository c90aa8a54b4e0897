// The gRPC services a BuildKit session offers the daemon: Health, registry Auth (per host) and build Secrets,
// on a @grpc/grpc-js Server with messages from proto/ (see proto/README.md). Nothing here logs, and no error
// message carries a credential or secret value.

import { Server, status as GrpcStatus, type ServerOptions } from '@grpc/grpc-js';
import { Auth } from '../generated/buildkit/auth_pb';
import { Secrets } from '../generated/buildkit/secrets_pb';
import { Health, HealthCheckResponse_ServingStatus } from '../generated/grpc/health_pb';
import type { RegistryCredentials } from '../model/registry-credentials';
import { GrpcCallError, grpcServiceDefinition, grpcUnaryHandlers } from './grpc-service';

export type { RegistryCredentials }; // the one shape, from model/

export interface SessionServices {
  /**
   * Registry credentials for one host, exactly as BuildKit names it: `127.0.0.1:5000`, `ghcr.io`, and Docker Hub
   * as `registry-1.docker.io` (its docker config key is `https://index.docker.io/v1/`). BuildKit asks per host, so
   * answer per host: never one set for every host. Undefined → anonymous. A throw fails that registry access.
   */
  credentials?(host: string): Promise<RegistryCredentials | undefined> | RegistryCredentials | undefined;
  /** Build secrets by id (`RUN --mount=type=secret,id=…`). Strings are sent as UTF-8. Unknown ids → NOT_FOUND. */
  secrets?: Record<string, Buffer | string>;
}

/**
 * A grpc-js Server answering the session methods from `services`; feed it the upgraded connection through
 * `createConnectionInjector`. `options` is for tests (interceptors that observe or alter calls).
 */
export function createSessionServer(services: SessionServices, options: ServerOptions = {}): Server {
  const server = new Server(options);
  server.addService(
    grpcServiceDefinition(Health),
    // Every service name ("" in practice: the daemon asks about the whole session) is SERVING.
    grpcUnaryHandlers(Health, { check: () => ({ status: HealthCheckResponse_ServingStatus.SERVING }) }),
  );
  server.addService(
    grpcServiceDefinition(Auth),
    grpcUnaryHandlers(Auth, {
      credentials: async ({ Host: host }) => {
        let found: RegistryCredentials | undefined;
        try {
          found = services.credentials ? await services.credentials(host) : undefined;
        } catch {
          // The callback's own message could quote what it read: keep it out of the daemon's logs.
          throw new GrpcCallError(GrpcStatus.INTERNAL, `credentials lookup for ${host} failed`);
        }
        if (found === undefined) return {}; // both empty: anonymous
        if (typeof found.username !== 'string' || typeof found.secret !== 'string') {
          throw new GrpcCallError(GrpcStatus.INTERNAL, `credentials for ${host} are not {username, secret} strings`);
        }
        return { Username: found.username, Secret: found.secret };
      },
      getTokenAuthority: () => {
        throw new GrpcCallError(GrpcStatus.UNIMPLEMENTED, 'token authority not supported; use Credentials');
      },
      // FetchToken and VerifyTokenAuthority are left to grpc-js's UNIMPLEMENTED, as BuildKit expects of a
      // session that only offers Credentials.
    }),
  );
  server.addService(
    grpcServiceDefinition(Secrets),
    grpcUnaryHandlers(Secrets, {
      getSecret: ({ ID: id }) => {
        const secrets = services.secrets;
        // Own properties only: `toString` or `__proto__` must not resolve to something inherited.
        if (!secrets || !Object.prototype.hasOwnProperty.call(secrets, id)) {
          throw new GrpcCallError(GrpcStatus.NOT_FOUND, `secret ${id} not found`);
        }
        const value = secrets[id];
        return { data: typeof value === 'string' ? Buffer.from(value, 'utf8') : value };
      },
    }),
  );
  return server;
}
