// An S3-compatible server for the tests (s3rver, from npm), in this process on
// a free port, with its objects in a temporary folder; the credentials are
// s3rver's fixed pair, which it checks (a wrong key is refused).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import type { FilesS3Config } from '../../infra/config';

export interface TestS3 {
  /** FILES_S3_* as the API reads them from the environment. */
  env: Record<string, string>;
  config: FilesS3Config;
  close(): Promise<void>;
}

export async function startTestS3(bucket = 'files'): Promise<TestS3> {
  const directory = await mkdtemp(path.join(tmpdir(), 'liangshan-s3-'));
  const server = new S3rver({ port: 0, address: '127.0.0.1', directory, silent: true, configureBuckets: [{ name: bucket }] });
  const { port } = await server.run();
  const endpoint = `http://127.0.0.1:${port}`;
  const env = {
    FILES_S3_ENDPOINT: endpoint,
    FILES_S3_BUCKET: bucket,
    FILES_S3_REGION: 'us-east-1',
    FILES_S3_ACCESS_KEY_ID: 'S3RVER',
    FILES_S3_SECRET_ACCESS_KEY: 'S3RVER',
    FILES_S3_FORCE_PATH_STYLE: 'true',
  };
  return {
    env,
    config: { bucket, region: 'us-east-1', endpoint, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true },
    async close() {
      await server.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
