import type { IncomingMessage, Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';

/** A loopback port nobody listens on (for a server the test starts later). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** Starts `server` on an ephemeral loopback port; returns the port. */
export async function listenLoopback(server: Server): Promise<number> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    req.on('data', (b: Buffer) => {
      text += b.toString('utf8');
    });
    req.on('end', () => resolve(text));
  });
}
