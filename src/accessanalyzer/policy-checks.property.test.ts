import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { splitArn } from '../policy/arn-pattern.js';
import type { ContextKeys, RequestPrincipal } from '../policy/authorization-types.js';
import { compilePolicy, type CompiledPolicy } from '../policy/compiled-policy.js';
import { EvaluationContext } from '../policy/eval-context.js';
import { evaluatePolicySet } from '../policy/evaluate-policy.js';
import { parsePolicy } from '../policy/parse-policy.js';
import type { PolicyKind } from '../policy/policy-document.js';
import { parseTemplate } from '../policy/template.js';
import { compileWildcard } from '../policy/wildcard.js';
import { globContains, globIntersects, toGlob } from './policy-check-glob.js';
import { checkAccessNotGranted, checkNoNewAccess, checkNoPublicAccess } from './policy-checks.js';

/**
 * Soundness against the engine: whatever the checks PASS, the engine's own evaluation of the policies
 * (src/policy/evaluate-policy.ts) agrees with, over every request of a small universe that the
 * generated policies' patterns, principals and conditions distinguish.
 */

const RUNS = { numRuns: 400 };
const NO_NEW_ACCESS_RUNS = { numRuns: 1000 };

const ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:GetObjectAcl',
  'iam:GetUser',
  'sts:AssumeRole',
];
const ACTION_PATTERNS = [
  ...ACTIONS,
  ...['s3:*', 's3:Get*', '*', 'iam:*', 's3:*Object', 's3:?etObject', 'S3:getobject', 'sts:AssumeRole*'],
];
const RESOURCES = [
  'arn:aws:s3:::b1',
  'arn:aws:s3:::b1/k1',
  'arn:aws:s3:::b1/alice/k',
  'arn:aws:s3:::b2/k1',
  'arn:aws:iam::111122223333:user/alice',
  '*',
];
const RESOURCE_PATTERNS = [
  ...RESOURCES.slice(0, 5),
  'arn:aws:s3:::b1/*',
  'arn:aws:s3:::*',
  'arn:aws:s3:::b?/k1',
  '*',
  'arn:aws:iam::*:user/*',
  'arn:aws:s3:::b1/${aws:username}/*',
  'arn:aws:s3:*:*:b*',
];
const CONDITIONS: readonly Record<string, Record<string, string | string[]>>[] = [
  {},
  {},
  { StringEquals: { 'aws:RequestTag/env': 'prod' } },
  { StringEquals: { 'aws:RequestTag/env': ['prod', 'dev'] } },
  { StringNotEquals: { 'aws:RequestTag/env': 'prod' } },
  { StringLike: { 'aws:RequestTag/env': 'p*' } },
  { StringLikeIfExists: { 'aws:RequestTag/env': 'p*' } },
  { Null: { 'aws:RequestTag/env': 'true' } },
  { Null: { 'aws:RequestTag/env': 'false' } },
  { Bool: { 'aws:SecureTransport': 'true' } },
  { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { IpAddress: { 'aws:SourceIp': '10.1.0.0/16' } },
  { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
  { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['env', 'team'] } },
  { StringEquals: { 'aws:username': '${aws:username}' } },
  { StringEquals: { 'aws:PrincipalAccount': '111122223333' } },
  { StringEquals: { 'aws:SourceVpce': 'vpce-1' } },
  { StringNotEquals: { 'aws:SourceVpce': 'vpce-1' } },
];
const PRINCIPAL_SPECS: readonly unknown[] = [
  '*',
  { AWS: '*' },
  { AWS: '111122223333' },
  { AWS: 'arn:aws:iam::111122223333:root' },
  { AWS: 'arn:aws:iam::111122223333:user/alice' },
  { AWS: 'arn:aws:iam::111122223333:role/app' },
  { AWS: ['444455556666', 'arn:aws:iam::111122223333:user/alice'] },
  { Service: 's3.amazonaws.com' },
];

const ACCOUNT = '111122223333';
function user(name: string, accountId = ACCOUNT): RequestPrincipal {
  const arn = `arn:aws:iam::${accountId}:user/${name}`;
  return { kind: 'User', arn, accountId, userId: `AIDA${name.toUpperCase()}`, username: name };
}
const PRINCIPALS: readonly RequestPrincipal[] = [
  user('alice'),
  user('bob'),
  {
    kind: 'AssumedRole',
    arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`,
    accountId: ACCOUNT,
    userId: 'AROAAPP:s1',
    roleArn: `arn:aws:iam::${ACCOUNT}:role/app`,
  },
  user('olivia', '444455556666'),
  { kind: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT },
  { kind: 'Service', service: 's3.amazonaws.com' },
  { kind: 'Anonymous' },
];
const CONTEXTS: readonly ContextKeys[] = [
  {},
  { 'aws:SecureTransport': 'true', 'aws:RequestTag/env': 'prod', 'aws:SourceIp': '10.1.2.3' },
  {
    'aws:SecureTransport': 'false', 'aws:RequestTag/env': 'dev', 'aws:SourceIp': '10.2.0.1',
    'aws:SourceVpce': 'vpce-1',
  },
  { 'aws:RequestTag/env': 'pre', 'aws:TagKeys': ['env'], 'aws:SourceIp': '192.0.2.1', 'aws:SourceVpce': 'vpce-2' },
  { 'aws:TagKeys': ['env', 'other'], 'aws:SourceIp': '10.0.0.1' },
];

type Kind = 'identity' | 'resource';

function statementArb(kind: Kind): fc.Arbitrary<Record<string, unknown>> {
  const principal =
    kind === 'identity'
      ? fc.constant({})
      : fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom(...PRINCIPAL_SPECS).map((p) => ({ Principal: p })) },
          { weight: 1, arbitrary: fc.constantFrom(...PRINCIPAL_SPECS.slice(2)).map((p) => ({ NotPrincipal: p })) },
        );
  return fc
    .record({
      effect: fc.constantFrom('Allow', 'Allow', 'Deny'),
      notAction: fc.constantFrom(false, false, true),
      actions: fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 3 }),
      notResource: fc.constantFrom(false, false, false, true),
      resources: fc.subarray(RESOURCE_PATTERNS, { minLength: 1, maxLength: 2 }),
      condition: fc.constantFrom(...CONDITIONS),
      principal,
    })
    .map((s) => ({
      Effect: s.effect,
      [s.notAction ? 'NotAction' : 'Action']: s.actions,
      [s.notResource ? 'NotResource' : 'Resource']: s.resources,
      ...(Object.keys(s.condition).length > 0 ? { Condition: s.condition } : {}),
      ...s.principal,
    }));
}

function policyArb(kind: Kind): fc.Arbitrary<string> {
  return fc
    .array(statementArb(kind), { minLength: 1, maxLength: 3 })
    .map((st) => JSON.stringify({ Version: '2012-10-17', Statement: st }));
}

/** The engine's reading of the document (undefined when IAM refuses it). */
function compile(text: string, kind: Kind): CompiledPolicy | undefined {
  const policyKind: PolicyKind = kind;
  const options = kind === 'identity' ? { kind: policyKind } : { kind: policyKind, resourceDialect: 'iam' as const };
  const parsed = parsePolicy(text, options);
  return parsed.ok ? compilePolicy(parsed.document, { id: 'p', kind: policyKind }) : undefined;
}

interface Request {
  readonly principal: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  readonly context: ContextKeys;
  readonly boundary: boolean;
}

function requests(kind: Kind): Request[] {
  const principals = kind === 'identity' ? PRINCIPALS.slice(0, 3) : PRINCIPALS;
  const out: Request[] = [];
  for (const principal of principals) {
    for (const action of ACTIONS) {
      for (const resource of RESOURCES) {
        for (const context of CONTEXTS) {
          out.push({ principal, action, resource, context, boundary: false });
          if (principal.kind === 'User') out.push({ principal, action, resource, context, boundary: true });
        }
      }
    }
  }
  return out;
}

/** Allowed by this one policy: an Allow applies and no Deny does. */
function allowed(policy: CompiledPolicy, r: Request): boolean {
  const action = r.action.toLowerCase();
  const out = evaluatePolicySet([policy], {
    action,
    service: action.slice(0, action.indexOf(':')),
    resource: splitArn(r.resource),
    principal: r.principal,
    hasPermissionsBoundary: r.boundary,
    ctx: new EvaluationContext(r.principal, r.context),
  });
  return out.allows.length > 0 && out.denies.length === 0;
}

const UNIVERSE: Readonly<Record<Kind, readonly Request[]>> = {
  identity: requests('identity'),
  resource: requests('resource'),
};

describe('pattern reasoning agrees with the engine wildcard matching', () => {
  const patternArb = fc.array(fc.constantFrom('a', 'b', '*', '?'), { maxLength: 4 }).map((c) => c.join(''));
  // Every string over {a, b} up to length 8: two patterns of 4 tokens that meet share one of them.
  const strings: string[] = [''];
  for (let n = 1; n <= 8; n++) {
    for (const s of strings.filter((x) => x.length === n - 1)) strings.push(`${s}a`, `${s}b`);
  }
  const matches = (pattern: string) => {
    const m = compileWildcard(parseTemplate(pattern, '2012-10-17'));
    return (s: string) => m.test(s, 0, s.length, undefined) === true;
  };

  it('containment is sound and intersection exact', () => {
    fc.assert(
      fc.property(patternArb, patternArb, (p, q) => {
        const gp = toGlob(p, { version: '2012-10-17' });
        const gq = toGlob(q, { version: '2012-10-17' });
        const [mp, mq] = [matches(p), matches(q)];
        if (globContains(gp, gq)) assert.ok(strings.every((s) => !mq(s) || mp(s)), `${p} ⊇ ${q}`);
        assert.equal(globIntersects(gp, gq), strings.some((s) => mp(s) && mq(s)), `${p} ∩ ${q}`);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('policy checks are sound against the engine', () => {
  for (const kind of ['identity', 'resource'] as const) {
    const policyType = kind === 'identity' ? 'IDENTITY_POLICY' : 'RESOURCE_POLICY';

    it(`CheckNoNewAccess PASS: the new ${kind} policy allows no request the existing one does not`, () => {
      let passes = 0;
      fc.assert(
        fc.property(policyArb(kind), policyArb(kind), fc.boolean(), fc.nat(), (a, b, related, choice) => {
          // Half the pairs are a policy and a variant of itself, so that PASS answers are common.
          const existingText = a;
          const newText = related ? variant(a, b, choice) : b;
          const existing = compile(existingText, kind);
          const updated = compile(newText, kind);
          fc.pre(existing !== undefined && updated !== undefined);
          const r = checkNoNewAccess({ newPolicyDocument: newText, existingPolicyDocument: existingText, policyType });
          if (r.result !== 'PASS') return;
          passes++;
          for (const req of UNIVERSE[kind]) {
            if (allowed(updated as CompiledPolicy, req) && !allowed(existing as CompiledPolicy, req)) {
              assert.fail(`new access for ${JSON.stringify(req)}\nnew: ${newText}\nexisting: ${existingText}`);
            }
          }
        }),
        NO_NEW_ACCESS_RUNS,
      );
      assert.ok(passes > 20, `only ${passes} PASS answers: the property says little`);
    });

    it(`CheckNoNewAccess of a ${kind} policy against itself is PASS`, () => {
      fc.assert(
        fc.property(policyArb(kind), (a) => {
          fc.pre(compile(a, kind) !== undefined);
          const r = checkNoNewAccess({ newPolicyDocument: a, existingPolicyDocument: a, policyType });
          assert.equal(r.result, 'PASS', a);
        }),
        RUNS,
      );
    });

    it(`CheckAccessNotGranted PASS: no listed access is allowed by the ${kind} policy`, () => {
      const listedArb = fc.record({
        actions: fc.option(fc.subarray(ACTIONS, { minLength: 1, maxLength: 2 }), { nil: undefined }),
        resources: fc.option(fc.subarray(RESOURCES, { minLength: 1, maxLength: 2 }), { nil: undefined }),
      });
      fc.assert(
        fc.property(policyArb(kind), listedArb, (text, listed) => {
          fc.pre(listed.actions !== undefined || listed.resources !== undefined);
          const policy = compile(text, kind);
          fc.pre(policy !== undefined);
          const r = checkAccessNotGranted({ policyDocument: text, access: [listed], policyType });
          if (r.result !== 'PASS') return;
          for (const req of UNIVERSE[kind]) {
            if (listed.actions && !listed.actions.includes(req.action)) continue;
            if (listed.resources && !listed.resources.includes(req.resource)) continue;
            if (allowed(policy as CompiledPolicy, req)) {
              assert.fail(`listed access allowed: ${JSON.stringify(req)}\n${text}`);
            }
          }
        }),
        RUNS,
      );
    });
  }

  it('CheckNoPublicAccess PASS: an anonymous caller with no request context gets no S3 access', () => {
    fc.assert(
      fc.property(policyArb('resource'), (text) => {
        const policy = compile(text, 'resource');
        fc.pre(policy !== undefined);
        if (checkNoPublicAccess({ policyDocument: text, resourceType: 'AWS::S3::Bucket' }).result !== 'PASS') return;
        for (const action of ACTIONS.filter((a) => a.startsWith('s3:'))) {
          for (const resource of RESOURCES) {
            const req: Request = { principal: { kind: 'Anonymous' }, action, resource, context: {}, boundary: false };
            if (allowed(policy as CompiledPolicy, req)) assert.fail(`public access: ${action} ${resource}\n${text}`);
          }
        }
      }),
      RUNS,
    );
  });
});

/**
 * `base` changed a little, so that the pair lies near the boundary between PASS and FAIL: one element
 * (Action, Resource, Condition, Principal, Effect) of one statement taken from `other`, one of `other`'s
 * statements added, the last statement dropped, or the statements reordered.
 */
function variant(base: string, other: string, choice: number): string {
  const a = JSON.parse(base) as { Statement: Record<string, unknown>[] };
  const b = JSON.parse(other) as { Statement: Record<string, unknown>[] };
  const st = a.Statement.map((x) => ({ ...x }));
  const from = b.Statement[0];
  switch (choice % 5) {
    case 0:
      st.push(from);
      break;
    case 1:
      if (st.length > 1) st.pop();
      break;
    case 2:
      st.reverse();
      break;
    default: {
      const target = st[choice % st.length];
      const groups = [
        ['Action', 'NotAction'],
        ['Resource', 'NotResource'],
        ['Condition'],
        ['Principal', 'NotPrincipal'],
        ['Effect'],
      ];
      const group = groups[choice % groups.length];
      for (const k of group) delete target[k];
      for (const k of group) if (from[k] !== undefined) target[k] = from[k];
    }
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: st });
}
