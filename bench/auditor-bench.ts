/**
 * The continuous auditor's cost on a large account (issue #18): `npx tsc -p tsconfig.json && node dist/bench/auditor-bench.js`
 * (`--quick`: a tenth of the size). An account of 10,000 buckets (one in ten with a bucket policy: public,
 * another account, or pinned to the organization) and 1,000 roles (one in ten trusting another account),
 * in the embedded stores of a temporary data directory; then, timed in this process:
 * - a full scan of an ACCOUNT analyzer (every bucket, role and key analyzed and reconciled), which an
 *   analyzer does when created and on its schedule;
 * - one event-driven re-analysis (a bucket whose policy changed): what a change costs;
 * - the unused-access and security-posture scans of the account.
 * Bounded: everything is done once; about a minute in all at full size.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { analyzeResource, zoneOf, type AuditorSources } from '../src/auditor/audited-resources.js';
import { auditorJob } from '../src/auditor/auditor-job.js';
import type { AnalyzerRecord, AnalyzerType } from '../src/auditor/auditor-types.js';
import { openAuditorStore } from '../src/auditor/sqlite-auditor-store.js';
import { trackedActionCatalog } from '../src/iam/api/access-advisor-services.js';
import { loadAwsManagedPolicies } from '../src/iam/aws-managed/catalog.js';
import { iamOperationNames } from '../src/iam/iam-protocol.js';
import { openIamStore } from '../src/iam/index.js';
import { newUniqueId } from '../src/iam/ids.js';
import { loadAccountPublicAccessBlock } from '../src/s3control/account-public-access-blocks.js';
import { openEmbeddedStorage } from '../src/storage/embedded.js';
import { newBucketRecord } from '../src/storage/new-bucket.js';

const quick = process.argv.includes('--quick') || process.env.STRONGBOX_BENCH_QUICK === '1';
const BUCKETS = quick ? 1_000 : 10_000;
const ROLES = quick ? 100 : 1_000;
const USERS = quick ? 20 : 200;
const ACCOUNT = '123456789012';
const OTHER = '111122223333';

function bucketPolicy(name: string, i: number): string | undefined {
  if (i % 10 !== 0) return undefined;
  const principal = i % 30 === 0 ? '*' : { AWS: `arn:aws:iam::${OTHER}:root` };
  const condition = i % 50 === 0 ? { StringEquals: { 'aws:PrincipalOrgID': 'o-exampleorg' } } : undefined;
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'Read',
        Effect: 'Allow',
        Principal: principal,
        Action: ['s3:GetObject', 's3:ListBucket'],
        Resource: [`arn:aws:s3:::${name}`, `arn:aws:s3:::${name}/*`],
        ...(condition ? { Condition: condition } : {}),
      },
      {
        Sid: 'TlsOnly',
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Resource: `arn:aws:s3:::${name}/*`,
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      },
    ],
  });
}

function trustPolicy(i: number): string {
  const principal = i % 10 === 0 ? { AWS: `arn:aws:iam::${OTHER}:root` } : { Service: 'ec2.amazonaws.com' };
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: principal, Action: 'sts:AssumeRole' }],
  });
}

async function timed<T>(fn: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await fn();
  return { value, ms: performance.now() - t0 };
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'strongbox-auditor-bench-'));
  const storage = await openEmbeddedStorage({ dataDir: dir, durability: 'normal' });
  const iam = openIamStore({ dataDir: dir });
  const store = openAuditorStore(dir);
  try {
    await iam.accounts.create(ACCOUNT, { isManagement: true });
    const setup = await timed(async () => {
      for (let start = 0; start < BUCKETS; start += 200) {
        const batch = [];
        for (let i = start; i < Math.min(BUCKETS, start + 200); i++) {
          const name = `bench-bucket-${String(i).padStart(5, '0')}`;
          const policy = bucketPolicy(name, i);
          batch.push(
            storage.buckets.createBucket(
              newBucketRecord({
                name,
                ownerAccountId: ACCOUNT,
                region: 'us-east-1',
                createdAt: new Date(),
                ...(policy ? { policy: { document: policy, revision: 1 }, publicAccessBlock: undefined } : {}),
              }),
            ),
          );
        }
        await Promise.all(batch);
      }
      for (let i = 0; i < ROLES; i++) {
        await iam.roles.create({
          accountId: ACCOUNT,
          roleId: newUniqueId('AROA'),
          roleName: `role-${i}`,
          path: '/',
          assumeRolePolicyDocument: trustPolicy(i),
          maxSessionDuration: 3600,
          maxRolesPerAccount: 100_000,
        });
      }
      for (let i = 0; i < USERS; i++)
        await iam.users.create({ accountId: ACCOUNT, userId: newUniqueId('AIDA'), userName: `user-${i}`, path: '/' });
    });
    console.log(`setup: ${BUCKETS} buckets, ${ROLES} roles, ${USERS} users in ${(setup.ms / 1000).toFixed(1)} s`);

    const sources: AuditorSources = {
      buckets: storage.buckets,
      iam,
      kms: { getKey: async () => undefined, listKeyIds: async () => [] },
    };
    const awsManaged = loadAwsManagedPolicies();
    const analyzer = (name: string, type: AnalyzerType): AnalyzerRecord => ({
      arn: `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/${name}`,
      accountId: ACCOUNT,
      region: 'us-east-1',
      name,
      type,
      createdAt: new Date(),
      tags: {},
    });
    const job = auditorJob({
      store,
      events: { writesAfter: () => [], lastHistorySeq: () => 0 },
      sources,
      resourcesOfEvent: () => [],
      unused: { iam, awsManaged, trackedActions: trackedActionCatalog(iamOperationNames(iam)), dayMs: 86_400_000 },
      internal: { iam, buckets: storage.buckets, awsManaged },
      posture: {
        iam,
        buckets: storage.buckets,
        awsManaged,
        accountPublicAccessBlock: async (id) => (await loadAccountPublicAccessBlock(iam, id)).effective,
      },
      intervalMs: 1000,
      scanIntervalMs: 86_400_000,
      now: () => new Date(),
    });
    const signal = new AbortController().signal;
    await job.runPass({ signal }); // starts following the (empty) history
    // How long the event loop is held at most: what requests would wait behind a scan.
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const rssBefore = process.memoryUsage().rss;
    // Each analyzer's first scan on its own: it is created, then one pass of the job scans it.
    const external = analyzer('external', 'ACCOUNT');
    const resources = BUCKETS + ROLES;
    for (const [name, type, what] of [
      ['external', 'ACCOUNT', `${resources} buckets and roles`],
      ['unused', 'ACCOUNT_UNUSED_ACCESS', `${ROLES + USERS} roles and users`],
      ['posture', 'STRONGBOX_SECURITY_POSTURE', `${resources + USERS} buckets, roles and users`],
    ] as const) {
      store.createAnalyzer(analyzer(name, type), []);
      const scan = await timed(() => job.runPass({ signal }));
      const active = store.countFindings(analyzer(name, type).arn, 'ACTIVE');
      console.log(
        `${type} first scan: ${(scan.ms / 1000).toFixed(2)} s for ${what} (${((scan.ms * 1000) / resources).toFixed(0)} µs per bucket or role), ${active} findings`,
      );
    }
    // The external scan again (findings unchanged: every reconciliation a no-op write).
    store.requestScan(external.arn, Date.now());
    const rescan = await timed(() => job.runPass({ signal }));
    console.log(
      `ACCOUNT rescan: ${(rescan.ms / 1000).toFixed(2)} s = ${((rescan.ms * 1000) / resources).toFixed(0)} µs per resource`,
    );

    const zone = await zoneOf(external, iam);
    const one = await timed(async () => {
      for (let i = 0; i < 200; i++) {
        const found = await analyzeResource(sources, external, zone, {
          type: 'AWS::S3::Bucket',
          name: `bench-bucket-${String((i * 10) % BUCKETS).padStart(5, '0')}`,
        });
        if (!('gone' in found)) store.reconcileFindings(external.arn, found.arn, found.found, new Date());
      }
    });
    console.log(
      `one change (a bucket with a policy re-analyzed and reconciled): ${((one.ms * 1000) / 200).toFixed(0)} µs`,
    );
    delay.disable();
    console.log(
      `longest event-loop delay during the scans: ${(delay.max / 1e6).toFixed(1)} ms (p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms)`,
    );
    console.log(
      `RSS: ${(rssBefore / 2 ** 20).toFixed(0)} MiB before the scans, ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB after`,
    );
  } finally {
    store.close();
    await iam.close();
    await storage.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
