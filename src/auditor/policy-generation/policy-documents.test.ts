import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { policySize } from '../../policy/size-limits.js';
import { MANAGED_POLICY_MAX_CHARS, packDocuments, renderDocument, type Grant } from './policy-documents.js';

describe('policy documents', { timeout: 10_000 }, () => {
  it('renders compact JSON with numbered Sids, one value as a string, several as an array', () => {
    const text = renderDocument([
      { actions: ['s3:GetObject', 's3:PutObject'], resources: ['arn:aws:s3:::b/*'] },
      { actions: ['iam:GetUser'], resources: ['*'] },
    ]);
    assert.equal(
      text,
      '{"Version":"2012-10-17","Statement":[' +
        '{"Sid":"SupportedServiceSid0","Effect":"Allow","Action":["s3:GetObject","s3:PutObject"],' +
        '"Resource":"arn:aws:s3:::b/*"},' +
        '{"Sid":"SupportedServiceSid1","Effect":"Allow","Action":"iam:GetUser","Resource":"*"}]}',
    );
  });

  it('packs grants in order into documents within the managed policy quota', () => {
    const grants: Grant[] = Array.from({ length: 60 }, (_, i) => ({
      actions: [`iam:GetUser`],
      resources: [`arn:aws:iam::111122223333:user/${'u'.repeat(60)}${i}`, `arn:aws:iam::111122223333:user/v${i}`],
    }));
    const docs = packDocuments(grants);
    assert.ok(docs.length > 1, 'more than one document');
    for (const d of docs) assert.ok(policySize(d) <= MANAGED_POLICY_MAX_CHARS, `${policySize(d)} characters`);
    const statements = docs.flatMap(
      (d) => (JSON.parse(d) as { Statement: { Sid: string; Resource: string[] }[] }).Statement,
    );
    assert.deepEqual(
      statements.map((s) => s.Resource),
      grants.map((g) => g.resources),
      'every grant once, in order',
    );
    assert.equal(
      (JSON.parse(docs[1]!) as { Statement: { Sid: string }[] }).Statement[0]!.Sid,
      'SupportedServiceSid0',
      'Sids per document',
    );
  });

  it('splits a grant too large for one document: resources first, then actions', () => {
    const resources = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket/object-${i}`);
    const docs = packDocuments([{ actions: ['s3:GetObject'], resources }]);
    assert.ok(docs.length >= 2);
    const granted = docs.flatMap((d) =>
      (JSON.parse(d) as { Statement: { Resource: string | string[] }[] }).Statement.flatMap((s) => s.Resource),
    );
    assert.deepEqual(granted, resources);
    const actions = Array.from({ length: 400 }, (_, i) => `iam:Action${i}`);
    const byAction = packDocuments([{ actions, resources: ['*'] }], 2000);
    for (const d of byAction) assert.ok(policySize(d) <= 2000);
    assert.equal(
      byAction.flatMap((d) =>
        (JSON.parse(d) as { Statement: { Action: string[] }[] }).Statement.flatMap((s) => s.Action),
      ).length,
      400,
    );
    assert.deepEqual(packDocuments([]), []);
  });
});
