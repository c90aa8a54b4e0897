import { execFileSync } from 'node:child_process';
import { sccacheConfigFile } from '../../../src/orchestration/sccache-remote';
import { SccacheRemoteSchema } from '../../../src/schema/pins-schema';

describe('the sccache-config secret', () => {
  const remote = SccacheRemoteSchema.parse({ bucket: 'dynamo-ci-sccache', region: 'us-west-2', endpoint: 'https://s3.example', use_ssl: true, cache_size: '20G' });

  it('gives each architecture its own key prefix', () => {
    const amd = sccacheConfigFile(remote, 'linux/amd64').toString();
    const arm = sccacheConfigFile(remote, 'linux/arm64').toString();
    expect(amd).toContain("SCCACHE_S3_KEY_PREFIX='sccache/amd64'");
    expect(arm).toContain("SCCACHE_S3_KEY_PREFIX='sccache/arm64'");
    expect(amd).toContain("SCCACHE_BUCKET='dynamo-ci-sccache'");
    expect(amd).toContain("SCCACHE_REGION='us-west-2'");
    expect(amd).toContain("SCCACHE_S3_USE_SSL='true'");
    expect(amd).not.toContain('SCCACHE_S3_SERVER_SIDE_ENCRYPTION');
  });

  it('is shell that /bin/sh sources to exactly the configured values (quotes survive)', () => {
    const odd = SccacheRemoteSchema.parse({ bucket: 'b-1', endpoint: "http://x/it's", key_prefix: 'ci/dynamo/' });
    const file = sccacheConfigFile(odd, 'linux/arm64').toString();
    const out = execFileSync('sh', ['-c', `eval "$CONFIG"; printf '%s|%s' "$SCCACHE_ENDPOINT" "$SCCACHE_S3_KEY_PREFIX"`], { env: { CONFIG: file } }).toString();
    expect(out).toBe("http://x/it's|ci/dynamo/arm64");
  });

  it('rejects what is not a bucket name', () => {
    expect(SccacheRemoteSchema.safeParse({ bucket: 'Not A Bucket' }).success).toBe(false);
  });
});
