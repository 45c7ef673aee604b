// Uploaded files in an S3-compatible object store (FILES_S3_*), over real
// HTTP: one API receives the upload into the bucket, a second API instance
// with no local folder of its own serves it back, as two machines behind a
// load balancer would. The object store is s3rver (npm), started here on a
// free port; the database is real PostgreSQL. No worker: files start no
// workflow.
import { spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, type S3Client } from '@aws-sdk/client-s3';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../api/app';
import { createVerifier, signDevToken } from '../../api/auth';
import { ConfigError, filesS3 } from '../../infra/config';
import { freePort } from '../../infra/ports';
import { FileStoreError, s3ClientFor, s3FileStore, type FileStore } from '../../infra/file-store';
import type { Actor } from '../../workflows/messages';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { pdf } from '../support/documents';
import { startTestS3, type TestS3 } from '../support/s3';
import { timeSkippingEnv } from '../support/temporal';

const SECRET = 'files-s3-secret-0123456789abcdef0123456789';
let env: TestWorkflowEnvironment;
let database: TestDatabase;
let s3: TestS3;
let bucket: S3Client;
let incoming: string;
const servers: Server[] = [];
let uploadApi: string;
let downloadApi: string;

async function listen(store: FileStore): Promise<string> {
  // No filesDir: the store is all either instance has.
  const server = createApp({ db: database.db, temporal: env.client, taskQueue: 'files-s3-no-worker', verify: createVerifier({ jwtSecret: SECRET }), fileStore: store }).listen(0, '127.0.0.1');
  servers.push(server);
  await new Promise((r) => server.once('listening', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  [env, database, s3] = await Promise.all([timeSkippingEnv(), createTestDatabase(), startTestS3()]);
  bucket = s3ClientFor(s3.config);
  incoming = await mkdtemp(path.join(tmpdir(), 'liangshan-s3-incoming-'));
  uploadApi = await listen(s3FileStore(s3.config, { incomingDir: incoming }));
  downloadApi = await listen(s3FileStore(s3.config));
});

afterAll(async () => {
  await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  bucket?.destroy();
  await env?.teardown();
  await database?.drop();
  await s3?.close();
  if (incoming) await rm(incoming, { recursive: true, force: true });
});

const applicant: Actor = { sub: 'chishui', role: 'applicant', prefecture: '520300' };
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bearer = async (actor: Actor) => ({ authorization: `Bearer ${await signDevToken(SECRET, actor)}` });

async function upload(base: string, bytes: Buffer, name: string) {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), name);
  const res = await fetch(`${base}/api/files`, { method: 'POST', headers: await bearer(applicant), body: form });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

async function keysInBucket(): Promise<string[]> {
  const listed = await bucket.send(new ListObjectsV2Command({ Bucket: s3.config.bucket }));
  return (listed.Contents ?? []).map((o) => o.Key ?? '').sort();
}

describe('files on S3 (FILES_S3_*)', () => {
  it('stores an upload as one object at its content address; another API instance serves it back', async () => {
    const bytes = pdf(`实施方案 ${randomBytes(4).toString('hex')}`);
    const hash = sha256(bytes);
    const res = await upload(uploadApi, bytes, '实施方案.pdf');
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ sha256: hash, size: bytes.length, contentType: 'application/pdf' });

    const key = `${hash.slice(0, 2)}/${hash}`;
    const head = await bucket.send(new HeadObjectCommand({ Bucket: 'files', Key: key }));
    expect(head).toMatchObject({ ContentLength: bytes.length, ContentType: 'application/pdf' });
    const object = await bucket.send(new GetObjectCommand({ Bucket: 'files', Key: key }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(bytes);
    expect(await database.db.file.findUniqueOrThrow({ where: { id: String(res.body.fileId) } })).toMatchObject({ storagePath: key });
    // Nothing is left on the receiving machine.
    expect(await readdir(incoming)).toEqual([]);

    const download = await fetch(`${downloadApi}/api/files/${String(res.body.fileId)}`, { headers: await bearer(applicant) });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toBe('application/pdf');
    expect(download.headers.get('content-length')).toBe(String(bytes.length));
    expect(Buffer.from(await download.arrayBuffer())).toEqual(bytes);
  });

  it('stores the same bytes once, whichever instance receives them', async () => {
    const bytes = pdf(`同一文件 ${randomBytes(4).toString('hex')}`);
    const before = await keysInBucket();
    const [a, b] = [await upload(uploadApi, bytes, 'a.pdf'), await upload(downloadApi, bytes, 'b.pdf')];
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.body.fileId).not.toBe(b.body.fileId);
    expect(await keysInBucket()).toEqual([...before, `${sha256(bytes).slice(0, 2)}/${sha256(bytes)}`].sort());
  });

  it('refuses a file that is not an accepted type, storing nothing', async () => {
    const before = await keysInBucket();
    const res = await upload(uploadApi, Buffer.from('#!/bin/sh\necho hi\n'), 'run.pdf');
    expect(res.status).toBe(422);
    expect(await keysInBucket()).toEqual(before);
  });

  it('answers 404 when the object is gone from the bucket', async () => {
    const row = await database.db.file.create({ data: { sha256: 'e'.repeat(64), size: 1, contentType: 'application/pdf', originalName: 'gone.pdf', storagePath: `ee/${'e'.repeat(64)}`, uploadedBy: applicant.sub, uploaderRole: 'applicant' } });
    const res = await fetch(`${downloadApi}/api/files/${row.id}`, { headers: await bearer(applicant) });
    expect(res.status).toBe(404);
    expect(((await res.json()) as { error: { message: string } }).error.message).toBe('文件内容已不存在');
  });

  it('answers 503 (try again) when the object store does not answer, recording nothing', async () => {
    const uploaded = await upload(uploadApi, pdf(`先存好的文件 ${randomBytes(4).toString('hex')}`), 'a.pdf');
    expect(uploaded.status).toBe(201);
    const down = await listen(s3FileStore({ ...s3.config, endpoint: `http://127.0.0.1:${await freePort()}` }));
    const files = await database.db.file.count();
    const res = await upload(down, pdf('存储不可用时上传'), 'b.pdf');
    expect(res).toEqual({ status: 503, body: { error: { code: 'unavailable', message: '文件存储暂时不可用，请稍后重试' } } });
    expect(await database.db.file.count()).toBe(files);
    const read = await fetch(`${down}/api/files/${String(uploaded.body.fileId)}`, { headers: await bearer(applicant) });
    expect(read.status).toBe(503);
  });

  it('names the setting to fix when the bucket does not exist or refuses the credentials', async () => {
    await expect(s3FileStore(s3.config).check()).resolves.toBeUndefined();
    await expect(s3FileStore({ ...s3.config, bucket: 'no-such-bucket' }).check()).rejects.toThrow(
      new FileStoreError(`FILES_S3_BUCKET: bucket "no-such-bucket" at ${s3.config.endpoint} (region us-east-1) does not exist; create it, or correct FILES_S3_BUCKET / FILES_S3_ENDPOINT`),
    );
    // s3rver checks the access key id (it does not verify SigV4 signatures, so a wrong secret is not tried here).
    await expect(s3FileStore({ ...s3.config, accessKeyId: 'NOBODY' }).check()).rejects.toThrow(/^FILES_S3_ACCESS_KEY_ID \/ FILES_S3_SECRET_ACCESS_KEY: bucket "files" .* refused the credentials/);
  });

  it('`npm run api` with a missing bucket stops at start with that message and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts'], {
      cwd: path.resolve(import.meta.dirname, '../..'),
      env: {
        ...process.env, ...s3.env, FILES_S3_BUCKET: 'no-such-bucket', PORT: '0', DATABASE_URL: database.url, SMTP_URL: 'smtp://127.0.0.1:1', AUTH_JWT_SECRET: SECRET,
        TEMPORAL_ADDRESS: env.address,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toContain('configuration: FILES_S3_BUCKET: bucket "no-such-bucket"');
    expect(stderr).toContain('does not exist');
  });

  it('checks FILES_S3_* when the configuration is read', () => {
    expect(filesS3({})).toBeUndefined();
    expect(filesS3(s3.env)).toEqual(s3.config);
    expect(filesS3({ FILES_S3_BUCKET: 'files' })).toEqual({ bucket: 'files', region: 'us-east-1', endpoint: undefined, accessKeyId: undefined, secretAccessKey: undefined, forcePathStyle: false });
    expect(() => filesS3({ FILES_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toThrow(new ConfigError('FILES_S3_ENDPOINT set without FILES_S3_BUCKET: set the bucket to store files on S3, or unset them to keep FILES_DIR'));
    expect(() => filesS3({ FILES_S3_BUCKET: 'Files_Bucket' })).toThrow(/FILES_S3_BUCKET must be a bucket name/);
    expect(() => filesS3({ FILES_S3_BUCKET: 'files', FILES_S3_ACCESS_KEY_ID: 'k' })).toThrow(/set both FILES_S3_ACCESS_KEY_ID and FILES_S3_SECRET_ACCESS_KEY/);
    expect(() => filesS3({ FILES_S3_BUCKET: 'files', FILES_S3_ENDPOINT: 'oss.example' })).toThrow(/FILES_S3_ENDPOINT must be/);
    expect(() => filesS3({ FILES_S3_BUCKET: 'files', FILES_S3_FORCE_PATH_STYLE: 'maybe' })).toThrow('FILES_S3_FORCE_PATH_STYLE must be true or false, got "maybe"');
  });
});
