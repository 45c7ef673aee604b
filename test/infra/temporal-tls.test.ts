// The processes reach a Temporal that requires TLS, or mutual TLS, with the
// settings an operator gives (infra/temporal-connection.ts): the standard
// TEMPORAL_* variables or a TOML profile, read by @temporalio/envconfig.
// The server is the real dev server behind a TLS-terminating proxy
// (test/support/tls-proxy.ts) with a private CA made for the run. Both
// transports are exercised: the client's (grpc-js, the API and the scripts)
// and the worker's NativeConnection (Rust core).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import http2 from 'node:http2';
import { readFileSync } from 'node:fs';
import type net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config';
import { freePort } from '../../infra/ports';
import { connectClient, connectWorker } from '../../infra/temporal';
import { temporalConnection, type TemporalConnection } from '../../infra/temporal-connection';
import { temporalCliPath } from '../../infra/temporal-binaries';
import { startTemporalDevServer, type DevServer } from '../../infra/temporal-dev-server';
import { makeTestPki, startTlsProxy, type TestPki, type TlsProxy } from '../support/tls-proxy';

let dir: string;
let server: DevServer;
let pki: TestPki;
let tlsOnly: TlsProxy;
let mutual: TlsProxy;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'liangshan-tls-'));
  pki = makeTestPki(dir);
  server = await startTemporalDevServer({ cliPath: temporalCliPath()!, port: await freePort(), dbFile: path.join(dir, 'temporal.db'), logFile: path.join(dir, 'temporal.log') });
  const [host, port] = server.address.split(':');
  const target = { host: host!, port: Number(port) };
  tlsOnly = await startTlsProxy({ target, pki });
  mutual = await startTlsProxy({ target, pki, requireClientCert: true });
});

afterAll(async () => {
  await tlsOnly?.close();
  await mutual?.close();
  await server?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** The namespace's name as the server describes it, through the API's client and through the worker's connection. */
async function describeBoth(connection: TemporalConnection): Promise<{ client: string; worker: string }> {
  const client = connectClient(connection, { callDeadlineMs: 5_000 });
  try {
    const viaClient = await client.workflowService.describeNamespace({ namespace: connection.namespace });
    const native = await connectWorker(connection);
    try {
      const viaWorker = await native.workflowService.describeNamespace({ namespace: connection.namespace });
      return { client: viaClient.namespaceInfo?.name ?? '', worker: viaWorker.namespaceInfo?.name ?? '' };
    } finally {
      await native.close();
    }
  } finally {
    await client.connection.close();
  }
}

const failure = async (work: () => Promise<unknown>): Promise<string> => {
  try {
    await work();
  } catch (error) {
    return String((error as Error).message ?? error);
  }
  throw new Error('connected, but it should not have');
};

describe('Temporal over TLS (TEMPORAL_TLS_*, TOML profiles)', () => {
  it('connects with the private CA from TEMPORAL_TLS_SERVER_CA_CERT_PATH, through the API\'s configuration', async () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://x/y', SMTP_URL: 'smtp://127.0.0.1:25', AUTH_JWT_SECRET: 's',
      TEMPORAL_ADDRESS: `127.0.0.1:${tlsOnly.port}`, TEMPORAL_NAMESPACE: 'default',
      TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert,
    });
    expect(await describeBoth(config.temporal)).toEqual({ client: 'default', worker: 'default' });
  });

  it('connects with a TOML profile (TEMPORAL_CONFIG_FILE, TEMPORAL_PROFILE), and the variables still override it', async () => {
    const file = path.join(dir, 'temporal.toml');
    await writeFile(file, [
      '[profile.default]', 'address = "127.0.0.1:1"', '',
      '[profile.province]', `address = "127.0.0.1:${tlsOnly.port}"`, 'namespace = "default"', '',
      '[profile.province.tls]', `server_ca_cert_path = ${JSON.stringify(pki.caCert)}`, 'server_name = "localhost"', '',
    ].join('\n'));
    const connection = temporalConnection({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'province' });
    expect(connection.address).toBe(`127.0.0.1:${tlsOnly.port}`);
    expect(await describeBoth(connection)).toEqual({ client: 'default', worker: 'default' });
    // A variable wins over the profile (as for the temporal CLI): here, the wrong port.
    expect(temporalConnection({ TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'province', TEMPORAL_ADDRESS: '127.0.0.1:2' }).address).toBe('127.0.0.1:2');
    // A profile that is not in the file is a configuration error naming it.
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://x/y', SMTP_URL: 'smtp://x', AUTH_JWT_SECRET: 's', TEMPORAL_CONFIG_FILE: file, TEMPORAL_PROFILE: 'prod' }))
      .toThrow(/TEMPORAL_PROFILE=prod.*Profile 'prod' not found/);
  });

  it('fails clearly without the CA, with another CA, and with plain gRPC against the TLS port', async () => {
    const address = `127.0.0.1:${tlsOnly.port}`;
    // The worker connects at start: its error says where, how, and what the certificate check found.
    const workerError = (env: NodeJS.ProcessEnv) => failure(() => connectWorker(temporalConnection(env)));
    expect(await workerError({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS: 'true' })).toMatch(new RegExp(`cannot connect to Temporal at ${address} \\(namespace default, TLS\\).*UnknownIssuer`));
    expect(await workerError({ TEMPORAL_ADDRESS: address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.otherCaCert })).toMatch(/TLS with a private CA\).*UnknownIssuer/);
    expect(await workerError({ TEMPORAL_ADDRESS: address })).toMatch(new RegExp(`cannot connect to Temporal at ${address} \\(namespace default, plain gRPC\\)`));
    // The API's client is lazy (its health check says Temporal is down): its calls fail, none gets through.
    for (const env of [{ TEMPORAL_ADDRESS: address, TEMPORAL_TLS: 'true' }, { TEMPORAL_ADDRESS: address }]) {
      expect(await failure(() => connectClient(temporalConnection(env), { callDeadlineMs: 2_000 }).workflowService.getSystemInfo({}))).toMatch(/DEADLINE_EXCEEDED|UNAVAILABLE/);
    }
  });

  it('mutual TLS: refused without a client certificate, accepted with TEMPORAL_TLS_CLIENT_CERT_PATH and _KEY_PATH', async () => {
    const address = `127.0.0.1:${mutual.port}`;
    const caOnly = { TEMPORAL_ADDRESS: address, TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert };
    await failure(() => connectClient(temporalConnection(caOnly), { callDeadlineMs: 3_000 }).workflowService.getSystemInfo({}));
    expect(mutual.clientNames).toEqual([]);
    const withCert = { ...caOnly, TEMPORAL_TLS_CLIENT_CERT_PATH: pki.clientCert, TEMPORAL_TLS_CLIENT_KEY_PATH: pki.clientKey };
    expect(await describeBoth(temporalConnection(withCert))).toEqual({ client: 'default', worker: 'default' });
    expect(new Set(mutual.clientNames)).toEqual(new Set(['liangshan-worker']));
  });

  it('sends TEMPORAL_API_KEY as a bearer token over TLS (checked by a stand-in HTTP/2 server: the dev server takes no keys)', async () => {
    // The dev server ignores API keys, so the check is on the wire: a TLS
    // HTTP/2 server records the call's headers and answers UNAUTHENTICATED.
    const seen: Array<string | undefined> = [];
    const standIn = http2.createSecureServer({ key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert) }, () => {});
    const sessions = new Set<http2.ServerHttp2Session>();
    standIn.on('session', (session) => sessions.add(session));
    standIn.on('stream', (stream, headers) => {
      seen.push(headers.authorization);
      // A trailers-only gRPC answer.
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'key checked' }, { endStream: true });
    });
    await new Promise<void>((resolve) => standIn.listen(0, '127.0.0.1', resolve));
    try {
      const port = (standIn.address() as net.AddressInfo).port;
      const connection = temporalConnection({ TEMPORAL_ADDRESS: `127.0.0.1:${port}`, TEMPORAL_API_KEY: 'key-2027', TEMPORAL_TLS_SERVER_CA_CERT_PATH: pki.caCert });
      expect(connection.tls).toBeTruthy();
      const client = connectClient(connection, { callDeadlineMs: 3_000 });
      expect(await failure(() => client.workflowService.getSystemInfo({}))).toMatch(/UNAUTHENTICATED|key checked/);
      await client.connection.close();
      expect(seen).toContain('Bearer key-2027');
      // An empty key (compose's `${TEMPORAL_API_KEY:-}`) is no key, and does not switch TLS on.
      expect(temporalConnection({ TEMPORAL_ADDRESS: 'temporal:7233', TEMPORAL_API_KEY: '' })).toEqual({ address: 'temporal:7233', namespace: 'default' });
    } finally {
      for (const session of sessions) session.destroy();
      await new Promise((resolve) => standIn.close(resolve));
    }
  });
});
