import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailure, s3AuthError } from '../auth/auth-errors.js';
import { ServiceError } from '../errors/service-error.js';
import { ANONYMOUS, type RootCaller } from '../identity/caller.js';
import { createJsonProtocol } from './json-protocol.js';
import { toJsonProtocolAuthError } from './json-auth-errors.js';
import { callJson } from './test-client.js';
import type { JsonOperation } from './types.js';

const root: RootCaller = {
  kind: 'Root',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  accessKeyId: 'AKIAEXAMPLE',
};

const echo: JsonOperation = {
  name: 'Echo',
  checks: async (ctx) => [{ action: 'test:Echo', resource: '*', resourceAccount: ctx.accountId, context: {} }],
  handler: async ({ input }) => ({
    Name: input.requiredString('Name', { min: 1, max: 5, pattern: '[a-z]+' }),
    Count: input.optionalInt('Count', { min: 1, max: 20 }),
    Kind: input.optionalString('Kind', { enum: ['A', 'B'] }),
    At: new Date(1_500_000_000_500),
  }),
};
const nothing: JsonOperation = { name: 'Nothing', checks: async () => [], handler: async () => undefined };
const denied: JsonOperation = {
  name: 'Denied',
  checks: async () => [],
  handler: async () => {
    throw new ServiceError('AccessDenied', 'no', 403);
  },
};
const broken: JsonOperation = {
  name: 'Broken',
  checks: async () => [],
  handler: async () => {
    throw new Error('boom');
  },
};

const adapter = createJsonProtocol({
  service: 'test',
  targetPrefix: 'TestService20200101',
  operations: [echo, nothing, denied, broken],
});
const T = (op: string) => `TestService20200101.${op}`;

test('routes on X-Amz-Target, renders JSON with epoch-second timestamps and the request id', async () => {
  const r = await callJson(adapter, root, T('Echo'), { Name: 'abc', Count: 3 });
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, { Name: 'abc', Count: 3, At: 1_500_000_000.5 });
  assert.equal(r.headers['content-type'], 'application/x-amz-json-1.1');
  assert.equal(r.headers['x-amzn-requestid'], 'REQ-1');
  assert.deepEqual(
    r.checks.map((c) => c.action),
    ['test:Echo'],
  );
});

test('an operation without output answers 200 with an empty body; no body at all reads as {}', async () => {
  const r = await callJson(adapter, root, T('Nothing'), {}, { body: '' });
  assert.equal(r.status, 200);
  assert.equal(r.body, '');
});

test('unknown targets, prefixes and methods are UnknownOperationException', async () => {
  assert.equal((await callJson(adapter, root, T('Nope'))).errorCode, 'UnknownOperationException');
  assert.equal((await callJson(adapter, root, 'OtherService.Echo')).errorCode, 'UnknownOperationException');
  assert.equal((await callJson(adapter, root, 'Echo')).errorCode, 'UnknownOperationException');
  const get = await callJson(adapter, root, T('Echo'), { Name: 'a' }, { method: 'GET' });
  assert.equal(get.errorCode, 'UnknownOperationException');
  assert.equal(get.status, 400);
});

test('malformed JSON, a non-object body and a wrongly typed member are SerializationException', async () => {
  assert.equal(
    (await callJson(adapter, root, T('Echo'), {}, { body: '{"Name":' })).errorCode,
    'SerializationException',
  );
  assert.equal((await callJson(adapter, root, T('Echo'), {}, { body: '[1]' })).errorCode, 'SerializationException');
  assert.equal((await callJson(adapter, root, T('Echo'), { Name: 5 })).errorCode, 'SerializationException');
  assert.equal(
    (await callJson(adapter, root, T('Echo'), { Name: 'a', Count: '3' })).errorCode,
    'SerializationException',
  );
});

test('model constraints: ValidationException by default, the service mapping when given', async () => {
  for (const input of [
    {},
    { Name: '' },
    { Name: 'abcdef' },
    { Name: 'ABC' },
    { Name: 'a', Count: 0 },
    { Name: 'a', Kind: 'C' },
  ]) {
    const r = await callJson(adapter, root, T('Echo'), input);
    assert.equal(r.errorCode, 'ValidationException', JSON.stringify(input));
    assert.equal(r.status, 400);
  }
  const custom = createJsonProtocol({
    service: 'test',
    targetPrefix: 'TestService20200101',
    operations: [echo],
    invalidInput: (p) => new ServiceError('InvalidInputException', p.constraint, 400, { fields: { Reason: p.reason } }),
  });
  const r = await callJson(custom, root, T('Echo'), { Name: 'ABC' });
  assert.equal(r.errorCode, 'InvalidInputException');
  assert.equal(r.json.Reason, 'INVALID_PATTERN');
  assert.equal((await callJson(custom, root, T('Echo'), {})).json.Reason, 'INPUT_REQUIRED');
});

test('anonymous callers get MissingAuthenticationTokenException (403) before routing', async () => {
  const r = await callJson(adapter, ANONYMOUS, T('Nope'));
  assert.equal(r.errorCode, 'MissingAuthenticationTokenException');
  assert.equal(r.status, 403);
});

test("the pipeline's AccessDenied is rendered AccessDeniedException (400); other errors become the internal code", async () => {
  const r = await callJson(adapter, root, T('Denied'));
  assert.deepEqual([r.errorCode, r.status, r.json.Message], ['AccessDeniedException', 400, 'no']);
  const b = await callJson(adapter, root, T('Broken'));
  assert.deepEqual([b.errorCode, b.status], ['InternalFailure', 500]);
  const orgs = createJsonProtocol({
    service: 'test',
    targetPrefix: 'TestService20200101',
    operations: [broken],
    internalErrorCode: 'ServiceException',
  });
  assert.equal((await callJson(orgs, root, T('Broken'))).errorCode, 'ServiceException');
});

test('request bodies past the limit are refused', async () => {
  const small = createJsonProtocol({
    service: 'test',
    targetPrefix: 'TestService20200101',
    operations: [echo],
    maxBodyBytes: 16,
  });
  const r = await callJson(small, root, T('Echo'), { Name: 'abcdefghijklmnopqrstuvwxyz' });
  assert.equal(r.status, 413);
});

test('authentication failures are mapped to the JSON services codes', () => {
  const cases: Array<[ConstructorParameters<typeof AuthFailure>[0], string, number]> = [
    ['unknown-key', 'UnrecognizedClientException', 400],
    ['inactive-key', 'UnrecognizedClientException', 400],
    ['bad-token', 'UnrecognizedClientException', 400],
    ['expired-token', 'ExpiredTokenException', 400],
    ['signature-mismatch', 'InvalidSignatureException', 400],
    ['wrong-region', 'InvalidSignatureException', 400],
    ['skewed', 'InvalidSignatureException', 400],
    ['missing-date', 'IncompleteSignatureException', 400],
    ['malformed-authorization', 'IncompleteSignatureException', 400],
  ];
  for (const [reason, code, status] of cases) {
    const e = toJsonProtocolAuthError(
      s3AuthError('AccessDenied', new AuthFailure(reason, { service: 'organizations' })),
    );
    assert.deepEqual([e.code, e.status], [code, status], reason);
  }
  const plain = new ServiceError('Whatever', 'x', 400);
  assert.equal(toJsonProtocolAuthError(plain), plain);
  assert.equal(adapter.authError, toJsonProtocolAuthError);
});
