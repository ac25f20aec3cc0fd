/**
 * Network-scoped access end to end: aws:SourceIp from the socket's peer or, only from a trusted
 * proxy, from X-Forwarded-For / Forwarded; aws:SourceVpce, aws:SourceVpc and aws:VpcSourceIp from
 * named network endpoints (`--network-endpoint`); aws:SecureTransport and s3:TlsVersion on the TLS
 * listener only. The conditions sit in IAM identity policies (the same condition keys a bucket
 * policy reads), created through the real IAM API; S3 calls from the AWS SDK v3 and the aws CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent, get as httpsGet } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CreateBucketCommand, ListObjectsV2Command, PutBucketPolicyCommand } from '@aws-sdk/client-s3';
import { S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { CreateAccessKeyCommand, CreateUserCommand, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { clientEnv, iamClient, run, s3Client, startServer, uniqueName } from './harness.js';
import type { Credentials, ProcessResult, TestServer } from './harness.js';

type Statement = Record<string, unknown>;
type Condition = Record<string, Record<string, string | string[]>>;

const VPCE = 'vpce-1a2b3c4d';
const VPC = 'vpc-111bbb22';
const hasOpenssl = (() => {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();
const needsOpenssl = { skip: !hasOpenssl && 'openssl is not installed' };

/** Everything allowed, then denied when `condition` holds (AWS's documented pattern: deny unless …). */
function denyWhen(condition: Condition): Statement[] {
  return [
    { Effect: 'Allow', Action: 's3:*', Resource: '*' },
    { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: condition },
  ];
}

async function userWith(server: TestServer, statements: Statement[]): Promise<Credentials> {
  const iam = iamClient(server);
  try {
    const name = uniqueName('net');
    await iam.send(new CreateUserCommand({ UserName: name }));
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: statements });
    await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'network', PolicyDocument: doc }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
    assert.ok(key?.AccessKeyId && key.SecretAccessKey);
    return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
  } finally {
    iam.destroy();
  }
}

interface ClientOptions {
  /** Headers added to every request (a forged or a proxy's forwarding header). */
  readonly headers?: Record<string, string>;
  /** The TLS listener, trusting `ca`. */
  readonly tls?: { readonly endpoint: string; readonly ca: Buffer };
}

/** An SDK client; each request on a new connection, so a server with workers spreads them. */
function clientFor(server: TestServer, creds: Credentials, opts: ClientOptions = {}): S3Client {
  const s3 = new S3Client({
    endpoint: opts.tls?.endpoint ?? server.endpoint,
    region: server.region,
    credentials: creds,
    forcePathStyle: true,
    maxAttempts: 1,
    requestHandler: opts.tls
      ? { httpsAgent: new HttpsAgent({ ca: opts.tls.ca, keepAlive: false }) }
      : { httpAgent: new HttpAgent({ keepAlive: false }) },
  });
  const headers = opts.headers ?? {};
  s3.middlewareStack.add(
    (next) => async (args) => {
      const request = args.request as { headers: Record<string, string> };
      Object.assign(request.headers, headers);
      return next(args);
    },
    { step: 'build', name: 'forwardingHeaders' },
  );
  return s3;
}

/** `Allowed`, or the error code ListObjectsV2 fails with, for a new client with `opts`. */
function outcome(server: TestServer, creds: Credentials, bucket: string, opts: ClientOptions = {}): Promise<string> {
  return listOutcome(clientFor(server, creds, opts), bucket);
}

/** `aws s3api list-objects-v2` against `endpoint` (the plain one unless given). */
function awsList(
  server: TestServer,
  creds: Credentials,
  bucket: string,
  opts: { endpoint?: string; caBundle?: string } = {},
): Promise<ProcessResult> {
  const tls = opts.caBundle ? ['--ca-bundle', opts.caBundle] : [];
  const endpoint = opts.endpoint ?? server.endpoint;
  const args = ['--endpoint-url', endpoint, ...tls, 's3api', 'list-objects-v2', '--bucket', bucket];
  return run(process.env.STRONGBOX_TEST_AWS ?? 'aws', args, { env: clientEnv(server, creds) });
}

/** A self-signed certificate for 127.0.0.1 (and its key) in `dir`, made by openssl. */
function selfSignedCertificate(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const args = ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1'];
  const subject = ['-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync('openssl', [...args, '-keyout', key, '-out', cert, ...subject], { stdio: 'ignore' });
  return { cert, key };
}

async function listOutcome(s3: S3Client, bucket: string): Promise<string> {
  try {
    await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    return 'Allowed';
  } catch (e) {
    if (e instanceof S3ServiceException) return e.name;
    throw e;
  } finally {
    s3.destroy();
  }
}

async function newBucket(server: TestServer): Promise<string> {
  const bucket = uniqueName('net');
  const root = s3Client(server);
  await root.send(new CreateBucketCommand({ Bucket: bucket }));
  root.destroy();
  return bucket;
}

/** A bucket whose policy denies everyone (its owner too) unless `condition` fails: AWS's documented shape. */
async function bucketDenyingWhen(server: TestServer, condition: Condition): Promise<string> {
  const bucket = await newBucket(server);
  const resource = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`];
  const statement = { Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: resource, Condition: condition };
  const root = s3Client(server);
  const policy = JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  await root.send(new PutBucketPolicyCommand({ Bucket: bucket, Policy: policy }));
  root.destroy();
  return bucket;
}

/** The TLS endpoint the `listening` line names. */
function tlsEndpointOf(server: TestServer): string {
  const m = /"tlsEndpoint":"([^"]+)"[^\n]*"msg":"listening"/.exec(server.logs());
  assert.ok(m, `no tlsEndpoint in:\n${server.logs()}`);
  return m[1];
}

/** The request log lines, once the batching destination wrote the one matching `pattern`. */
async function logLineMatching(server: TestServer, pattern: RegExp): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const line = server.logs().split('\n').find((l) => pattern.test(l));
    if (line) return line;
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.fail(`no log line matching ${pattern}`);
}

describe('aws:SourceIp and forwarding headers', () => {
  let direct: TestServer;
  let proxied: TestServer;
  before(async () => {
    [direct, proxied] = await Promise.all([
      startServer(),
      startServer({ extraArgs: ['--trusted-proxy', '127.0.0.1', '--network-endpoint', `10.1.0.0/16=${VPCE},${VPC}`] }),
    ]);
  });
  after(async () => {
    await Promise.all([direct?.stop(), proxied?.stop()]);
  });

  test('an IP-restricted policy allows the client address and denies others', async () => {
    const bucket = await newBucket(direct);
    const localOnly = await userWith(direct, denyWhen({ NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } }));
    const elsewhere = await userWith(direct, denyWhen({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }));
    assert.equal(await outcome(direct, localOnly, bucket), 'Allowed');
    assert.equal(await outcome(direct, elsewhere, bucket), 'AccessDenied');
  });

  test('X-Forwarded-For and Forwarded from a peer that is not a trusted proxy are ignored', async () => {
    const bucket = await newBucket(direct);
    const creds = await userWith(direct, denyWhen({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }));
    const forged = { 'x-forwarded-for': '203.0.113.7', forwarded: 'for=203.0.113.7' };
    assert.equal(await outcome(direct, creds, bucket, { headers: forged }), 'AccessDenied');
    await logLineMatching(direct, /"operation":"ListObjectsV2"[^\n]*"decision":"ExplicitDeny"/);
    assert.doesNotMatch(direct.logs(), /203\.0\.113\.7|"peer"/);
  });

  test('a trusted proxy names the client; the chain is walked from the right', async () => {
    const bucket = await newBucket(proxied);
    const creds = await userWith(proxied, denyWhen({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }));
    const via = (xff?: string) => outcome(proxied, creds, bucket, { headers: xff ? { 'x-forwarded-for': xff } : {} });
    assert.equal(await via('203.0.113.7'), 'Allowed');
    assert.equal(await via(undefined), 'AccessDenied', 'no header: the proxy itself is the client');
    assert.equal(await via('198.51.100.9, 203.0.113.7'), 'Allowed', 'what the client wrote on the left is not read');
    assert.equal(await via('203.0.113.7, 198.51.100.9'), 'AccessDenied', 'a forged address on the left');
    assert.equal(await via('203.0.113.7, 127.0.0.1'), 'Allowed', 'trusted hops are skipped');
    assert.equal(await via('not-an-address'), 'AccessDenied', 'a malformed header leaves the peer');
    assert.equal(await via('203.0.113.7, unknown'), 'AccessDenied', 'a malformed hop leaves the peer');
    // Only the configured header (X-Forwarded-For by default) is read.
    const viaForwarded = clientFor(proxied, creds, { headers: { forwarded: 'for=203.0.113.7' } });
    assert.equal(await listOutcome(viaForwarded, bucket), 'AccessDenied');
    const line = await logLineMatching(proxied, /"sourceIp":"203\.0\.113\.7"/);
    assert.match(line, /"peer":"127\.0\.0\.1"/, 'the log line keeps the socket peer');
  });

  test('bucket policies: an IP-restricted one and a SourceVpce one, each allowing and denying', async () => {
    const byIp = await bucketDenyingWhen(proxied, { NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } });
    const byVpce = await bucketDenyingWhen(proxied, { StringNotEquals: { 'aws:SourceVpce': VPCE } });
    const from = (ip: string) => ({ headers: { 'x-forwarded-for': ip } });
    assert.equal(await outcome(proxied, proxied.root, byIp, from('203.0.113.7')), 'Allowed');
    assert.equal(await outcome(proxied, proxied.root, byIp, from('198.51.100.9')), 'AccessDenied');
    assert.equal(await outcome(proxied, proxied.root, byVpce, from('10.1.2.3')), 'Allowed');
    assert.equal(await outcome(proxied, proxied.root, byVpce, from('10.2.2.3')), 'AccessDenied');
  });

  test('a forwarded client inside a named network endpoint arrives through it', async () => {
    const bucket = await newBucket(proxied);
    const creds = await userWith(proxied, denyWhen({ StringNotEquals: { 'aws:SourceVpce': VPCE } }));
    assert.equal(await outcome(proxied, creds, bucket, { headers: { 'x-forwarded-for': '10.1.2.3' } }), 'Allowed');
    assert.equal(await outcome(proxied, creds, bucket, { headers: { 'x-forwarded-for': '10.2.2.3' } }), 'AccessDenied');
  });
});

describe('aws:SourceVpce and aws:SourceVpc from named network endpoints', () => {
  let mapped: TestServer;
  let unmapped: TestServer;
  before(async () => {
    [mapped, unmapped] = await Promise.all([
      startServer({ env: { STRONGBOX_NETWORK_ENDPOINTS: `127.0.0.1/32=${VPCE},${VPC}` } }),
      startServer(),
    ]);
  });
  after(async () => {
    await Promise.all([mapped?.stop(), unmapped?.stop()]);
  });

  test('a SourceVpce policy allows requests through the endpoint and denies the others (aws CLI)', async () => {
    const policy = denyWhen({ StringNotEquals: { 'aws:SourceVpce': VPCE } });
    for (const [server, expected] of [[mapped, 'Allowed'], [unmapped, 'AccessDenied']] as const) {
      const bucket = await newBucket(server);
      const creds = await userWith(server, policy);
      const r = await awsList(server, creds, bucket);
      // The aws CLI exits 254 (v2) or 255 (v1) for a service error.
      if (expected === 'Allowed') assert.equal(r.code, 0, r.stderr);
      else assert.match(r.stderr, /\(AccessDenied\)/);
    }
  });

  test('through an endpoint: aws:SourceVpc and aws:VpcSourceIp, and no aws:SourceIp (as on AWS)', async () => {
    const bucket = await newBucket(mapped);
    const byVpc = await userWith(mapped, denyWhen({ StringNotEquals: { 'aws:SourceVpc': VPC } }));
    const byVpcIp = await userWith(mapped, denyWhen({ NotIpAddress: { 'aws:VpcSourceIp': '127.0.0.1/32' } }));
    const bySourceIp = await userWith(mapped, denyWhen({ NotIpAddress: { 'aws:SourceIp': '127.0.0.1/32' } }));
    assert.equal(await outcome(mapped, byVpc, bucket), 'Allowed');
    assert.equal(await outcome(mapped, byVpcIp, bucket), 'Allowed');
    assert.equal(await outcome(mapped, bySourceIp, bucket), 'AccessDenied');
    const other = await newBucket(unmapped);
    const bySourceIpThere = await userWith(unmapped, denyWhen({ NotIpAddress: { 'aws:SourceIp': '127.0.0.1/32' } }));
    assert.equal(await outcome(unmapped, bySourceIpThere, other), 'Allowed');
  });
});

describe('aws:SecureTransport on the TLS listener', needsOpenssl, () => {
  let dir: string;
  let certFile: string;
  let ca: Buffer;
  let server: TestServer;
  let tlsEndpoint: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strongbox-tls-'));
    // The clients below are told to trust this certificate.
    const { cert, key } = selfSignedCertificate(dir);
    certFile = cert;
    ca = readFileSync(cert);
    server = await startServer({ extraArgs: ['--tls-address', '127.0.0.1:0', '--tls-cert', cert, '--tls-key', key] });
    tlsEndpoint = tlsEndpointOf(server);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('a policy requiring secure transport denies the plain listener and allows the TLS one', async () => {
    const bucket = await newBucket(server);
    const creds = await userWith(server, denyWhen({ Bool: { 'aws:SecureTransport': 'false' } }));
    assert.equal(await outcome(server, creds, bucket), 'AccessDenied');
    assert.equal(await outcome(server, creds, bucket, { tls: { endpoint: tlsEndpoint, ca } }), 'Allowed');
    const r = await awsList(server, creds, bucket, { endpoint: tlsEndpoint, caBundle: certFile });
    assert.equal(r.code, 0, r.stderr);
    assert.match((await awsList(server, creds, bucket)).stderr, /\(AccessDenied\)/);
  });

  test("AWS's bucket policy that requires TLS allows the TLS listener only", async () => {
    const bucket = await bucketDenyingWhen(server, { Bool: { 'aws:SecureTransport': 'false' } });
    assert.equal(await outcome(server, server.root, bucket), 'AccessDenied');
    assert.equal(await outcome(server, server.root, bucket, { tls: { endpoint: tlsEndpoint, ca } }), 'Allowed');
  });

  test('s3:TlsVersion is set on the TLS listener only', async () => {
    const bucket = await newBucket(server);
    const condition = { NumericGreaterThanEquals: { 's3:TlsVersion': '1.2' } };
    const creds = await userWith(server, [
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*', Condition: condition },
    ]);
    assert.equal(await outcome(server, creds, bucket, { tls: { endpoint: tlsEndpoint, ca } }), 'Allowed');
    assert.equal(await outcome(server, creds, bucket), 'AccessDenied');
  });

  test('answers health probes like the plain listener', async () => {
    const res = await fetchTls(`${tlsEndpoint}/health/ready`, ca);
    assert.deepEqual(res, { status: 200, body: '{"status":"ok"}' });
  });
});

describe('the TLS listener and a trusted proxy with --workers 2', needsOpenssl, () => {
  let dir: string;
  let ca: Buffer;
  let server: TestServer;
  let tlsEndpoint: string;
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'strongbox-tls-'));
    const { cert, key } = selfSignedCertificate(dir);
    ca = readFileSync(cert);
    server = await startServer({
      extraArgs: ['--workers', '2', '--trusted-proxy', '127.0.0.1', '--forwarded-header', 'forwarded'],
      env: { STRONGBOX_TLS_ADDRESS: '127.0.0.1:0', STRONGBOX_TLS_CERT: cert, STRONGBOX_TLS_KEY: key },
    });
    tlsEndpoint = tlsEndpointOf(server);
  });
  after(async () => {
    await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test('every worker serves TLS and reads the Forwarded header of the trusted proxy', async () => {
    const bucket = await newBucket(server);
    const creds = await userWith(server, [
      ...denyWhen({ Bool: { 'aws:SecureTransport': 'false' } }),
      ...denyWhen({ NotIpAddress: { 'aws:SourceIp': '203.0.113.0/24' } }).slice(1),
    ]);
    const tls = { endpoint: tlsEndpoint, ca };
    // Four requests on four connections: the primary hands them to both workers in turn.
    const prefixes = new Set<string>();
    for (let i = 0; i < 4; i++) {
      const s3 = clientFor(server, creds, { tls, headers: { forwarded: 'for="203.0.113.7:4711";proto=https' } });
      const out = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      s3.destroy();
      prefixes.add(out.$metadata.requestId?.slice(0, 8) ?? '');
    }
    assert.equal(prefixes.size, 2, 'both workers served');
    const xff = { 'x-forwarded-for': '203.0.113.7' };
    assert.equal(await outcome(server, creds, bucket, { tls, headers: xff }), 'AccessDenied', 'other header');
    assert.equal(await outcome(server, creds, bucket, { headers: { forwarded: 'for=203.0.113.7' } }), 'AccessDenied');
  });
});

function fetchTls(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const agent = new HttpsAgent({ ca, keepAlive: false });
    httpsGet(url, { agent }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}
