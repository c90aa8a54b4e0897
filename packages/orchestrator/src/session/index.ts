// BuildKit sessions over the Engine API (`POST /session`, h2c): Health, registry Auth and build Secrets.
// The gRPC server (grpc-js, generated protobuf code) is loaded only when a session is opened.
export { openBuildSession, SessionUpgradeError } from './build-session';
export type { BuildSession, BuildSessionOptions } from './build-session';
export { SERVED_METHODS, SessionMethod } from './session-methods';
export type { RegistryCredentials, SessionServices } from './session-services';
