// The one shape of registry credentials, shared by the registry client (Basic auth, token services), the docker
// config reader and the BuildKit session (which answers the daemon's per-host Credentials calls with it).

/** Credentials for one registry host. Never put these in messages: name the user at most. */
export interface RegistryCredentials {
  username: string;
  /** Password, or an identity token (then `username` is empty), as docker credential helpers name it. */
  secret: string;
}
