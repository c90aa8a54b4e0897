// BuildKit sessions over the Engine API (`POST /session`, h2c): Health, registry Auth and build Secrets.
export { openBuildSession, serveOn, SessionUpgradeError } from './build-session';
export type { BuildSession, BuildSessionOptions } from './build-session';
export { SERVED_METHODS, SessionMethod } from './session-services';
export type { RegistryCredentials, SessionServices } from './session-services';
