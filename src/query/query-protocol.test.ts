import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createQueryProtocol } from './query-protocol.js';
import { QueryParams } from './params.js';
import { callQuery } from './test-client.js';
import { ServiceError } from '../errors/service-error.js';
import type { RootCaller } from '../identity/caller.js';
import { getCallerIdentity, STS_VERSION, STS_XMLNS } from '../sts/sts-protocol.js';
import { ANONYMOUS } from '../identity/caller.js';

const ROOT: RootCaller = { kind: 'Root', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:root', accessKeyId: 'AKIAEXAMPLE' };

const echo = createQueryProtocol({
  service: 'iam',
  version: '2010-05-08',
  xmlns: 'https://iam.amazonaws.com/doc/2010-05-08/',
  operations: [
    {
      name: 'Echo',
      checks: async (ctx) => [{ action: 'iam:Echo', resource: '*', resourceAccount: undefined, context: { n: ctx.params.get('N') ?? '' } }],
      handler: async (ctx) => ({
        Tags: { member: (ctx.params.structList('Tags') ?? []).map((t) => ({ Key: t.get('Key') ?? '', Value: t.get('Value') ?? '' })) },
        Names: { member: ctx.params.list('Names') ?? [] },
      }),
    },
    { name: 'Nothing', checks: async () => [], handler: async () => undefined },
    { name: 'Fail', checks: async () => [], handler: async () => { throw new ServiceError('NoSuchEntity', 'gone', 404); } },
    { name: 'Crash', checks: async () => [], handler: async () => { throw new Error('boom'); } },
  ],
});

test('flattened lists and nested structures', () => {
  const p = QueryParams.fromEntries([
    ['Tags.member.2.Key', 'b'], ['Tags.member.1.Key', 'a'], ['Tags.member.1.Value', '1'],
    ['PolicyInputList.member.1', 'x'], ['PolicyInputList.member.2', 'y'], ['PolicyInputList.member.4', 'gap'],
    ['ContextEntries.member.1.ContextKeyValues.member.1', 'v1'], ['ContextEntries.member.1.ContextKeyName', 'aws:SourceIp'],
  ]);
  assert.deepEqual(p.structList('Tags')?.map((t) => [t.get('Key'), t.get('Value')]), [['a', '1'], ['b', undefined]]);
  assert.deepEqual(p.list('PolicyInputList'), ['x', 'y']);
  const ce = p.structList('ContextEntries') ?? [];
  assert.deepEqual(ce[0].list('ContextKeyValues'), ['v1']);
  assert.equal(ce[0].get('ContextKeyName'), 'aws:SourceIp');
  assert.equal(p.list('Missing'), undefined);
  assert.equal(ce[0].memberPath('ContextKeyName'), 'contextEntries.1.contextKeyName');
});

test('success is rendered as <XResponse><XResult>…</XResult><ResponseMetadata>', async () => {
  const r = await callQuery(echo, ROOT, { Action: 'Echo', Version: '2010-05-08', N: '7', 'Tags.member.1.Key': 'k', 'Tags.member.1.Value': 'v', 'Names.member.1': 'a&b' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['content-type'], 'text/xml');
  assert.equal(r.headers['x-amzn-requestid'], 'REQ-1');
  assert.match(r.body, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<EchoResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><EchoResult><Tags><member><Key>k<\/Key><Value>v<\/Value><\/member><\/Tags><Names><member>a&amp;b<\/member><\/Names><\/EchoResult><ResponseMetadata><RequestId>REQ-1<\/RequestId><\/ResponseMetadata><\/EchoResponse>$/);
  assert.equal(r.checks[0].context.n, '7');
});

test('GET with a query string works; operations without output have no Result element', async () => {
  const r = await callQuery(echo, ROOT, { Action: 'Nothing', Version: '2010-05-08' }, { method: 'GET' });
  assert.equal(r.status, 200);
  assert.ok(!r.body.includes('NothingResult'));
  assert.ok(r.body.includes('<NothingResponse xmlns='));
});

test('errors: ErrorResponse with Type/Code/Message and RequestId; unknown action, wrong version, anonymous, internal', async () => {
  const e = await callQuery(echo, ROOT, { Action: 'Fail', Version: '2010-05-08' });
  assert.equal(e.status, 404);
  assert.match(e.body, /<ErrorResponse xmlns="https:\/\/iam.amazonaws.com\/doc\/2010-05-08\/"><Error><Type>Sender<\/Type><Code>NoSuchEntity<\/Code><Message>gone<\/Message><\/Error><RequestId>REQ-1<\/RequestId><\/ErrorResponse>/);
  assert.equal((await callQuery(echo, ROOT, { Action: 'Nope', Version: '2010-05-08' })).errorCode, 'InvalidAction');
  assert.equal((await callQuery(echo, ROOT, { Action: 'Echo', Version: '2011-06-15' })).errorCode, 'InvalidAction');
  assert.equal((await callQuery(echo, ROOT, { Version: '2010-05-08' })).errorCode, 'MissingAction');
  assert.equal((await callQuery(echo, ANONYMOUS, { Action: 'Echo', Version: '2010-05-08' })).status, 403);
  const crash = await callQuery(echo, ROOT, { Action: 'Crash', Version: '2010-05-08' });
  assert.equal(crash.status, 500);
  assert.equal(crash.errorCode, 'InternalFailure');
  assert.ok(crash.body.includes('<Type>Receiver</Type>'));
  assert.ok(!crash.body.includes('boom'));
});

test('STS GetCallerIdentity: AWS values for root and users, and no authorization checks', async () => {
  const sts = createQueryProtocol({ service: 'sts', version: STS_VERSION, xmlns: STS_XMLNS, operations: [getCallerIdentity] });
  const root = await callQuery(sts, ROOT, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
  assert.equal(root.checks.length, 0);
  assert.deepEqual((root.xml.GetCallerIdentityResponse as Record<string, unknown>).GetCallerIdentityResult, { UserId: '123456789012', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:root' });
  assert.ok(root.body.includes('xmlns="https://sts.amazonaws.com/doc/2011-06-15/"'));
  const user = await callQuery(sts, { kind: 'User', accountId: '123456789012', arn: 'arn:aws:iam::123456789012:user/dev/alice', userId: 'AIDAEXAMPLEEXAMPLEEXA', userName: 'alice', path: '/dev/', accessKeyId: 'AKIAX' }, { Action: 'GetCallerIdentity', Version: '2011-06-15' });
  assert.deepEqual((user.xml.GetCallerIdentityResponse as Record<string, unknown>).GetCallerIdentityResult, { UserId: 'AIDAEXAMPLEEXAMPLEEXA', Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/dev/alice' });
});
