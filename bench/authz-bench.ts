/**
 * The authorization step of the request path, alone: PolicyAuthorizer.authorize for an account root
 * and for an IAM user with 10 attached managed policies (the request-path bench's IAM scenario),
 * through the real identity-policy loader over an in-memory SQLite IAM store. Bounded: ~2 s per case.
 *   node dist/bench/authz-bench.js
 */
import { PolicyAuthorizer } from '../src/authz/policy-authorizer.js';
import { headerSignedAuth } from '../src/authz/testing/header-auth.js';
import { loadAwsManagedPolicies } from '../src/iam/aws-managed/catalog.js';
import { createIdentityPolicyLoader, resolveManaged } from '../src/iam/identity-policies.js';
import { openMemoryIamStore } from '../src/iam/store/index.js';
import type { Caller } from '../src/identity/caller.js';
import type { AuthzCheck, RequestInfo } from '../src/server/protocol.js';
import { benchPolicies } from './lib/iam-user.js';
import { BUCKET_POLICY_STATEMENTS, benchBucketPolicy } from './lib/bucket-policy.js';

const ACCOUNT = '123456789012';
const BUCKET = 'bench';

async function main(): Promise<void> {
  const store = openMemoryIamStore();
  await store.accounts.create(ACCOUNT, { isManagement: true });
  await store.users.create({ accountId: ACCOUNT, userId: 'AIDABENCHUSER0000001', userName: 'bench-reader', path: '/bench/' });
  for (const [i, doc] of benchPolicies(BUCKET, 10).entries()) {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/bench/p${i}`;
    await store.policies.create({ accountId: ACCOUNT, policyId: `ANPABENCH${i}`, policyName: `p${i}`, path: '/bench/', arn, document: JSON.stringify(doc) });
    await store.attachments.attach({ accountId: ACCOUNT, principalKind: 'user', principalId: 'AIDABENCHUSER0000001', policyArn: arn }, 20);
  }
  const loader = createIdentityPolicyLoader({ store });
  const authorizer = new PolicyAuthorizer({ sources: { identity: loader, managedPolicy: (arn) => resolveManaged(store, arn, loadAwsManagedPolicies()) } });
  const user: Caller = { kind: 'User', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:user/bench/bench-reader`, userId: 'AIDABENCHUSER0000001', userName: 'bench-reader', path: '/bench/', accessKeyId: 'AKIABENCH' };
  const root: Caller = { kind: 'Root', accountId: ACCOUNT, arn: `arn:aws:iam::${ACCOUNT}:root`, accessKeyId: 'AKIAROOT' };
  const check: AuthzCheck = { action: 's3:GetObject', resource: `arn:aws:s3:::${BUCKET}/get/obj-17`, resourceAccount: ACCOUNT, context: {}, bucket: BUCKET };
  const info: RequestInfo = { requestId: 'X', receivedAt: new Date(), sourceIp: '127.0.0.1', secureTransport: false, userAgent: 'wrk', referer: undefined, region: 'us-east-1' };
  const auth = headerSignedAuth(user);
  // A new object on every decision (more than the authorizer remembers): the policies are evaluated
  // each time. The same object again: an allow the context cannot change is remembered.
  const fresh: AuthzCheck[] = Array.from({ length: 10_000 }, (_, i) => ({ ...check, resource: `arn:aws:s3:::${BUCKET}/get/obj-${i}` }));
  console.log('case                                        decisions/s   mean µs');
  const policyCheck: AuthzCheck = {
    ...check,
    resourcePolicy: { type: 'Resource', id: 'bucket:bench#1', document: JSON.stringify(benchBucketPolicy(BUCKET, ACCOUNT)) },
  };
  const cases = [
    ['root', root, [check]],
    [`root, ${BUCKET_POLICY_STATEMENTS}-statement bucket policy`, root, [policyCheck]],
    ['IAM user, 10 policies, same object', user, [check]],
    ['IAM user, 10 policies, new object', user, fresh],
  ] as const;
  for (const [name, caller, checks] of cases) {
    const first = await authorizer.authorize(caller, [checks[0]], info, auth);
    if (first.decision !== 'Allow') throw new Error(`${name}: expected Allow, got ${first.decision}`);
    const until = performance.now() + 2000;
    let n = 0;
    const start = performance.now();
    while (performance.now() < until) {
      for (let i = 0; i < 200; i++) await authorizer.authorize(caller, [checks[(n + i) % checks.length]], info, auth);
      n += 200;
    }
    const ms = performance.now() - start;
    console.log(`${name.padEnd(43)} ${Math.round((n / ms) * 1000).toString().padStart(11)}   ${((ms * 1000) / n).toFixed(2).padStart(7)}`);
  }
  loader.close();
  await store.close();
}

await main();
