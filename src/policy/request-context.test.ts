import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuthFacts } from '../auth/types.js';
import type { Caller } from '../identity/caller.js';
import { authorize } from './authorize.js';
import { parseAndCompilePolicy } from './parse-policy.js';
import { buildRequestContext, principalFromCaller } from './request-context.js';

const user: Caller = {
  kind: 'User',
  accountId: '111122223333',
  arn: 'arn:aws:iam::111122223333:user/alice',
  userId: 'AIDAALICE',
  userName: 'alice',
  path: '/',
  accessKeyId: 'AKIAEXAMPLE',
};
const role: Caller = {
  kind: 'AssumedRole',
  accountId: '111122223333',
  arn: 'arn:aws:sts::111122223333:assumed-role/app/s1',
  roleArn: 'arn:aws:iam::111122223333:role/app',
  roleId: 'AROAAPP',
  roleName: 'app',
  sessionName: 's1',
  session: { issuer: 'AssumeRole', issuedAt: new Date('2024-01-01T00:00:00Z'), expiresAt: new Date('2024-01-01T01:00:00Z') },
  accessKeyId: 'ASIAEXAMPLE',
};
const request = { receivedAt: new Date('2024-05-01T10:20:30.456Z'), sourceIp: '::ffff:192.0.2.10', secureTransport: true, userAgent: 'aws-cli/2', referer: undefined, region: 'us-east-1', tlsVersion: 'TLSv1.3' };
const header: AuthFacts = { authType: 'REST-HEADER', signatureVersion: 'AWS4-HMAC-SHA256', signatureAgeMs: 1500, multiFactorAuthPresent: false, multiFactorAuthAgeSeconds: undefined, tokenIssueTime: undefined };

describe('buildRequestContext', () => {
  it('sets the global and S3 keys with lower-cased names', () => {
    const m = buildRequestContext({ caller: user, request, auth: header, resourceAccount: '111122223333', principalTags: { team: 'blue' }, requestTags: { env: 'prod', owner: 'alice' } });
    const get = (k: string) => m.get(k.toLowerCase());
    assert.equal(get('aws:SourceIp'), '192.0.2.10');
    assert.equal(get('aws:SecureTransport'), 'true');
    assert.equal(get('aws:CurrentTime'), '2024-05-01T10:20:30Z');
    assert.equal(get('aws:EpochTime'), '1714558830');
    assert.equal(get('aws:UserAgent'), 'aws-cli/2');
    assert.equal(get('aws:Referer'), undefined);
    assert.equal(get('aws:userid'), 'AIDAALICE');
    assert.equal(get('aws:username'), 'alice');
    assert.equal(get('aws:PrincipalArn'), 'arn:aws:iam::111122223333:user/alice');
    assert.equal(get('aws:PrincipalAccount'), '111122223333');
    assert.equal(get('aws:PrincipalType'), 'User');
    assert.equal(get('aws:PrincipalTag/team'), 'blue');
    assert.equal(get('aws:RequestTag/env'), 'prod');
    assert.deepEqual(get('aws:TagKeys'), ['env', 'owner']);
    assert.equal(get('aws:MultiFactorAuthPresent'), undefined, 'long-term keys leave it out');
    assert.equal(get('s3:authType'), 'REST-HEADER');
    assert.equal(get('s3:signatureversion'), 'AWS4-HMAC-SHA256');
    assert.equal(get('s3:signatureAge'), '1500');
    assert.equal(get('s3:TlsVersion'), '1.3');
    assert.equal(get('s3:ResourceAccount'), '111122223333');
    assert.equal(get('aws:PrincipalIsAWSService'), 'false');
    for (const k of m.keys()) assert.equal(k, k.toLowerCase());
  });

  it('describes a role session: role ARN, session user id, token issue time and MFA', () => {
    const m = buildRequestContext({
      caller: role,
      request,
      auth: { ...header, authType: 'REST-QUERY-STRING', multiFactorAuthPresent: true, multiFactorAuthAgeSeconds: 120, tokenIssueTime: new Date('2024-05-01T09:00:00Z') },
    });
    assert.equal(m.get('aws:principalarn'), 'arn:aws:iam::111122223333:role/app');
    assert.equal(m.get('aws:userid'), 'AROAAPP:s1');
    assert.equal(m.get('aws:principaltype'), 'AssumedRole');
    assert.equal(m.get('aws:username'), undefined);
    assert.equal(m.get('aws:multifactorauthpresent'), 'true');
    assert.equal(m.get('aws:multifactorauthage'), '120');
    assert.equal(m.get('aws:tokenissuetime'), '2024-05-01T09:00:00Z');
    assert.equal(m.get('s3:authtype'), 'REST-QUERY-STRING');
  });

  it('maps a configured network endpoint to aws:SourceVpce and drops aws:SourceIp', () => {
    const m = buildRequestContext({ caller: user, request: { ...request, sourceIp: '10.0.5.9' }, networkEndpoints: [{ cidr: '10.0.0.0/16', vpceId: 'vpce-1a2b3c4d', vpcId: 'vpc-111bbb22' }] });
    assert.equal(m.get('aws:sourcevpce'), 'vpce-1a2b3c4d');
    assert.equal(m.get('aws:sourcevpc'), 'vpc-111bbb22');
    assert.equal(m.get('aws:vpcsourceip'), '10.0.5.9');
    assert.equal(m.get('aws:sourceip'), undefined);
    const outside = buildRequestContext({ caller: user, request: { ...request, sourceIp: '10.1.0.1' }, networkEndpoints: [{ cidr: '10.0.0.0/16', vpceId: 'vpce-1a2b3c4d' }] });
    assert.equal(outside.get('aws:sourceip'), '10.1.0.1');
    assert.equal(outside.get('aws:sourcevpce'), undefined);
  });

  it('sets the organization keys when the principal is in an organization', () => {
    const m = buildRequestContext({ caller: user, request, principalOrganization: { id: 'o-a1b2c3d4e5', paths: ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/'] } });
    assert.equal(m.get('aws:principalorgid'), 'o-a1b2c3d4e5');
    assert.deepEqual(m.get('aws:principalorgpaths'), ['o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/']);
  });

  it('merges the operation context last', () => {
    const m = buildRequestContext({ caller: user, request, operationContext: { 's3:prefix': 'home/', 's3:ExistingObjectTag/Class': 'secret', 'aws:SourceIp': '203.0.113.1' } });
    assert.equal(m.get('s3:prefix'), 'home/');
    assert.equal(m.get('s3:existingobjecttag/class'), 'secret');
    assert.equal(m.get('aws:sourceip'), '203.0.113.1');
  });

  it('describes anonymous and root callers', () => {
    const anon = buildRequestContext({ caller: { kind: 'Anonymous' }, request });
    assert.equal(anon.get('aws:principaltype'), 'Anonymous');
    assert.equal(anon.get('aws:userid'), 'anonymous');
    assert.equal(anon.get('aws:principalarn'), undefined);
    const root = buildRequestContext({ caller: { kind: 'Root', accountId: '111122223333', arn: 'arn:aws:iam::111122223333:root', accessKeyId: 'AKIA' }, request });
    assert.equal(root.get('aws:principaltype'), 'Account');
    assert.equal(root.get('aws:userid'), '111122223333');
  });

  it('feeds authorize() directly', () => {
    const p = parseAndCompilePolicy(
      JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: { StringLike: { 's3:prefix': '${aws:username}/*' }, IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } } }] }),
      { kind: 'identity', id: 'p' },
    );
    assert.ok(p.ok);
    const context = buildRequestContext({ caller: user, request, operationContext: { 's3:prefix': 'alice/photos/' } });
    const r = authorize({ principal: principalFromCaller(user), action: 's3:ListBucket', resource: 'arn:aws:s3:::b', resourceAccount: '111122223333', context, policies: { identity: [p.policy] } });
    assert.equal(r.decision, 'Allow');
  });
});
