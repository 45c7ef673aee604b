// A TLS-terminating TCP proxy in front of the Temporal dev server (which
// speaks plain gRPC only), standing for a cluster whose frontend requires TLS
// or mutual TLS: gRPC is HTTP/2, so after the handshake (ALPN h2) the bytes
// are piped unchanged. And a private CA with its server and client
// certificates, made by the machine's openssl for each test run.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** A CA no certificate here was signed by: trusting it must not be enough. */
  otherCaCert: string;
}

/** A private CA; a server certificate for localhost and 127.0.0.1; a client certificate (CN liangshan-worker). */
export function makeTestPki(dir: string): TestPki {
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: ['ignore', 'pipe', 'pipe'] });
  for (const ca of ['ca', 'other-ca']) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${ca}.key`), '-out', file(`${ca}.pem`), '-days', '2', '-subj', `/CN=liangshan test ${ca}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  }
  const leaf = (name: string, subject: string, extensions: string) => {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    writeFileSync(file(`${name}.ext`), extensions);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file(`${name}.pem`), '-days', '2', '-extfile', file(`${name}.ext`));
  };
  leaf('server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n');
  leaf('client', '/CN=liangshan-worker', 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth\n');
  return {
    dir,
    caCert: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'),
    clientCert: file('client.pem'), clientKey: file('client.key'), otherCaCert: file('other-ca.pem'),
  };
}

export interface TlsProxy {
  port: number;
  /** The common names of the client certificates presented on accepted connections. */
  clientNames: string[];
  close(): Promise<void>;
}

/** Listens with TLS on a free port of 127.0.0.1 and pipes each connection to `target`; with `requireClientCert`, refuses a client without a certificate from the CA. */
export async function startTlsProxy(options: { target: { host: string; port: number }; pki: TestPki; requireClientCert?: boolean }): Promise<TlsProxy> {
  const clientNames: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = tls.createServer({
    key: readFileSync(options.pki.serverKey),
    cert: readFileSync(options.pki.serverCert),
    ca: readFileSync(options.pki.caCert),
    requestCert: options.requireClientCert ?? false,
    rejectUnauthorized: options.requireClientCert ?? false,
    ALPNProtocols: ['h2'],
  }, (socket) => {
    const name = socket.getPeerCertificate()?.subject?.CN;
    if (name) clientNames.push(String(name));
    const upstream = net.connect(options.target.port, options.target.host);
    sockets.add(socket).add(upstream);
    socket.pipe(upstream).pipe(socket);
    const end = () => (socket.destroy(), upstream.destroy());
    socket.once('error', end).once('close', end);
    upstream.once('error', end).once('close', end);
  });
  // A refused handshake is the point of some tests, not a failure of the proxy.
  server.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    clientNames,
    close: () => new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    }),
  };
}
