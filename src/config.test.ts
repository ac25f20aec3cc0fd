import assert from 'node:assert/strict';
import { availableParallelism } from 'node:os';
import { describe, it } from 'node:test';
import { ConfigError, parseServerConfig } from './config.js';

describe('parseServerConfig --workers', () => {
  it('serves from one process unless told otherwise', () => {
    assert.equal(parseServerConfig([], {}).workers, 1);
  });

  it('takes a count, auto (one per CPU), from the flag or STRONGBOX_WORKERS, the flag winning', () => {
    assert.equal(parseServerConfig(['--workers', '3'], {}).workers, 3);
    assert.equal(parseServerConfig(['--workers=auto'], {}).workers, Math.min(availableParallelism(), 64));
    assert.equal(parseServerConfig([], { STRONGBOX_WORKERS: '2' }).workers, 2);
    assert.equal(parseServerConfig(['--workers', '4'], { STRONGBOX_WORKERS: '2' }).workers, 4);
  });

  it('refuses what is not a whole number from 1 to 64', () => {
    for (const bad of ['0', '-1', '1.5', 'two', '', '65']) {
      assert.throws(() => parseServerConfig(['--workers', bad], {}), ConfigError, `--workers ${JSON.stringify(bad)}`);
    }
  });
});

describe('parseServerConfig --io-buffer-mib', () => {
  it('bounds the direct-I/O buffers: 32 MiB unless told otherwise, 0 for none, the flag winning over the variable', () => {
    const MiB = 1024 * 1024;
    assert.equal(parseServerConfig([], {}).ioBufferBytes, 32 * MiB);
    assert.equal(parseServerConfig([], { STRONGBOX_IO_BUFFER_MIB: '8' }).ioBufferBytes, 8 * MiB);
    assert.equal(parseServerConfig(['--io-buffer-mib', '0'], { STRONGBOX_IO_BUFFER_MIB: '8' }).ioBufferBytes, 0);
    assert.throws(() => parseServerConfig(['--io-buffer-mib', '1.5'], {}), ConfigError);
  });

  it('sizes the metadata caches: 32 MiB unless told otherwise, at least 1', () => {
    const MiB = 1024 * 1024;
    assert.equal(parseServerConfig([], {}).metadataCacheBytes, 32 * MiB);
    assert.equal(parseServerConfig(['--metadata-cache-mib', '128'], { STRONGBOX_METADATA_CACHE_MIB: '8' }).metadataCacheBytes, 128 * MiB);
    assert.throws(() => parseServerConfig(['--metadata-cache-mib', '0'], {}), ConfigError);
  });
});

describe('parseServerConfig trusted proxies', () => {
  it('trusts no proxy unless told, and reads X-Forwarded-For by default', () => {
    const c = parseServerConfig([], {});
    assert.deepEqual(c.trustedProxies, []);
    assert.equal(c.forwardedHeader, 'x-forwarded-for');
  });

  it('takes repeated --trusted-proxy flags, or STRONGBOX_TRUSTED_PROXIES comma-separated; flags win', () => {
    const env = { STRONGBOX_TRUSTED_PROXIES: '10.0.0.0/8, 192.168.1.1' };
    assert.deepEqual(parseServerConfig([], env).trustedProxies, ['10.0.0.0/8', '192.168.1.1']);
    const flags = ['--trusted-proxy', '127.0.0.1', '--trusted-proxy=2001:db8::/32'];
    assert.deepEqual(parseServerConfig(flags, env).trustedProxies, ['127.0.0.1', '2001:db8::/32']);
  });

  it('refuses what is not an address or CIDR block', () => {
    for (const bad of ['10.0.0.0/33', 'proxy.local', '10.0.0', '']) {
      assert.throws(() => parseServerConfig(['--trusted-proxy', bad], {}), ConfigError, bad);
    }
  });

  it('reads the Forwarded header when told, nothing else', () => {
    assert.equal(parseServerConfig(['--forwarded-header', 'Forwarded'], {}).forwardedHeader, 'forwarded');
    const fromEnv = parseServerConfig([], { STRONGBOX_FORWARDED_HEADER: 'Forwarded' });
    assert.equal(fromEnv.forwardedHeader, 'forwarded');
    assert.throws(() => parseServerConfig(['--forwarded-header', 'x-real-ip'], {}), ConfigError);
  });
});

describe('parseServerConfig network endpoints', () => {
  it('maps client CIDRs to a VPC endpoint id and optionally a VPC id, in the order given', () => {
    const flags = ['--network-endpoint', '10.1.0.0/16=vpce-1a2b3c4d,vpc-111bbb22'];
    const c = parseServerConfig([...flags, '--network-endpoint=10.0.0.0/8=vpce-0123456789abcdef0'], {});
    assert.deepEqual(c.networkEndpoints, [
      { cidr: '10.1.0.0/16', vpceId: 'vpce-1a2b3c4d', vpcId: 'vpc-111bbb22' },
      { cidr: '10.0.0.0/8', vpceId: 'vpce-0123456789abcdef0' },
    ]);
  });

  it('reads STRONGBOX_NETWORK_ENDPOINTS separated by semicolons or spaces; flags replace it', () => {
    const env = { STRONGBOX_NETWORK_ENDPOINTS: '10.1.0.0/16=vpce-1a2b3c4d,vpc-111bbb22; 2001:db8::/32=vpce-11112222' };
    assert.deepEqual(parseServerConfig([], env).networkEndpoints, [
      { cidr: '10.1.0.0/16', vpceId: 'vpce-1a2b3c4d', vpcId: 'vpc-111bbb22' },
      { cidr: '2001:db8::/32', vpceId: 'vpce-11112222' },
    ]);
    const flags = ['--network-endpoint', '127.0.0.1/32=vpce-aaaabbbb'];
    const fromFlags = parseServerConfig(flags, env).networkEndpoints;
    assert.deepEqual(fromFlags, [{ cidr: '127.0.0.1/32', vpceId: 'vpce-aaaabbbb' }]);
  });

  it('refuses malformed entries at start', () => {
    const bad = [
      '10.1.0.0/16',
      '10.1.0.0/16=',
      '10.1.0.0/40=vpce-1a2b3c4d',
      'office=vpce-1a2b3c4d',
      '10.1.0.0/16=vpc-111bbb22',
      '10.1.0.0/16=vpce-1A2B3C4D',
      '10.1.0.0/16=vpce-1a2b3c',
      '10.1.0.0/16=vpce-1a2b3c4d,vpce-1a2b3c4d',
      '10.1.0.0/16=vpce-1a2b3c4d,vpc-111bbb22,extra',
    ];
    for (const spec of bad) assert.throws(() => parseServerConfig(['--network-endpoint', spec], {}), ConfigError, spec);
  });

  it('refuses a block mapped twice', () => {
    const flags = [
      '--network-endpoint', '10.1.0.0/16=vpce-1a2b3c4d',
      '--network-endpoint', '10.1.0.0/16=vpce-2a2b3c4d',
    ];
    assert.throws(() => parseServerConfig(flags, {}), ConfigError);
  });
});

describe('parseServerConfig TLS listener', () => {
  it('has none unless told', () => {
    assert.equal(parseServerConfig([], {}).tls, undefined);
  });

  it('takes its address, certificate and key from flags or STRONGBOX_TLS_*', () => {
    const flags = ['--tls-address', '0.0.0.0:9443', '--tls-cert', '/etc/sb/cert.pem', '--tls-key', '/etc/sb/key.pem'];
    const expected = { host: '0.0.0.0', port: 9443, certFile: '/etc/sb/cert.pem', keyFile: '/etc/sb/key.pem' };
    assert.deepEqual(parseServerConfig(flags, {}).tls, expected);
    const env = { STRONGBOX_TLS_ADDRESS: '[::1]:9443', STRONGBOX_TLS_CERT: 'c.pem', STRONGBOX_TLS_KEY: 'k.pem' };
    assert.deepEqual(parseServerConfig([], env).tls, { host: '::1', port: 9443, certFile: 'c.pem', keyFile: 'k.pem' });
  });

  it('refuses a partial setting, a bad address, or the plain listener address', () => {
    assert.throws(() => parseServerConfig(['--tls-address', '127.0.0.1:9443'], {}), ConfigError);
    assert.throws(() => parseServerConfig(['--tls-cert', 'c.pem', '--tls-key', 'k.pem'], {}), ConfigError);
    const files = ['--tls-cert', 'c.pem', '--tls-key', 'k.pem'];
    assert.throws(() => parseServerConfig(['--tls-address', '9443', ...files], {}), ConfigError);
    assert.throws(() => parseServerConfig(['--tls-address', '127.0.0.1:9000', ...files], {}), ConfigError);
  });
});

describe('parseServerConfig lifecycle day', () => {
  it("is AWS's day unless told; --lifecycle-day-seconds or STRONGBOX_LIFECYCLE_DAY_SECONDS, the flag winning", () => {
    assert.equal(parseServerConfig([], {}).lifecycleDaySeconds, undefined);
    assert.equal(parseServerConfig(['--lifecycle-day-seconds', '2'], { STRONGBOX_LIFECYCLE_DAY_SECONDS: '5' }).lifecycleDaySeconds, 2);
    assert.equal(parseServerConfig([], { STRONGBOX_LIFECYCLE_DAY_SECONDS: '5' }).lifecycleDaySeconds, 5);
    for (const bad of ['0', '1.5', 'x', '86401']) {
      assert.throws(() => parseServerConfig(['--lifecycle-day-seconds', bad], {}), ConfigError);
    }
  });
});

describe('parseServerConfig SSE keys', () => {
  const key = Buffer.alloc(32, 7).toString('base64');
  it('the data directory key unless STRONGBOX_SSE_KEY or --sse-key-file (STRONGBOX_SSE_KEY_FILE) names others; not both', () => {
    assert.deepEqual(parseServerConfig([], {}).sseKeys, { kind: 'default' });
    assert.deepEqual(parseServerConfig(['--sse-key-file', '/keys/sse'], {}).sseKeys, { kind: 'file', path: '/keys/sse' });
    assert.deepEqual(parseServerConfig([], { STRONGBOX_SSE_KEY_FILE: '/k' }).sseKeys, { kind: 'file', path: '/k' });
    assert.deepEqual(parseServerConfig([], { STRONGBOX_SSE_KEY: `${key}, ${key}` }).sseKeys, { kind: 'env', keys: [Buffer.alloc(32, 7), Buffer.alloc(32, 7)] });
    assert.throws(() => parseServerConfig(['--sse-key-file', '/k'], { STRONGBOX_SSE_KEY: key }), ConfigError);
    assert.throws(() => parseServerConfig([], { STRONGBOX_SSE_KEY: 'c2hvcnQ=' }), ConfigError);
  });
});

describe('parseServerConfig regions', () => {
  it('serves every commercial region by default, the default region among them', () => {
    const c = parseServerConfig([], {});
    assert.equal(c.region, 'us-east-1');
    assert.ok(c.regions.includes('us-west-1') && c.regions.includes('eu-west-1') && c.regions.includes('ap-southeast-7'));
  });
  it('takes --regions or STRONGBOX_REGIONS, adds the default region, refuses a name that is not a region', () => {
    assert.deepEqual(parseServerConfig(['--regions', 'eu-west-1,eu-central-1', '--region', 'eu-north-1'], {}).regions,
      ['eu-west-1', 'eu-central-1', 'eu-north-1']);
    assert.deepEqual(parseServerConfig([], { STRONGBOX_REGIONS: 'us-west-2 us-east-1' }).regions, ['us-west-2', 'us-east-1']);
    assert.throws(() => parseServerConfig(['--regions', 'us-west-2,Mars'], {}), ConfigError);
  });
});

describe('parseServerConfig --allow-sigv2', () => {
  it('is off by default; on with the flag or STRONGBOX_ALLOW_SIGV2=1/true; a bad variable is refused', () => {
    assert.equal(parseServerConfig([], {}).allowSigV2, false);
    assert.equal(parseServerConfig(['--allow-sigv2'], {}).allowSigV2, true);
    assert.equal(parseServerConfig([], { STRONGBOX_ALLOW_SIGV2: '1' }).allowSigV2, true);
    assert.equal(parseServerConfig([], { STRONGBOX_ALLOW_SIGV2: 'TRUE' }).allowSigV2, true);
    assert.equal(parseServerConfig([], { STRONGBOX_ALLOW_SIGV2: '0' }).allowSigV2, false);
    const flagOverVariable = parseServerConfig(['--allow-sigv2', '--region', 'eu-west-1'], { STRONGBOX_ALLOW_SIGV2: 'false' });
    assert.equal(flagOverVariable.allowSigV2, true);
    assert.throws(() => parseServerConfig([], { STRONGBOX_ALLOW_SIGV2: 'maybe' }), ConfigError);
  });
});
