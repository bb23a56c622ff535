import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import S3rver from "s3rver";

/** A local S3-compatible server (s3rver) on 127.0.0.1, a random port and a temp folder, with one bucket. */
export interface TestS3 {
  endpoint: string;
  bucket: string;
  /** The credentials s3rver accepts (it checks the signature against them). */
  env: Record<string, string>;
  close(): Promise<void>;
}

export async function startTestS3(bucket = "reelgraph-media"): Promise<TestS3> {
  const directory = mkdtempSync(join(tmpdir(), "rg-s3-"));
  const server = new S3rver({ address: "127.0.0.1", port: 0, directory, silent: true, configureBuckets: [{ name: bucket, configs: [] }] });
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    env: { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER", AWS_REGION: "us-east-1" },
    async close() {
      await server.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
