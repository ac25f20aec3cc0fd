import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestRecord } from './request-record.js';
import type { CallerSession } from '../identity/caller.js';
import { ANONYMOUS } from '../identity/caller.js';
import { cloudTrailEvent, cloudTrailEventCopies, eventRecipients, type CloudTrailEvent } from './cloudtrail-event.js';
import { isDataEvent, isReadOnlyOperation, awsRegionOf } from './cloudtrail-classification.js';

const ACCT = '111122223333';
const OTHER = '444455556666';

function record(over: Partial<RequestRecord>): RequestRecord {
  return {
    requestId: 'REQ1', eventTime: new Date('2026-12-07T10:00:00.400Z'), service: 'iam', region: 'eu-west-1',
    operation: 'CreateUser', authenticationType: 'AuthHeader', signatureVersion: 'SigV4', sourceIp: '127.0.0.1',
    userAgent: 'aws-cli/2', http: { method: 'POST', uri: '/', version: 'HTTP/1.1' }, status: 200, bytesIn: 10,
    bytesOut: 20, totalTimeMs: 700, completed: true,
    caller: {
      kind: 'User', accountId: ACCT, arn: `arn:aws:iam::${ACCT}:user/alice`, userId: 'AIDAALICE', userName: 'alice',
      path: '/', accessKeyId: 'AKIAALICE',
    },
    requestParameters: { userName: 'bob' },
    responseElements: { user: { userName: 'bob' } },
    resources: [{ arn: `arn:aws:iam::${ACCT}:user/bob`, accountId: ACCT, type: 'AWS::IAM::User' }],
    ...over,
  };
}

const session: CallerSession = {
  issuer: 'AssumeRole', issuedAt: new Date('2026-12-07T09:00:00.123Z'), expiresAt: new Date('2026-12-07T10:00:00Z'),
};

test('IAM user with long-term keys: IAMUser, no sessionContext; IAM events are in us-east-1, completed time', () => {
  const e = cloudTrailEvent(record({}), { eventId: 'E1' })!;
  assert.deepEqual(e.userIdentity, {
    type: 'IAMUser', principalId: 'AIDAALICE', arn: `arn:aws:iam::${ACCT}:user/alice`, accountId: ACCT,
    accessKeyId: 'AKIAALICE', userName: 'alice',
  });
  assert.equal(e.eventVersion, '1.11');
  assert.equal(e.eventTime, '2026-12-07T10:00:01Z');
  assert.equal(e.eventSource, 'iam.amazonaws.com');
  assert.equal(e.awsRegion, 'us-east-1');
  assert.equal(e.eventType, 'AwsApiCall');
  assert.equal(e.readOnly, false);
  assert.equal(e.managementEvent, true);
  assert.equal(e.eventCategory, 'Management');
  assert.equal(e.recipientAccountId, ACCT);
  assert.equal(e.sharedEventID, undefined);
  assert.equal(e.tlsDetails, undefined);
  assert.equal(e.additionalEventData, undefined);
  assert.deepEqual(e.resources, [{ accountId: ACCT, type: 'AWS::IAM::User', ARN: `arn:aws:iam::${ACCT}:user/bob` }]);
  assert.deepEqual(e.requestParameters, { userName: 'bob' });
  assert.equal(e.eventID, 'E1');
  assert.equal(e.requestID, 'REQ1');
});

test('root: type Root, principalId the account id, no userName; AssumeRoot session marks assumedRoot', () => {
  const root = { kind: 'Root' as const, accountId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, accessKeyId: 'AKIAROOT' };
  const e = cloudTrailEvent(record({ caller: root }), { eventId: 'E' })!;
  assert.deepEqual(e.userIdentity, {
    type: 'Root', principalId: ACCT, arn: `arn:aws:iam::${ACCT}:root`, accountId: ACCT, accessKeyId: 'AKIAROOT',
  });
  const s = { ...session, issuer: 'AssumeRoot' as const };
  const e2 = cloudTrailEvent(record({ caller: { ...root, accessKeyId: 'ASIAROOT', session: s } }), { eventId: 'E' })!;
  assert.deepEqual(e2.userIdentity.sessionContext, {
    sessionIssuer: {}, webIdFederationData: {},
    attributes: { creationDate: '2026-12-07T09:00:00Z', mfaAuthenticated: 'false' }, assumedRoot: 'true',
  });
});

test('role session with MFA and source identity: AssumedRole with sessionIssuer, attributes, sourceIdentity', () => {
  const caller = {
    kind: 'AssumedRole' as const, accountId: ACCT, arn: `arn:aws:sts::${ACCT}:assumed-role/ops/s1`,
    roleArn: `arn:aws:iam::${ACCT}:role/team/ops`, roleId: 'AROAOPS', roleName: 'ops', sessionName: 's1',
    accessKeyId: 'ASIAOPS', session: { ...session, mfaAuthenticatedAt: session.issuedAt, sourceIdentity: 'alice' },
  };
  const e = cloudTrailEvent(record({ caller }), { eventId: 'E' })!;
  assert.deepEqual(e.userIdentity, {
    type: 'AssumedRole', principalId: 'AROAOPS:s1', arn: caller.arn, accountId: ACCT, accessKeyId: 'ASIAOPS',
    sessionContext: {
      sessionIssuer: { type: 'Role', principalId: 'AROAOPS', arn: caller.roleArn, accountId: ACCT, userName: 'ops' },
      webIdFederationData: {},
      attributes: { creationDate: '2026-12-07T09:00:00Z', mfaAuthenticated: 'true' },
      sourceIdentity: 'alice',
    },
  });
});

test('web identity: the session names its provider; the unsigned AssumeRoleWithWebIdentity is a WebIdentityUser', () => {
  const provider = `arn:aws:iam::${ACCT}:oidc-provider/idp.example.com`;
  const caller = {
    kind: 'AssumedRole' as const, accountId: ACCT, arn: `arn:aws:sts::${ACCT}:assumed-role/web/w`,
    roleArn: `arn:aws:iam::${ACCT}:role/web`, roleId: 'AROAWEB', roleName: 'web', sessionName: 'w',
    accessKeyId: 'ASIAWEB',
    session: { ...session, issuer: 'AssumeRoleWithWebIdentity' as const, federatedProvider: provider },
  };
  const e = cloudTrailEvent(record({ caller }), { eventId: 'E' })!;
  assert.deepEqual(e.userIdentity.sessionContext?.webIdFederationData, { federatedProvider: provider, attributes: {} });
  const call = cloudTrailEvent(record({
    service: 'sts', operation: 'AssumeRoleWithWebIdentity', caller: ANONYMOUS, authenticationType: 'Anonymous',
    requestParameters: { roleArn: caller.roleArn, roleSessionName: 'w' },
    responseElements: { provider: 'idp.example.com', audience: 'app1', subjectFromWebIdentityToken: 'user-7' },
  }), { eventId: 'E' })!;
  assert.deepEqual(call.userIdentity, {
    type: 'WebIdentityUser', principalId: 'idp.example.com:app1:user-7', userName: 'user-7',
    identityProvider: 'idp.example.com',
  });
  assert.equal(call.readOnly, true);
  assert.equal(call.awsRegion, 'eu-west-1');
});

test('IAM user session from GetSessionToken: IAMUser with attributes and an empty sessionIssuer', () => {
  const base = record({});
  const caller = { ...(base.caller as Extract<RequestRecord['caller'], { kind: 'User' }>), accessKeyId: 'ASIAX',
    session: { ...session, issuer: 'GetSessionToken' as const } };
  const e = cloudTrailEvent(record({ caller }), { eventId: 'E' })!;
  assert.equal(e.userIdentity.type, 'IAMUser');
  assert.deepEqual(e.userIdentity.sessionContext, {
    sessionIssuer: {}, webIdFederationData: {},
    attributes: { creationDate: '2026-12-07T09:00:00Z', mfaAuthenticated: 'false' },
  });
});

/** The event as a trail delivers it: absent members are left out of the JSON. */
const rendered = (e: CloudTrailEvent): Record<string, unknown> => JSON.parse(JSON.stringify(e)) as Record<string, unknown>;

function s3Record(over: Partial<RequestRecord>): RequestRecord {
  return record({
    service: 's3', operation: 'GetObject', region: 'eu-west-1', requestParameters: { bucketName: 'b', key: 'k' },
    responseElements: undefined, tls: { version: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256' }, host: 'b.s3.local',
    s3: { bucket: 'b', key: 'k', bucketOwnerAccountId: ACCT, hostId: 'ID2' },
    resources: [
      { arn: 'arn:aws:s3:::b/k', type: 'AWS::S3::Object' },
      { arn: 'arn:aws:s3:::b', accountId: ACCT, type: 'AWS::S3::Bucket' },
    ],
    ...over,
  });
}

test('anonymous S3 GetObject: AWSAccount / ANONYMOUS_PRINCIPAL, data event for the bucket owner, tlsDetails', () => {
  const e = cloudTrailEvent(s3Record({ caller: ANONYMOUS, authenticationType: 'Anonymous' }), { eventId: 'E' })!;
  assert.deepEqual(e.userIdentity, { type: 'AWSAccount', principalId: '', accountId: 'ANONYMOUS_PRINCIPAL' });
  assert.equal(e.eventCategory, 'Data');
  assert.equal(e.managementEvent, false);
  assert.equal(e.readOnly, true);
  assert.equal(e.recipientAccountId, ACCT);
  assert.equal(e.sharedEventID, undefined);
  assert.equal(e.awsRegion, 'eu-west-1');
  assert.equal(e.responseElements, null);
  assert.deepEqual(e.tlsDetails, {
    tlsVersion: 'TLSv1.3', cipherSuite: 'TLS_AES_128_GCM_SHA256', clientProvidedHostHeader: 'b.s3.local',
  });
  assert.deepEqual(rendered(e).additionalEventData, {
    CipherSuite: 'TLS_AES_128_GCM_SHA256', bytesTransferredIn: 10, bytesTransferredOut: 20, 'x-amz-id-2': 'ID2',
  });
});

test('signed S3 request: additionalEventData has SignatureVersion and AuthenticationMethod', () => {
  const e = cloudTrailEvent(s3Record({ authenticationType: 'QueryString', tls: undefined }), { eventId: 'E' })!;
  assert.deepEqual(rendered(e).additionalEventData, {
    SignatureVersion: 'SigV4', bytesTransferredIn: 10, bytesTransferredOut: 20, AuthenticationMethod: 'QueryString',
    'x-amz-id-2': 'ID2',
  });
});

test('failed authentication: Unknown identity with the presented key only; errorCode, no responseElements', () => {
  const r = s3Record({ caller: undefined, accessKeyId: 'AKIANOPE', errorCode: 'InvalidAccessKeyId',
    errorMessage: 'The AWS Access Key Id you provided does not exist in our records.', status: 403,
    responseElements: { x: 1 } });
  const e = cloudTrailEvent(r, { eventId: 'E' })!;
  assert.deepEqual(e.userIdentity, { type: 'Unknown', principalId: '', accessKeyId: 'AKIANOPE' });
  assert.equal(e.errorCode, 'InvalidAccessKeyId');
  assert.ok(e.errorMessage);
  assert.equal(e.responseElements, null);
  // An IAM call with an unknown key names no account: no event, unless the caller names the recipient.
  const iam = record({ caller: undefined, accessKeyId: 'AKIANOPE', errorCode: 'InvalidClientTokenId', resources: [] });
  assert.equal(cloudTrailEvent(iam, { eventId: 'E' }), undefined);
  assert.equal(cloudTrailEvent(iam, { eventId: 'E', recipientAccountId: ACCT })?.errorCode, 'InvalidClientTokenId');
});

test('cross-account call: one copy per account, distinct eventIDs, one sharedEventID', () => {
  const r = s3Record({ s3: { bucket: 'b', key: 'k', bucketOwnerAccountId: OTHER } });
  assert.deepEqual(eventRecipients(r), [OTHER, ACCT]);
  let n = 0;
  const copies = cloudTrailEventCopies(r, { newId: () => `id-${++n}` });
  assert.equal(copies.length, 2);
  assert.deepEqual(copies.map((c) => c.recipientAccountId), [OTHER, ACCT]);
  assert.equal(copies[0].sharedEventID, 'id-1');
  assert.equal(copies[1].sharedEventID, 'id-1');
  assert.notEqual(copies[0].eventID, copies[1].eventID);
  const same = cloudTrailEventCopies(s3Record({}), { newId: () => `id-${++n}` });
  assert.equal(same.length, 1);
  assert.equal(same[0].sharedEventID, undefined);
});

test('no event without a routed operation or for an unknown service', () => {
  assert.equal(cloudTrailEvent(record({ operation: undefined }), { eventId: 'E' }), undefined);
  assert.equal(cloudTrailEvent(record({ service: 'sqs' }), { eventId: 'E' }), undefined);
});

test('readOnly by operation', () => {
  for (const op of ['GetObject', 'HeadObject', 'ListBuckets', 'GetUser', 'ListRoles', 'DescribeKey', 'DescribeOrganization',
    'AssumeRole', 'GetSessionToken', 'GetCallerIdentity', 'Decrypt', 'GenerateDataKey', 'SimulatePrincipalPolicy',
    'GetBucketPolicy', 'HeadBucket', 'SelectObjectContent']) {
    assert.equal(isReadOnlyOperation(op), true, op);
  }
  for (const op of ['PutObject', 'DeleteObjects', 'CreateUser', 'CopyObject', 'CreateKey', 'ScheduleKeyDeletion',
    'PutBucketPolicy', 'Listen', 'Getaway', 'CompleteMultipartUpload', 'RestoreObject', 'TagResource']) {
    assert.equal(isReadOnlyOperation(op), false, op);
  }
});

test('data vs management classification', () => {
  for (const op of ['GetObject', 'PutObject', 'DeleteObject', 'DeleteObjects', 'HeadObject', 'CopyObject',
    'CreateMultipartUpload', 'UploadPart', 'UploadPartCopy', 'CompleteMultipartUpload', 'AbortMultipartUpload',
    'ListParts', 'PutObjectTagging', 'GetObjectAcl', 'PutObjectRetention', 'PutObjectLegalHold', 'ListObjects']) {
    assert.equal(isDataEvent({ service: 's3', operation: op }), true, op);
  }
  for (const op of ['CreateBucket', 'PutBucketPolicy', 'GetBucketVersioning', 'ListBuckets', 'DeleteBucket',
    'PutBucketEncryption', 'PutObjectLockConfiguration']) {
    assert.equal(isDataEvent({ service: 's3', operation: op }), false, op);
  }
  assert.equal(isDataEvent({ service: 'kms', operation: 'Decrypt' }), false);
  assert.equal(awsRegionOf({ service: 'organizations', region: 'eu-west-1' }), 'us-east-1');
  assert.equal(awsRegionOf({ service: 'kms', region: 'eu-west-1' }), 'eu-west-1');
});
