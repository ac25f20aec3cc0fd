import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadAwsManagedPolicies } from './catalog.js';

test('the AWS managed policies the seeds and the issue name are shipped with valid documents', () => {
  const c = loadAwsManagedPolicies();
  for (const name of ['AdministratorAccess', 'ReadOnlyAccess', 'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'IAMUserChangePassword', 'IAMSelfManageServiceSpecificCredentials']) {
    const p = c.get(`arn:aws:iam::aws:policy/${name}`);
    assert.ok(p, name);
    assert.match(p.policyId, /^ANPA[A-Z2-7]{17}$/);
    const doc = JSON.parse(p.document) as { Version: string; Statement: unknown[] };
    assert.equal(doc.Version, '2012-10-17');
    assert.ok(doc.Statement.length > 0);
  }
  assert.equal(c.get('arn:aws:iam::aws:policy/job-function/ViewOnlyAccess')?.path, '/job-function/');
  assert.match(c.get('arn:aws:iam::aws:policy/AmazonS3FullAccess')?.document ?? '', /"s3:\*"/);
});
