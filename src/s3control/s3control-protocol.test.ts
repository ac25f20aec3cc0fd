/**
 * The S3 Control adapter driven directly (routing, checks, handlers, rendering), the account state
 * loader, and how `withS3Control` tells S3 Control requests from S3's. The real server, the CLI and
 * boto3 through the proxy: test/integration/public-access-block.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { PolicyAuthorizer } from '../authz/policy-authorizer.js';
import { UNSIGNED_FACTS, type AuthenticationResult, type RawRequest } from '../auth/types.js';
import { createIdentityPolicyLoader, resolveManaged } from '../iam/identity-policies.js';
import { loadAwsManagedPolicies } from '../iam/aws-managed/catalog.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { IamStore } from '../iam/store/types.js';
import type { Caller } from '../identity/caller.js';
import type { ProtocolAdapter, RequestInfo } from '../server/protocol.js';
import { routeAndRender } from '../server/testing/route-and-render.js';
import { withOrganization } from '../organizations/test-setup.js';
import { createAccountPublicAccessBlocks, type AccountPublicAccessBlocks } from './account-public-access-blocks.js';
import { createS3ControlProtocol } from './s3control-protocol.js';
import { isS3ControlRequest } from './s3control-request.js';
import { withS3Control } from './with-s3-control.js';

const ACCOUNT = '111122223333';
const OTHER = '444455556666';
const PATH = '/v20180820/configuration/publicAccessBlock';
const rootOf = (accountId: string, n: number): Caller => ({
  kind: 'Root',
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  accessKeyId: `AKIAS3CONTROLTEST00${n}`,
});
const ROOT = rootOf(ACCOUNT, 1);
const OTHER_ROOT = rootOf(OTHER, 2);
const ANONYMOUS: Caller = { kind: 'Anonymous' };
const XMLNS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';
const INFO: RequestInfo = {
  requestId: 'REQ0000000000001',
  receivedAt: new Date(),
  sourceIp: '127.0.0.1',
  secureTransport: false,
  userAgent: undefined,
  referer: undefined,
  region: 'us-east-1',
};
const CONFIG = (inner: string) =>
  `<PublicAccessBlockConfiguration xmlns="${XMLNS}">${inner}</PublicAccessBlockConfiguration>`;
/** No bucket exists: these tests are about the account level (resource tagging: resource-tagging-ops.test.ts). */
const NO_BUCKETS = { getBucket: async () => undefined, updateBucketConfig: async () => false };
const NO_SETTINGS = {
  blockPublicAcls: false,
  ignorePublicAcls: false,
  blockPublicPolicy: false,
  restrictPublicBuckets: false,
};

function rawRequest(method: string, path: string, headers: Record<string, string> = {}): RawRequest {
  return { method, rawPath: path, rawQuery: '', headers: { host: '127.0.0.1', ...headers }, rawHeaders: [] };
}

function authOf(caller: Caller, body = ''): AuthenticationResult {
  return {
    caller,
    service: 's3',
    region: 'us-east-1',
    facts: UNSIGNED_FACTS,
    body: Readable.from(body === '' ? [] : [Buffer.from(body)]),
    trailers: () => ({}),
    decodedContentLength: body.length,
  };
}

interface Written {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Routes and runs a request as the pipeline would, minus authorization. */
async function callAdapter(adapter: ProtocolAdapter, raw: RawRequest, auth: AuthenticationResult): Promise<Written> {
  const r = await routeAndRender(adapter, raw, auth, INFO);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k] = String(v);
  return { status: r.status, headers, body: r.body };
}

interface Bed {
  readonly store: IamStore;
  readonly blocks: AccountPublicAccessBlocks;
  readonly adapter: ProtocolAdapter;
  /** Routes and runs a request as `caller`, without authorization (the pipeline's part). */
  call(method: string, opts?: { caller?: Caller; account?: string; body?: string; path?: string }): Promise<Written>;
}

async function bed(): Promise<Bed> {
  const store = openMemoryIamStore();
  await store.accounts.create(ACCOUNT, { isManagement: true });
  const blocks = createAccountPublicAccessBlocks(store);
  const adapter = createS3ControlProtocol({ store, accountPublicAccessBlocks: blocks, buckets: NO_BUCKETS });
  return {
    store,
    blocks,
    adapter,
    async call(method, opts = {}) {
      const raw = rawRequest(method, opts.path ?? PATH, { 'x-amz-account-id': opts.account ?? ACCOUNT });
      return callAdapter(adapter, raw, authOf(opts.caller ?? ROOT, opts.body));
    },
  };
}

test('Put, Get, Delete round trip; Get without a configuration is NoSuchPublicAccessBlockConfiguration', async () => {
  const t = await bed();
  const missing = await t.call('GET');
  assert.equal(missing.status, 404);
  assert.match(missing.body, /^<\?xml[^>]*>\n<ErrorResponse><Error><Code>NoSuchPublicAccessBlockConfiguration<\/Code>/);
  const tail = `<AccountId>${ACCOUNT}</AccountId></Error><RequestId>${INFO.requestId}</RequestId><HostId>`;
  assert.ok(missing.body.includes(tail));

  const put = await t.call('PUT', { body: CONFIG('<BlockPublicPolicy>true</BlockPublicPolicy>') });
  assert.equal(put.status, 200);
  assert.equal(put.body, '');
  const got = await t.call('GET');
  assert.equal(got.status, 200);
  assert.equal(got.headers['content-type'], 'application/xml');
  assert.ok(got.body.includes(`<PublicAccessBlockConfiguration xmlns="${XMLNS}">`));
  assert.ok(
    got.body.includes(
      '<BlockPublicAcls>false</BlockPublicAcls><IgnorePublicAcls>false</IgnorePublicAcls>' +
        '<BlockPublicPolicy>true</BlockPublicPolicy><RestrictPublicBuckets>false</RestrictPublicBuckets>',
    ),
  );
  assert.deepEqual(await t.blocks.effective(ACCOUNT), {
    blockPublicAcls: false,
    ignorePublicAcls: false,
    blockPublicPolicy: true,
    restrictPublicBuckets: false,
  });

  assert.equal((await t.call('DELETE')).status, 200);
  assert.equal((await t.call('DELETE')).status, 200, 'deleting nothing is not an error');
  assert.equal(await t.blocks.effective(ACCOUNT), undefined);
  assert.equal((await t.call('GET')).status, 404);
});

test('a malformed or empty configuration is refused and stores nothing', async () => {
  const t = await bed();
  const empty = await t.call('PUT', { body: CONFIG('') });
  assert.equal(empty.status, 400);
  assert.match(empty.body, /<Code>InvalidRequest<\/Code>/);
  const maybe = await t.call('PUT', { body: CONFIG('<BlockPublicAcls>maybe</BlockPublicAcls>') });
  assert.match(maybe.body, /<Code>MalformedXML<\/Code>/);
  assert.equal(await t.store.settings.getPublicAccessBlock(ACCOUNT), undefined);
});

test('the checks: the account actions on *, with the x-amz-account-id account as the resource account', async () => {
  const t = await bed();
  const checksOf = async (method: string, account = ACCOUNT) => {
    const raw = rawRequest(method, PATH, { 'x-amz-account-id': account });
    return (await t.adapter.route(raw, {} as IncomingMessage, authOf(ROOT), INFO)).checks;
  };
  const check = (action: string, resourceAccount: string) => ({ action, resource: '*', resourceAccount, context: {} });
  assert.deepEqual(await checksOf('PUT'), [check('s3:PutAccountPublicAccessBlock', ACCOUNT)]);
  assert.deepEqual(await checksOf('GET', OTHER), [check('s3:GetAccountPublicAccessBlock', OTHER)]);
  // No delete permission exists (service authorization reference).
  assert.deepEqual((await checksOf('DELETE'))[0].action, 's3:PutAccountPublicAccessBlock');

  // The real authorizer: the account's root is allowed; another account's root is not (no resource policy).
  const awsManaged = loadAwsManagedPolicies();
  const authorizer = new PolicyAuthorizer({
    sources: {
      identity: createIdentityPolicyLoader({ store: t.store, awsManaged }),
      managedPolicy: (arn) => resolveManaged(t.store, arn, awsManaged),
    },
  });
  const decision = async (caller: Caller) =>
    (await authorizer.authorize(caller, await checksOf('GET'), INFO, authOf(caller))).decision;
  assert.equal(await decision(ROOT), 'Allow');
  assert.equal(await decision(OTHER_ROOT), 'ImplicitDeny');
  assert.equal(await decision(ANONYMOUS), 'ImplicitDeny');
});

test('other S3 Control requests: AccessDenied unless the caller acts on its own account', async () => {
  const t = await bed();
  const path = '/v20180820/accesspoint/ap1';
  assert.match((await t.call('GET', { path })).body, /<Code>NotImplemented<\/Code>/);
  assert.equal((await t.call('GET', { path })).status, 501);
  assert.match((await t.call('POST')).body, /<Code>MethodNotAllowed<\/Code>/);
  assert.equal((await t.call('GET', { path, caller: OTHER_ROOT })).status, 403);
  assert.equal((await t.call('POST', { caller: ANONYMOUS })).status, 403);
});

test('the state loader caches per account and drops its cache on the store change feed', async () => {
  const t = await bed();
  assert.deepEqual(await t.blocks.state(ACCOUNT), { effective: undefined, managedByOrganization: false });
  const all = { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true };
  await t.store.settings.putPublicAccessBlock(ACCOUNT, all);
  assert.deepEqual((await t.blocks.state(ACCOUNT)).effective, all);
  // A cached answer is the same object until a change arrives.
  assert.equal(await t.blocks.state(ACCOUNT), await t.blocks.state(ACCOUNT));
  const before = await t.blocks.state(ACCOUNT);
  t.store.pollExternalChanges(); // not shared: no external change, the cache stays
  assert.equal(await t.blocks.state(ACCOUNT), before);
  assert.equal(await t.store.settings.deletePublicAccessBlock(ACCOUNT), true);
  assert.equal((await t.blocks.state(ACCOUNT)).effective, undefined);
  assert.equal(await t.store.settings.deletePublicAccessBlock(ACCOUNT), false);
  t.blocks.close();
});

test('isS3ControlRequest: the path and x-amz-account-id, never the path alone (v20180820 is a bucket name)', () => {
  assert.equal(isS3ControlRequest(rawRequest('GET', PATH, { 'x-amz-account-id': ACCOUNT })), true);
  assert.equal(isS3ControlRequest(rawRequest('GET', PATH)), false);
  assert.equal(isS3ControlRequest(rawRequest('GET', '/v20180820', { 'x-amz-account-id': ACCOUNT })), false);
  assert.equal(isS3ControlRequest(rawRequest('GET', '/bucket/key', { 'x-amz-account-id': ACCOUNT })), false);
});

test('withS3Control sends S3 Control requests and their errors to S3 Control, the rest to S3', async () => {
  const seen: string[] = [];
  const fake = (name: string): ProtocolAdapter => ({
    service: name,
    route: async () => {
      seen.push(`route:${name}`);
      throw new Error('stop');
    },
    errorResponse: () => {
      seen.push(`render:${name}`);
      return { status: 500, headers: {} };
    },
  });
  const both = withS3Control(fake('s3'), fake('s3control'));
  assert.equal(both.service, 's3');
  for (const raw of [rawRequest('GET', PATH, { 'x-amz-account-id': ACCOUNT }), rawRequest('GET', PATH)]) {
    await both.route(raw, {} as IncomingMessage, authOf(ROOT), INFO).catch(() => undefined);
    both.errorResponse(new Error('x'), INFO, raw);
  }
  assert.deepEqual(seen, ['route:s3control', 'render:s3control', 'route:s3', 'render:s3']);
});

test('an organization S3 policy decides the account level; account-level writes refused until detached', async () => {
  const { t: org, rootId } = await withOrganization();
  const store = org.store;
  const account = org.root.accountId;
  const blocks = createAccountPublicAccessBlocks(store);
  const adapter = createS3ControlProtocol({ store, accountPublicAccessBlocks: blocks, buckets: NO_BUCKETS });
  const caller: Caller = { ...org.root };
  const call = async (method: string, body = '') => {
    const raw = rawRequest(method, PATH, { 'x-amz-account-id': account });
    return callAdapter(adapter, raw, authOf(caller, body));
  };
  const own = CONFIG('<BlockPublicAcls>true</BlockPublicAcls>');
  assert.equal((await call('PUT', own)).status, 200);
  await org.ok('EnablePolicyType', { RootId: rootId, PolicyType: 'S3_POLICY' });
  const content = JSON.stringify({ s3_attributes: { public_access_block_configuration: { '@@assign': 'none' } } });
  const created = await org.ok('CreatePolicy', { Name: 'open', Description: '', Type: 'S3_POLICY', Content: content });
  const id = (created.Policy as { PolicySummary: { Id: string } }).PolicySummary.Id;
  await org.ok('AttachPolicy', { PolicyId: id, TargetId: rootId });

  assert.deepEqual(await blocks.state(account), {
    effective: NO_SETTINGS,
    managedByOrganization: true,
  });
  assert.match((await call('GET')).body, /<BlockPublicAcls>false<\/BlockPublicAcls>/);
  const refused = await call('PUT', own);
  assert.equal(refused.status, 403);
  assert.match(refused.body, /<Code>AccessDenied<\/Code>/);
  assert.equal((await call('DELETE')).status, 403);

  // Detached: the account's own settings, kept all along, apply again.
  await org.ok('DetachPolicy', { PolicyId: id, TargetId: rootId });
  assert.deepEqual(await blocks.state(account), {
    effective: { ...NO_SETTINGS, blockPublicAcls: true },
    managedByOrganization: false,
  });
  blocks.close();
});
