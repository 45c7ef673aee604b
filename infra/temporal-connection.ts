// Where and how the processes reach Temporal, read once for all of them (API,
// worker, `npm run ops`, `npm run reconcile`, `npm run deployment`, the
// sample script) by Temporal's own `@temporalio/envconfig`: a TOML profile
// (TEMPORAL_CONFIG_FILE, else ~/.config/temporalio/temporal.toml; the
// profile TEMPORAL_PROFILE, else "default") overlaid by the standard
// variables TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TEMPORAL_API_KEY,
// TEMPORAL_TLS, TEMPORAL_TLS_SERVER_CA_CERT_PATH (or _DATA),
// TEMPORAL_TLS_CLIENT_CERT_PATH / _KEY_PATH (or _DATA),
// TEMPORAL_TLS_SERVER_NAME and TEMPORAL_GRPC_META_*. The same file and
// variables drive the `temporal` CLI, so an operator configures one place
// (docs/PRODUCTION.md "Connecting to Temporal"). Nothing set: plain gRPC to
// localhost:7233, namespace default, as before.
import type { ConnectionOptions } from '@temporalio/client';
import { loadClientConnectConfig } from '@temporalio/envconfig';

type TLSConfig = Exclude<NonNullable<ConnectionOptions['tls']>, boolean | null>;

export interface TemporalConnection {
  address: string;
  namespace: string;
  /** false or absent: plain gRPC; true: TLS with the system's CAs; an object: a private CA, client certificate, server name. */
  tls?: TLSConfig | boolean;
  /** Sent as `Authorization: Bearer <key>` on every call (Temporal Cloud, or a proxy that checks it); implies TLS. */
  apiKey?: string;
  /** Extra gRPC headers (TEMPORAL_GRPC_META_<NAME>). */
  metadata?: ConnectionOptions['metadata'];
}

export const DEFAULT_TEMPORAL_ADDRESS = 'localhost:7233';
export const DEFAULT_TEMPORAL_NAMESPACE = 'default';

export class TemporalConnectionError extends Error {}

/**
 * The connection from the environment. Empty variables count as unset
 * (compose passes `${TEMPORAL_API_KEY:-}` as ""; to envconfig an empty key
 * would still switch TLS on). `fallbackAddress` is the address when neither
 * the profile nor TEMPORAL_ADDRESS gives one (the operator scripts use
 * npm start's 127.0.0.1:7233).
 */
export function temporalConnection(env: NodeJS.ProcessEnv = process.env, fallbackAddress = DEFAULT_TEMPORAL_ADDRESS): TemporalConnection {
  const set = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
  let loaded: ReturnType<typeof loadClientConnectConfig>;
  try {
    loaded = loadClientConnectConfig({ overrideEnvVars: set });
  } catch (error) {
    const where = set.TEMPORAL_CONFIG_FILE ? ` (TEMPORAL_CONFIG_FILE=${set.TEMPORAL_CONFIG_FILE}${set.TEMPORAL_PROFILE ? `, TEMPORAL_PROFILE=${set.TEMPORAL_PROFILE}` : ''})` : '';
    throw new TemporalConnectionError(`Temporal connection settings${where}: ${(error as Error).message}`);
  }
  const options = loaded.connectionOptions;
  return {
    address: options.address ?? fallbackAddress,
    namespace: loaded.namespace ?? DEFAULT_TEMPORAL_NAMESPACE,
    ...(options.tls !== undefined && options.tls !== null ? { tls: options.tls } : {}),
    ...(options.apiKey !== undefined ? { apiKey: String(options.apiKey) } : {}),
    ...(options.metadata && Object.keys(options.metadata).length > 0 ? { metadata: options.metadata } : {}),
  };
}

/** The options both Connection (client) and NativeConnection (worker) take. */
export function connectionOptions(connection: TemporalConnection): Pick<TemporalConnection, 'address' | 'tls' | 'apiKey' | 'metadata'> {
  return {
    address: connection.address,
    ...(connection.tls !== undefined ? { tls: connection.tls } : {}),
    ...(connection.apiKey !== undefined ? { apiKey: connection.apiKey } : {}),
    ...(connection.metadata ? { metadata: connection.metadata } : {}),
  };
}

/** For logs and error messages: the address, namespace and how it is secured, never a key. */
export function describeConnection(connection: TemporalConnection): string {
  const tls = connection.tls === undefined || connection.tls === false ? 'plain gRPC'
    : connection.tls === true ? 'TLS'
      : `TLS${connection.tls.serverRootCACertificate ? ' with a private CA' : ''}${connection.tls.clientCertPair ? ' and a client certificate' : ''}`;
  return `${connection.address} (namespace ${connection.namespace}, ${tls}${connection.apiKey ? ', API key' : ''})`;
}
