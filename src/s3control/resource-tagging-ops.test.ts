/**
 * S3 Control's TagResource, UntagResource and ListTagsForResource on general purpose buckets, driven
 * through the adapter (routing, checks, handlers, rendering) over an in-memory bucket store, and their
 * checks through the real policy authorizer (bucket policy, aws:RequestTag, aws:ResourceTag with ABAC).
 * The real server and the aws CLI: test/integration/s3control-tagging.test.ts.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { PolicyAuthorizer } from '../authz/policy-authorizer.js';
import { UNSIGNED_FACTS, type AuthenticationResult, type RawRequest } from '../auth/types.js';
import { createIdentityPolicyLoader, resolveManaged } from '../iam/identity-policies.js';
import { loadAwsManagedPolicies } from '../iam/aws-managed/catalog.js';
import { openMemoryIamStore } from '../iam/store/memory-store.js';
import type { Caller } from '../identity/caller.js';
import { S3_IAM_ACTIONS } from '../policy/s3-actions.js';
import { routeAndRender, type RenderedCall } from '../server/testing/route-and-render.js';
import type { RequestInfo } from '../server/protocol.js';
import { newBucketRecord } from '../storage/new-bucket.js';
import type { BucketConfigChange, BucketRecord } from '../storage/ports.js';
import { addTags, parseTagResourceRequest, queryValues, removeTags } from './resource-tagging-ops.js';
import { createS3ControlProtocol, matchRequestUri } from './s3control-protocol.js';

const OWNER = '111122223333';
const OTHER = '444455556666';
const THIRD = '777788889999';
const XMLNS = 'http://awss3control.amazonaws.com/doc/2018-08-20/';
const rootOf = (accountId: string): Caller => ({
  kind: 'Root',
  accountId,
  arn: `arn:aws:iam::${accountId}:root`,
  accessKeyId: `AKIA${accountId}0000`,
});
const ROOT = rootOf(OWNER);
const OTHER_ROOT = rootOf(OTHER);
const INFO: RequestInfo = {
  requestId: 'REQ0000000000002',
  receivedAt: new Date(),
  sourceIp: '127.0.0.1',
  secureTransport: false,
  userAgent: undefined,
  referer: undefined,
  region: 'us-east-1',
};

/** The path botocore sends: the ARN percent-encoded but for `/` (its greedy-label rule). */
const tagsPath = (arn: string) => `/v20180820/tags/${encodeURIComponent(arn).replace(/%2F/g, '/')}`;
const tagDocument = (tags: readonly (readonly [string, string])[]) =>
  `<TagResourceRequest xmlns="${XMLNS}"><Tags>` +
  tags.map(([k, v]) => `<Tag><Key>${k}</Key><Value>${v}</Value></Tag>`).join('') +
  '</Tags></TagResourceRequest>';

function codeOf(r: RenderedCall): string {
  return /<Code>([^<]+)<\/Code>/.exec(r.body)?.[1] ?? `status ${r.status}`;
}

function errorCode(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
  return 'no error';
}

/** An in-memory bucket store (the port's two methods these operations use). */
class Buckets {
  readonly records = new Map<string, BucketRecord>();
  add(name: string, over: Partial<BucketRecord> = {}): void {
    const record = newBucketRecord({ name, ownerAccountId: OWNER, region: 'us-east-1', createdAt: new Date(0) });
    this.records.set(name, { ...record, ...over });
  }
  getBucket = async (name: string) => this.records.get(name);
  updateBucketConfig = async (name: string, change: BucketConfigChange) => {
    const b = this.records.get(name);
    if (b === undefined) return false;
    const next: { -readonly [K in keyof BucketRecord]: BucketRecord[K] } = { ...b };
    const tags = typeof change.tags === 'function' ? change.tags(b.tags ?? []) : change.tags;
    if (tags === null || tags?.length === 0) delete next.tags;
    else if (tags !== undefined) next.tags = tags;
    if (change.abac !== undefined) next.abac = change.abac;
    this.records.set(name, next);
    return true;
  };
}

function bed() {
  const buckets = new Buckets();
  const store = openMemoryIamStore();
  const adapter = createS3ControlProtocol({
    store,
    accountPublicAccessBlocks: {
      effective: async () => undefined,
      state: async () => ({ effective: undefined, managedByOrganization: false }),
      close: () => {},
    },
    buckets,
  });
  const call = (
    method: string,
    opts: { arn?: string; path?: string; query?: string; body?: string; caller?: Caller; account?: string } = {},
  ) => {
    const raw: RawRequest = {
      method,
      rawPath: opts.path ?? tagsPath(opts.arn ?? 'arn:aws:s3:::b'),
      rawQuery: opts.query ?? '',
      headers: { host: '127.0.0.1', 'x-amz-account-id': opts.account ?? OWNER },
      rawHeaders: [],
    };
    const body = opts.body ?? '';
    const auth: AuthenticationResult = {
      caller: opts.caller ?? ROOT,
      service: 's3',
      region: 'us-east-1',
      facts: UNSIGNED_FACTS,
      body: Readable.from(body === '' ? [] : [Buffer.from(body)]),
      trailers: () => ({}),
      decodedContentLength: body.length,
    };
    return routeAndRender(adapter, raw, auth, INFO);
  };
  const tagsOf = (name: string) => buckets.records.get(name)?.tags;
  return { buckets, store, call, tagsOf };
}

describe('S3 Control resource tagging of general purpose buckets', () => {
  it('TagResource adds and updates in place, UntagResource removes, ListTagsForResource lists', async () => {
    const t = bed();
    t.buckets.add('b');
    const listed = await t.call('GET');
    assert.equal(listed.status, 200);
    const empty = `<ListTagsForResourceResult xmlns="${XMLNS}"><Tags></Tags></ListTagsForResourceResult>`;
    assert.ok(listed.body.includes(empty), listed.body);

    const tagged = await t.call('POST', { body: tagDocument([['team', 'blue'], ['env', 'dev']]) });
    assert.equal(tagged.status, 204);
    assert.equal(tagged.body, '');
    assert.deepEqual(t.tagsOf('b'), [['team', 'blue'], ['env', 'dev']]);
    await t.call('POST', { body: tagDocument([['env', 'prod'], ['cost', '']]) });
    assert.deepEqual(t.tagsOf('b'), [['team', 'blue'], ['env', 'prod'], ['cost', '']]);
    const got = await t.call('GET');
    const expected =
      '<Tags><Tag><Key>team</Key><Value>blue</Value></Tag><Tag><Key>env</Key><Value>prod</Value></Tag>' +
      '<Tag><Key>cost</Key><Value></Value></Tag></Tags>';
    assert.ok(got.body.includes(expected), got.body);

    const untagged = await t.call('DELETE', { query: 'tagKeys=env&tagKeys=missing' });
    assert.equal(untagged.status, 204);
    assert.deepEqual(t.tagsOf('b'), [['team', 'blue'], ['cost', '']]);
    await t.call('DELETE', { query: 'tagKeys=team&tagKeys=cost' });
    assert.equal(t.tagsOf('b'), undefined, 'no tag left: the tag set is deleted');
  });

  it('works whatever the ABAC status; an ABAC bucket keeps aws:ResourceTag in every check', async () => {
    const t = bed();
    t.buckets.add('b', { abac: 'Enabled', tags: [['team', 'red']] });
    const r = await t.call('POST', { body: tagDocument([['team', 'blue'], ['env', 'dev']]) });
    assert.equal(r.status, 204);
    assert.deepEqual(r.checks, [
      {
        action: 's3:TagResource',
        resource: 'arn:aws:s3:::b',
        resourceAccount: OWNER,
        bucket: 'b',
        context: {
          'aws:ResourceTag/team': 'red',
          'aws:TagKeys': ['team', 'env'],
          'aws:RequestTag/team': 'blue',
          'aws:RequestTag/env': 'dev',
        },
      },
    ]);
    const untag = await t.call('DELETE', { query: 'tagKeys=team&tagKeys=a%20b' });
    assert.deepEqual(untag.checks[0].context, {
      'aws:ResourceTag/team': 'blue',
      'aws:ResourceTag/env': 'dev',
      'aws:TagKeys': ['team', 'a b'],
    });
    assert.equal(untag.checks[0].action, 's3:UntagResource');
    const list = await t.call('GET');
    assert.equal(list.checks[0].action, 's3:ListTagsForResource');
    assert.deepEqual(list.checks[0].context, { 'aws:ResourceTag/env': 'dev' });
  });

  it("the bucket policy is the check's resource policy, with Block Public Access", async () => {
    const t = bed();
    const statement = { Effect: 'Allow', Principal: '*', Action: 's3:ListTagsForResource', Resource: 'arn:aws:s3:::p' };
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
    t.buckets.add('p', { policy: { document, revision: 3 }, publicAccessBlock: undefined });
    const r = await t.call('GET', { arn: 'arn:aws:s3:::p' });
    assert.deepEqual(r.checks[0].resourcePolicy, { type: 'Resource', id: 'bucket:p#3', document });
    // A public policy with Block Public Access's RestrictPublicBuckets (a new bucket's default).
    t.buckets.add('q', { policy: { document, revision: 1 } });
    const restricted = await t.call('GET', { arn: 'arn:aws:s3:::q' });
    assert.equal(restricted.checks[0].resourcePolicy?.restrictPublic, true);
  });

  it('refusals: tag rules and the 50-tag limit as PutBucketTagging, malformed documents, missing buckets', async () => {
    const t = bed();
    t.buckets.add('b', { tags: Array.from({ length: 49 }, (_, i) => [`k${i}`, 'v'] as const) });
    assert.equal(codeOf(await t.call('POST', { body: tagDocument([['aws:team', 'x']]) })), 'InvalidTag');
    assert.equal(codeOf(await t.call('POST', { body: tagDocument([['a', '1'], ['a', '2']]) })), 'InvalidTag');
    assert.equal(codeOf(await t.call('POST', { body: tagDocument([['k'.repeat(129), '1']]) })), 'InvalidTag');
    const tooMany = await t.call('POST', { body: tagDocument([['k0', 'new'], ['x', '1'], ['y', '2']]) });
    assert.equal(tooMany.status, 400);
    assert.equal(codeOf(tooMany), 'BadRequest');
    assert.equal(t.tagsOf('b')?.length, 49, 'nothing written');
    assert.equal((await t.call('POST', { body: tagDocument([['k0', 'new'], ['x', '1']]) })).status, 204);
    assert.equal(t.tagsOf('b')?.length, 50);

    assert.equal(codeOf(await t.call('POST', { body: '<TagResourceRequest/>' })), 'MalformedXML');
    assert.equal(codeOf(await t.call('POST', { body: '<Tagging><TagSet/></Tagging>' })), 'MalformedXML');
    assert.equal(codeOf(await t.call('DELETE', { query: 'tagKeys=' })), 'InvalidTag');
    const missing = await t.call('GET', { arn: 'arn:aws:s3:::nope' });
    assert.equal(missing.status, 404);
    assert.equal(codeOf(missing), 'NoSuchBucket');
    assert.ok(missing.body.includes('<BucketName>nope</BucketName>'));
  });

  it('ARNs and accounts: a bucket ARN only; x-amz-account-id names the owner or the requester', async () => {
    const t = bed();
    t.buckets.add('b');
    assert.equal(codeOf(await t.call('GET', { arn: 'arn:aws:s3:::b/key' })), 'InvalidRequest');
    assert.equal(codeOf(await t.call('GET', { arn: 'arn:aws:iam::111122223333:user/x' })), 'InvalidRequest');
    const accessPoint = `arn:aws:s3:us-east-1:${OWNER}:accesspoint/ap`;
    assert.equal(codeOf(await t.call('GET', { arn: accessPoint })), 'NotImplemented');
    assert.equal(codeOf(await t.call('GET', { arn: accessPoint, caller: OTHER_ROOT })), 'AccessDenied');
    assert.equal(codeOf(await t.call('GET', { path: '/v20180820/tags/arn%3Aaws%ZZ' })), 'InvalidRequest');
    assert.equal(codeOf(await t.call('GET', { path: '/v20180820/tags/' })), 'NotImplemented');
    assert.equal(codeOf(await t.call('PUT')), 'MethodNotAllowed');
    // The owner's account or the requester's; a third one is refused before authorization.
    assert.equal((await t.call('GET', { caller: OTHER_ROOT, account: OWNER })).status, 200);
    assert.equal((await t.call('GET', { caller: OTHER_ROOT, account: OTHER })).status, 200);
    assert.equal(codeOf(await t.call('GET', { caller: OTHER_ROOT, account: THIRD })), 'AccessDenied');
  });

  it('the policy authorizer: a bucket policy grants another account; aws:RequestTag, aws:ResourceTag', async () => {
    const t = bed();
    for (const id of [OWNER, OTHER]) await t.store.accounts.create(id, { isManagement: false });
    const statement = (effect: string, action: string, condition: Record<string, unknown>) => ({
      Effect: effect,
      Principal: { AWS: effect === 'Allow' ? `arn:aws:iam::${OTHER}:root` : '*' },
      Action: action,
      Resource: 'arn:aws:s3:::b',
      Condition: condition,
    });
    const document = JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        statement('Allow', 's3:TagResource', { StringEquals: { 'aws:RequestTag/team': 'blue' } }),
        statement('Deny', 's3:ListTagsForResource', { StringEquals: { 'aws:ResourceTag/team': 'red' } }),
      ],
    });
    t.buckets.add('b', { policy: { document, revision: 1 }, tags: [['team', 'red']] });
    const awsManaged = loadAwsManagedPolicies();
    const authorizer = new PolicyAuthorizer({
      sources: {
        identity: createIdentityPolicyLoader({ store: t.store, awsManaged }),
        managedPolicy: (arn) => resolveManaged(t.store, arn, awsManaged),
      },
    });
    const decide = async (caller: Caller, method: string, body = '') => {
      const r = await t.call(method, { caller, body });
      const auth = { caller, facts: UNSIGNED_FACTS } as AuthenticationResult;
      return (await authorizer.authorize(caller, r.checks, INFO, auth)).decision;
    };
    assert.equal(await decide(OTHER_ROOT, 'POST', tagDocument([['team', 'blue']])), 'Allow');
    assert.equal(await decide(OTHER_ROOT, 'POST', tagDocument([['team', 'green']])), 'ImplicitDeny');
    assert.equal(await decide(OTHER_ROOT, 'GET'), 'ImplicitDeny');
    // routeAndRender runs every handler (it does not authorize): the tags are team=blue now.
    await t.buckets.updateBucketConfig('b', { tags: [['team', 'red']] });
    // aws:ResourceTag counts only while ABAC is Enabled.
    assert.equal(await decide(ROOT, 'GET'), 'Allow');
    await t.buckets.updateBucketConfig('b', { abac: 'Enabled' });
    assert.equal(await decide(ROOT, 'GET'), 'ExplicitDeny');
  });
});

describe('resource tagging documents and tag sets', () => {
  it('parseTagResourceRequest: Tags required, Tag needs Key and Value, nothing else', () => {
    assert.deepEqual(parseTagResourceRequest(tagDocument([['a', '1']])), [['a', '1']]);
    assert.deepEqual(parseTagResourceRequest('<TagResourceRequest><Tags/></TagResourceRequest>'), []);
    const bad = [
      '<TagResourceRequest></TagResourceRequest>',
      '<TagResourceRequest><Tags><Tag><Key>a</Key></Tag></Tags></TagResourceRequest>',
      '<TagResourceRequest><Tags><Tag><Key>a</Key><Value/><Other/></Tag></Tags></TagResourceRequest>',
      '<TagResourceRequest><Tags/><Tags/></TagResourceRequest>',
      '<TagResourceRequest><Tags/><Extra/></TagResourceRequest>',
      'not xml',
    ];
    for (const text of bad) assert.equal(errorCode(() => parseTagResourceRequest(text)), 'MalformedXML', text);
  });

  it('addTags and removeTags', () => {
    assert.deepEqual(addTags([['a', '1'], ['b', '2']], [['b', ''], ['c', '3']]), [['a', '1'], ['b', ''], ['c', '3']]);
    assert.deepEqual(addTags([], []), []);
    assert.equal(errorCode(() => addTags([], [['aws:x', '1']])), 'InvalidTag');
    const fifty = Array.from({ length: 50 }, (_, i) => [`k${i}`, 'v'] as const);
    assert.equal(addTags(fifty, [['k1', 'w']]).length, 50);
    assert.equal(errorCode(() => addTags(fifty, [['new', 'w']])), 'BadRequest');
    assert.deepEqual(removeTags([['a', '1'], ['b', '2']], ['b', 'zz']), [['a', '1']]);
    assert.equal(errorCode(() => removeTags([], ['k'.repeat(129)])), 'InvalidTag');
  });

  it('queryValues: every value of a repeated parameter, form-decoded; others ignored', () => {
    assert.deepEqual(queryValues('tagKeys=a&x=1&tagKeys=b%2Bc&tagKeys=d+e&tagKeysX=f', 'tagKeys'), ['a', 'b+c', 'd e']);
    assert.deepEqual(queryValues('', 'tagKeys'), []);
    assert.equal(errorCode(() => queryValues('tagKeys=%E0', 'tagKeys')), 'InvalidRequest');
  });

  it('the actions are bucket actions for bucket policies (validation: s3-policy-rules.ts)', () => {
    for (const action of ['s3:TagResource', 's3:UntagResource', 's3:ListTagsForResource']) {
      assert.equal(S3_IAM_ACTIONS.get(action), 'bucket', action);
    }
  });

  it('matchRequestUri: exact paths, and a greedy label that matches a non-empty rest', () => {
    const exact = '/v20180820/configuration/publicAccessBlock';
    assert.equal(matchRequestUri(exact, exact), '');
    assert.equal(matchRequestUri(exact, '/v20180820/configuration/x'), undefined);
    const uri = '/v20180820/tags/{resourceArn+}';
    assert.equal(matchRequestUri(uri, '/v20180820/tags/arn%3Aaws%3As3%3A%3A%3Ab'), 'arn%3Aaws%3As3%3A%3A%3Ab');
    assert.equal(matchRequestUri(uri, '/v20180820/tags/a/b'), 'a/b');
    assert.equal(matchRequestUri(uri, '/v20180820/tags/'), undefined);
    assert.equal(matchRequestUri(uri, '/v20180820/tagsx'), undefined);
  });
});
