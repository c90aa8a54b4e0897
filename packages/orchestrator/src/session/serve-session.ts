// Serves a BuildKit session on a connection the daemon already upgraded to h2c: the daemon is the HTTP/2 (gRPC)
// client and we are the server, a @grpc/grpc-js Server fed the socket through `createConnectionInjector`, as
// dockerode's own session helper does.

import { ServerCredentials } from '@grpc/grpc-js';
import type { Socket } from 'node:net';
import { createSessionServer, type SessionServices } from './session-services';

export interface BuildSession {
  /** Pass as `/build?session=<id>`. */
  id: string;
  /** Sends GOAWAY and closes the connection; the daemon then drops the session. Idempotent. */
  close(): Promise<void>;
}

/** How long close() lets the GOAWAY and in-flight replies drain before it cuts the connection. */
const CLOSE_GRACE_MS = 1000;

/** Serves the session services on an already upgraded connection (also what tests drive over a local socket). */
export function serveOn(socket: Socket, id: string, services: SessionServices): BuildSession {
  const socketClosed = new Promise<void>((resolve) => {
    if (socket.destroyed) resolve();
    else socket.once('close', () => resolve());
  });
  // Errors (ECONNRESET when the daemon goes away) end the session; close() still cleans up.
  socket.on('error', () => undefined);
  const server = createSessionServer(services);
  // The daemon is the HTTP/2 client on this connection: grpc-js does the server side of the handshake.
  server.createConnectionInjector(ServerCredentials.createInsecure()).injectConnection(socket);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> =>
    (closing ??= (async () => {
      // tryShutdown sends GOAWAY and lets in-flight calls finish; then cut the connection whatever happens.
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, CLOSE_GRACE_MS);
        server.tryShutdown(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      server.forceShutdown();
      socket.destroy();
      await socketClosed;
    })());
  return { id, close };
}

