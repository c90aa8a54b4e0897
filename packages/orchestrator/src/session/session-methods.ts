// The gRPC methods of a BuildKit session that we answer, by `:path`. Plain strings, so announcing them in the
// upgrade request does not load the gRPC and protobuf libraries; a unit test checks them against the paths of the
// generated service descriptors (proto/).

export const SessionMethod = {
  HealthCheck: '/grpc.health.v1.Health/Check',
  Credentials: '/moby.filesync.v1.Auth/Credentials',
  GetTokenAuthority: '/moby.filesync.v1.Auth/GetTokenAuthority',
  GetSecret: '/moby.buildkit.secrets.v1.Secrets/GetSecret',
} as const;

/**
 * What we announce in `X-Docker-Expose-Session-Grpc-Method` (the daemon only calls announced methods).
 * GetTokenAuthority is answered (UNIMPLEMENTED, so BuildKit falls back to Credentials) but not announced.
 */
export const SERVED_METHODS: readonly string[] = [SessionMethod.HealthCheck, SessionMethod.Credentials, SessionMethod.GetSecret];
