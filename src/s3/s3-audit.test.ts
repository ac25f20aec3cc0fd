import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { observedAccesses } from '../auditor/policy-generation/observed-access.js';
import { s3Event } from '../auditor/policy-generation/policy-generation-test-support.js';
import { AUTHORIZING_HEADERS, s3RequestParameters } from './s3-audit.js';

function parametersOf(o: {
  bucket?: string;
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}): Record<string, unknown> {
  const headers: Record<string, string> = { host: '127.0.0.1:9000', ...o.headers };
  return s3RequestParameters({
    target: { bucket: o.bucket, key: o.key, style: 'path' },
    query: new Map(Object.entries(o.query ?? {})),
    header: (name) => headers[name],
  });
}

describe('s3RequestParameters', () => {
  it('records bucketName, Host, key and the query as before', () => {
    assert.deepEqual(parametersOf({ bucket: 'b', key: 'k', query: { versionId: 'v1' } }), {
      bucketName: 'b',
      Host: '127.0.0.1:9000',
      key: 'k',
      versionId: 'v1',
    });
    assert.deepEqual(parametersOf({}), { Host: '127.0.0.1:9000' });
  });

  it('records each header that adds or switches checks, under its name, as sent', () => {
    const headers = Object.fromEntries(AUTHORIZING_HEADERS.map((h, i) => [h, `value-${i}`]));
    const recorded = parametersOf({
      bucket: 'b',
      key: 'k',
      headers: { ...headers, 'x-amz-server-side-encryption-customer-key': 'secret', 'content-type': 'text/plain' },
    });
    for (const [i, h] of AUTHORIZING_HEADERS.entries()) assert.equal(recorded[h], `value-${i}`, h);
    assert.equal(recorded['x-amz-server-side-encryption-customer-key'], undefined, 'no other header');
    assert.equal(recorded['content-type'], undefined);
    assert.equal(Object.keys(recorded).length, 3 + AUTHORIZING_HEADERS.length);
  });

  it('lets policy generation see the source of a copy and the ACL of a write', () => {
    const copy = s3Event('CopyObject', {
      bucket: 'dst',
      key: 'to',
      params: parametersOf({ bucket: 'dst', key: 'to', headers: { 'x-amz-copy-source': '/src/from%20here' } }),
    });
    assert.ok(
      observedAccesses(copy).some((a) => a.action === 's3:GetObject' && a.resource === 'arn:aws:s3:::src/from here'),
      JSON.stringify(observedAccesses(copy)),
    );
    const put = s3Event('PutObject', {
      bucket: 'b',
      key: 'k',
      params: parametersOf({ bucket: 'b', key: 'k', headers: { 'x-amz-acl': 'public-read', 'x-amz-tagging': 'a=1' } }),
    });
    const actions = observedAccesses(put).map((a) => a.action);
    for (const action of ['s3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging']) {
      assert.ok(actions.includes(action), `${action} in ${actions.join(', ')}`);
    }
  });
});
