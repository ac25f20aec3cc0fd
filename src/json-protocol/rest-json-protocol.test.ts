import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AuthFailure, s3AuthError } from '../auth/auth-errors.js';
import { ServiceError } from '../errors/service-error.js';
import type { RootCaller } from '../identity/caller.js';
import { validationException } from './json-input.js';
import { createRestJsonProtocol, type RestJsonOperation } from './rest-json-protocol.js';
import { callJson } from './test-client.js';

const root: RootCaller = {
  kind: 'Root',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:root',
  accessKeyId: 'AKIAEXAMPLE',
};

const getThing: RestJsonOperation = {
  name: 'GetThing',
  method: 'GET',
  uri: '/thing/{thingName}/part/{partId}',
  query: { maxResults: { member: 'maxResults', type: 'integer' }, tag: { member: 'tags', type: 'list' } },
  checks: async ({ input }) => [
    {
      action: 'test:GetThing',
      resource: `arn:test:::${input.requiredString('thingName')}`,
      resourceAccount: undefined,
      context: {},
    },
  ],
  handler: async ({ input }) => ({
    thingName: input.requiredString('thingName'),
    partId: input.requiredString('partId'),
    maxResults: input.optionalInt('maxResults', { max: 10 }),
    tags: input.optionalStringList('tags'),
    at: new Date(Date.UTC(2026, 11, 7, 12, 0, 0)),
  }),
};
const putThing: RestJsonOperation = {
  name: 'PutThing',
  method: 'PUT',
  uri: '/thing',
  checks: async () => [],
  handler: async ({ input }) => ({ name: input.requiredString('name', { min: 1 }) }),
};
const failing: RestJsonOperation = {
  name: 'Fail',
  method: 'POST',
  uri: '/fail',
  checks: async () => [],
  handler: async ({ input }) => {
    if (input.has('denied')) throw new ServiceError('AccessDenied', 'no', 403);
    if (input.has('missing'))
      throw new ServiceError('ResourceNotFoundException', 'gone', 404, {
        fields: { resourceId: 'x', resourceType: 'y' },
      });
    throw new Error('boom');
  },
};

const adapter = createRestJsonProtocol({
  service: 'test',
  operations: [getThing, putThing, failing],
  invalidInput: validationException,
  internalErrorCode: 'InternalServerException',
  unknownOperation: () => new ServiceError('UnknownOperationException', '', 404),
});

test('members come from URI labels (decoded), the query string and the body; timestamps are ISO 8601', async () => {
  const r = await callJson(
    adapter,
    root,
    '',
    {},
    {
      method: 'GET',
      rawPath: '/thing/arn%3Aaws%3As3%3A%3A%3Ab%2Fk/part/7',
      rawQuery: 'maxResults=3&tag=a&tag=b&other=1',
    },
  );
  assert.equal(r.status, 200);
  assert.deepEqual(r.json, {
    thingName: 'arn:aws:s3:::b/k',
    partId: '7',
    maxResults: 3,
    tags: ['a', 'b'],
    at: '2026-12-07T12:00:00.000Z',
  });
  assert.equal(r.headers['content-type'], 'application/json');
  assert.deepEqual(
    r.checks.map((c) => c.resource),
    ['arn:test:::arn:aws:s3:::b/k'],
  );
  const body = await callJson(adapter, root, '', { name: 'n' }, { method: 'PUT', rawPath: '/thing' });
  assert.deepEqual(body.json, { name: 'n' });
});

test('errors: the code in x-amzn-ErrorType, {"message"} and the members in the body, the model status', async () => {
  const missing = await callJson(adapter, root, '', { missing: true }, { rawPath: '/fail' });
  assert.deepEqual(
    [missing.status, missing.errorCode, missing.json],
    [404, 'ResourceNotFoundException', { message: 'gone', resourceId: 'x', resourceType: 'y' }],
  );
  const denied = await callJson(adapter, root, '', { denied: true }, { rawPath: '/fail' });
  assert.deepEqual([denied.status, denied.errorCode], [403, 'AccessDeniedException']);
  const boom = await callJson(adapter, root, '', {}, { rawPath: '/fail' });
  assert.deepEqual([boom.status, boom.errorCode], [500, 'InternalServerException']);
  assert.doesNotMatch(boom.body, /boom/, 'no internal detail leaks');
  const bad = await callJson(
    adapter,
    root,
    '',
    {},
    { method: 'GET', rawPath: '/thing/a/part/b', rawQuery: 'maxResults=99' },
  );
  assert.deepEqual([bad.status, bad.errorCode], [400, 'ValidationException']);
  const notInt = await callJson(
    adapter,
    root,
    '',
    {},
    { method: 'GET', rawPath: '/thing/a/part/b', rawQuery: 'maxResults=x' },
  );
  assert.equal(notInt.errorCode, 'SerializationException');
  const badJson = await callJson(adapter, root, '', {}, { method: 'PUT', rawPath: '/thing', body: '{nope' });
  assert.equal(badJson.errorCode, 'SerializationException');
});

test("a method or URI no operation has is the service's unknown-operation error", async () => {
  for (const [method, path] of [
    ['DELETE', '/thing'],
    ['GET', '/thing/a'],
    ['GET', '/thing/a/part/b/c'],
    ['POST', '/'],
  ]) {
    const r = await callJson(adapter, root, '', {}, { method, rawPath: path });
    assert.deepEqual([r.status, r.errorCode], [404, 'UnknownOperationException'], `${method} ${path}`);
  }
});

test("authentication failures keep the JSON services' codes, at 403", () => {
  const mapped = adapter.authError!(s3AuthError('AccessDenied', new AuthFailure('unknown-key', {})));
  assert.deepEqual([mapped.code, mapped.status], ['UnrecognizedClientException', 403]);
});
