// The one shape of registry credentials, shared by the registry client (Basic auth, token services), the docker
// config reader and the BuildKit session (which answers the daemon's per-host Credentials calls with it).

/** Credentials for one registry host. Never put these in messages: name the user at most. */
export interface RegistryCredentials {
  username: string;
  /**
   * Password, or an identity token when `username` is empty (config.json `identitytoken`, or a helper's `<token>`
   * username): an OAuth2 refresh token, sent as `grant_type=refresh_token` to the token service, never as Basic auth.
   */
  secret: string;
}
