/**
 * SigV2 browser POST forms through `verifyPostPolicy` with `allowSigV2`. The policy is the one of
 * "Upload examples (AWS signature version 2)" (File upload); the page's signature was made with real
 * credentials, so the signature here is the example secret key's, computed by Python's hmac.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/HTTPPOSTExamples.html
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { verifyPostPolicy } from './post-policy.js';
import { isServiceError } from '../errors/service-error.js';
import { FakeCredentials } from './testing/fake-credentials.js';

const AKID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const POLICY = [
  'eyAiZXhwaXJhdGlvbiI6ICIyMDA3LTEyLTAxVDEyOjAwOjAwLjAwMFoiLAogICJjb25kaXRpb25zIjogWwogICAgeyJidWNrZXQi',
  'OiAiam9obnNtaXRoIn0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci9lcmljLyJdLAogICAgeyJhY2wiOiAicHVi',
  'bGljLXJlYWQifSwKICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL2pvaG5zbWl0aC5zMy5hbWF6b25hd3Mu',
  'Y29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwKICAgIFsic3RhcnRzLXdpdGgiLCAiJENvbnRlbnQtVHlwZSIsICJpbWFnZS8i',
  'XSwKICAgIHsieC1hbXotbWV0YS11dWlkIjogIjE0MzY1MTIzNjUxMjc0In0sCiAgICBbInN0YXJ0cy13aXRoIiwgIiR4LWFtei1t',
  'ZXRhLXRhZyIsICIiXQogIF0KfQo=',
].join('');
const FIELDS: Record<string, string> = {
  key: 'user/eric/MyPicture.jpg',
  acl: 'public-read',
  success_action_redirect: 'http://johnsmith.s3.amazonaws.com/successful_upload.html',
  'Content-Type': 'image/jpeg',
  'x-amz-meta-uuid': '14365123651274',
  'x-amz-meta-tag': 'Some,Tag,For,Picture',
  AWSAccessKeyId: AKID,
  Policy: POLICY,
  Signature: 'gp42sMsv4L5xLO0OjT+56V64o+A=',
};
const NOW = new Date('2007-11-14T21:21:33Z');
const creds = () => new FakeCredentials().add({ accessKeyId: AKID, secretAccessKey: SECRET });

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return e.code;
  }
  return 'accepted';
}

test('doc example form: verified, POST facts with signatureversion AWS, conditions enforced', async () => {
  const v = await verifyPostPolicy(FIELDS, creds(), NOW, 'us-east-1', { allowSigV2: true });
  assert.equal(v.caller.kind, 'User');
  assert.equal(v.facts.authType, 'POST');
  assert.equal(v.facts.signatureVersion, 'AWS');
  assert.equal(v.region, undefined);
  // AWSAccessKeyId and Signature need no condition; every other field does.
  v.checkConditions({ fields: FIELDS, contentLength: 117_108, bucket: 'johnsmith' });
  const check = (fields: Record<string, string>, bucket: string) =>
    codeOf(() => v.checkConditions({ fields, contentLength: 1, bucket }));
  assert.equal(await check(FIELDS, 'other'), 'AccessDenied');
  assert.equal(await check({ ...FIELDS, extra: 'x' }, 'johnsmith'), 'AccessDenied');
});

test('errors: signature, unknown key, missing field, expired policy; off: refused as today', async () => {
  const on = (fields: Record<string, string>, options: { credentials?: FakeCredentials; now?: Date } = {}) =>
    codeOf(
      verifyPostPolicy(fields, options.credentials ?? creds(), options.now ?? NOW, 'us-east-1', { allowSigV2: true }),
    );
  assert.equal(await on({ ...FIELDS, Signature: 'AAAAAAAAAAAAAAAAAAAAAAAAAAA=' }), 'SignatureDoesNotMatch');
  assert.equal(await on(FIELDS, { credentials: new FakeCredentials() }), 'InvalidAccessKeyId');
  const { Signature: _s, ...noSignature } = FIELDS;
  assert.equal(await on(noSignature), 'InvalidArgument');
  const { Policy: _p, ...noPolicy } = FIELDS;
  assert.equal(await on(noPolicy), 'InvalidArgument');
  assert.equal(await on(FIELDS, { now: new Date('2007-12-01T12:00:01Z') }), 'AccessDenied');
  assert.equal(await codeOf(verifyPostPolicy(FIELDS, creds(), NOW, 'us-east-1')), 'InvalidRequest');
});

test('the signature error names the policy as the StringToSign', async () => {
  try {
    await verifyPostPolicy({ ...FIELDS, Signature: 'x' }, creds(), NOW, 'us-east-1', { allowSigV2: true });
    assert.fail('accepted');
  } catch (e) {
    assert.ok(isServiceError(e));
    assert.equal(e.fields.StringToSign, POLICY);
    assert.equal(e.fields.AWSAccessKeyId, AKID);
  }
});
