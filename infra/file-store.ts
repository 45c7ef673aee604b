// Where the bodies of uploaded documents live (docs/PRODUCTION.md "Files on
// S3"). The File row (PostgreSQL) keeps the metadata and `storagePath`, the
// content address `<sha256[0:2]>/<sha256>`; a store keeps the bytes under
// that key:
// - the local folder (FILES_DIR, the embedded default): the key is a path
//   under the folder, as it always was, so existing data keeps working;
// - an S3-compatible object store (FILES_S3_*): the key is the object's key
//   in the bucket, so API processes on several machines share the files.
// An upload is received into a temporary file first (api/files.ts checks
// its type from the bytes and hashes it there); `putFile` then moves or
// copies that file to its key unless the key already holds it.
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { GetObjectCommand, HeadBucketCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import type { FilesS3Config } from './config';

export interface StoredBody {
  size: number;
  body: Readable;
}

export interface FileStore {
  /** Where uploads are received before `putFile`; created on first use. */
  readonly incomingDir: string;
  /** Stores the file at `tmpFile` under `key` unless `key` already holds it (content-addressed); `tmpFile` may be gone afterwards. */
  putFile(key: string, tmpFile: string, meta: { contentType: string; size: number }): Promise<void>;
  /** The body under `key` as a stream with its size, or null when there is none. */
  get(key: string): Promise<StoredBody | null>;
  exists(key: string): Promise<boolean>;
  /** Rejects with an operator's message (FileStoreError) when the store cannot be used; the API checks it at start. */
  check(): Promise<void>;
}

export class FileStoreError extends Error {}

/** A key is the File row's `storagePath` (`<sha256[0:2]>/<sha256>`, api/files.ts): plain segments, none of them `.` or `..`. */
function safeKey(key: string): string | null {
  const segments = key.split(path.sep).join('/').split('/');
  return segments.every((s) => /^[A-Za-z0-9._-]+$/.test(s) && s !== '.' && s !== '..') ? segments.join('/') : null;
}

/** FILES_DIR: `<dir>/<sha256[0:2]>/<sha256>`, received under `<dir>/.tmp` so the final rename is atomic. */
export function localFileStore(dir: string): FileStore {
  const root = path.resolve(dir);
  const inside = (key: string): string | null => {
    const target = path.resolve(root, key);
    return target.startsWith(root + path.sep) ? target : null;
  };
  return {
    incomingDir: path.join(root, '.tmp'),
    async putFile(key, tmpFile) {
      const target = inside(key);
      if (!target) throw new FileStoreError(`not a storage key: ${key}`);
      await mkdir(path.dirname(target), { recursive: true });
      // The same bytes are stored once. Two uploads racing both rename
      // identical bytes onto the same name, which is harmless.
      if (await this.exists(key)) await rm(tmpFile, { force: true });
      else await rename(tmpFile, target);
    },
    async get(key) {
      const target = inside(key);
      if (!target) return null;
      let handle: Awaited<ReturnType<typeof open>>;
      try {
        handle = await open(target, 'r');
      } catch {
        return null;
      }
      try {
        const { size } = await handle.stat();
        // The stream owns the handle from here and closes it when done or destroyed.
        return { size, body: handle.createReadStream() };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },
    async exists(key) {
      const target = inside(key);
      if (!target) return false;
      try {
        await stat(target);
        return true;
      } catch {
        return false;
      }
    },
    async check() {
      try {
        await mkdir(path.join(root, '.tmp'), { recursive: true });
      } catch (error) {
        throw new FileStoreError(`FILES_DIR ${root} cannot be created or written: ${(error as Error).message}`);
      }
    },
  };
}

/** The S3 client for FILES_S3_*; exported for tests and tools that look into the bucket. */
export function s3ClientFor(config: FilesS3Config): S3Client {
  return new S3Client({
    region: config.region,
    forcePathStyle: config.forcePathStyle,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    ...(config.accessKeyId && config.secretAccessKey ? { credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey } } : {}),
    // Checksums only where S3 requires them: the SDK's default adds
    // CRC32 trailers in aws-chunked bodies, which several S3-compatible
    // servers do not accept. The sha256 in the key is our own check.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

function s3Code(error: unknown): string | undefined {
  if (error instanceof S3ServiceException) return error.name;
  return (error as { name?: string; Code?: string } | null)?.Code ?? (error as { name?: string } | null)?.name;
}

function httpStatusOf(error: unknown): number | undefined {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
}

const NOT_FOUND_CODES = new Set(['NotFound', 'NoSuchKey']);

/** What an operator reads when the bucket cannot be used: which setting to look at. */
function explain(config: FilesS3Config, error: unknown): string {
  const where = `bucket "${config.bucket}"${config.endpoint ? ` at ${config.endpoint}` : ''} (region ${config.region})`;
  const code = s3Code(error);
  const status = httpStatusOf(error);
  if (code === 'NoSuchBucket' || (code === 'NotFound' && status === 404) || status === 404) return `FILES_S3_BUCKET: ${where} does not exist; create it, or correct FILES_S3_BUCKET / FILES_S3_ENDPOINT`;
  if (code === 'InvalidAccessKeyId' || code === 'SignatureDoesNotMatch' || code === 'Forbidden' || code === 'AccessDenied' || status === 403 || status === 401) {
    return `FILES_S3_ACCESS_KEY_ID / FILES_S3_SECRET_ACCESS_KEY: ${where} refused the credentials (${code ?? status}); check the key pair and its rights on the bucket`;
  }
  if (code === 'CredentialsProviderError') return `FILES_S3_ACCESS_KEY_ID / FILES_S3_SECRET_ACCESS_KEY are not set and no other AWS credentials were found for ${where}`;
  const message = error instanceof Error ? error.message : String(error);
  return `FILES_S3_ENDPOINT: ${where} cannot be reached: ${code ? `${code}: ` : ''}${message}`;
}

/** FILES_S3_*: one object per content, key `<sha256[0:2]>/<sha256>`; uploads are received in the system's temporary folder. */
export function s3FileStore(config: FilesS3Config, options: { incomingDir?: string } = {}): FileStore {
  const client = s3ClientFor(config);
  const Bucket = config.bucket;
  const keyOf = (key: string): string => {
    const k = safeKey(key);
    if (!k) throw new FileStoreError(`not a storage key: ${key}`);
    return k;
  };
  const exists = async (key: string): Promise<boolean> => {
    try {
      await client.send(new HeadObjectCommand({ Bucket, Key: keyOf(key) }));
      return true;
    } catch (error) {
      if (NOT_FOUND_CODES.has(s3Code(error) ?? '') && httpStatusOf(error) === 404) return false;
      throw new FileStoreError(explain(config, error));
    }
  };
  return {
    incomingDir: options.incomingDir ?? path.join(tmpdir(), 'liangshan-uploads'),
    exists,
    async putFile(key, tmpFile, meta) {
      try {
        if (await exists(key)) return;
        // Streamed from the temporary file, never held whole in memory.
        await client.send(new PutObjectCommand({ Bucket, Key: keyOf(key), Body: createReadStream(tmpFile), ContentLength: meta.size, ContentType: meta.contentType }));
      } catch (error) {
        if (error instanceof FileStoreError) throw error;
        throw new FileStoreError(explain(config, error));
      } finally {
        await rm(tmpFile, { force: true });
      }
    },
    async get(key) {
      const k = safeKey(key);
      if (!k) return null;
      try {
        const object = await client.send(new GetObjectCommand({ Bucket, Key: k }));
        const body = object.Body as Readable | undefined;
        if (!body) return null;
        return { size: object.ContentLength ?? 0, body };
      } catch (error) {
        if (NOT_FOUND_CODES.has(s3Code(error) ?? '')) return null;
        throw new FileStoreError(explain(config, error));
      }
    },
    async check() {
      try {
        await client.send(new HeadBucketCommand({ Bucket }));
      } catch (error) {
        throw new FileStoreError(explain(config, error));
      }
    },
  };
}

/** The store the configuration names: S3 when FILES_S3_BUCKET is set, else the local folder. */
export function fileStoreFor(config: { filesDir: string; filesS3: FilesS3Config | undefined }): FileStore {
  return config.filesS3 ? s3FileStore(config.filesS3) : localFileStore(config.filesDir);
}

/** For process entry points: an unusable store is one line naming the setting to fix, and exit code 2 (as a configuration error). */
export async function checkFileStoreOrExit(store: FileStore, logger: { error(obj: object, msg: string): void }): Promise<FileStore> {
  try {
    await store.check();
    return store;
  } catch (error) {
    if (!(error instanceof FileStoreError)) throw error;
    logger.error({ setting: error.message.split(':')[0] }, `files: ${error.message}`);
    console.error(`configuration: ${error.message} (see docs/PRODUCTION.md, Files on S3)`);
    process.exit(2);
  }
}
