import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  authorize,
  compilePolicy,
  type AuthorizationRequest,
  type CompiledPolicy,
  type ConditionEntry,
  type Decision,
  type Effect,
  type PolicyKind,
  type PolicyStatement,
  type PrincipalSpec,
  type RequestPrincipal,
} from './index.js';

/** Properties of the evaluation logic over generated policies and requests (bounded runs). */

const RUNS = { numRuns: 300 };

const ACTIONS = [
  's3:GetObject',
  's3:PutObject',
  's3:DeleteObject',
  's3:ListBucket',
  's3:GetBucketPolicy',
  's3:GetObjectAcl',
  'iam:CreateUser',
  'iam:GetUser',
  'ec2:RunInstances',
  'sts:AssumeRole',
];
const ACTION_PATTERNS = [...ACTIONS, 's3:*', 's3:Get*', '*', 'iam:*', 's3:*Object', 's3:?etObject', 'ec2:*', 'S3:getobject'];
const RESOURCES = [
  'arn:aws:s3:::b1',
  'arn:aws:s3:::b1/k1',
  'arn:aws:s3:::b1/dir/k2',
  'arn:aws:s3:::b2/k1',
  'arn:aws:iam::111122223333:user/alice',
];
const RESOURCE_PATTERNS = [...RESOURCES, 'arn:aws:s3:::b1/*', 'arn:aws:s3:::*', 'arn:aws:s3:::b?/k1', '*', 'arn:aws:iam::*:user/*'];
const CONDITIONS: readonly (readonly ConditionEntry[])[] = [
  [],
  [{ operator: 'StringEquals', key: 'aws:RequestTag/env', values: ['prod'] }],
  [{ operator: 'StringNotEquals', key: 'aws:RequestTag/env', values: ['dev'] }],
  [{ operator: 'Bool', key: 'aws:SecureTransport', values: ['true'] }],
  [{ operator: 'IpAddress', key: 'aws:SourceIp', values: ['10.0.0.0/8'] }],
  [{ operator: 'StringLikeIfExists', key: 'aws:RequestTag/env', values: ['p*'] }],
  [{ operator: 'ForAllValues:StringEquals', key: 'aws:TagKeys', values: ['env', 'team'] }],
  [{ operator: 'Null', key: 'aws:RequestTag/env', values: ['false'] }],
];
const ACCOUNT = '111122223333';
const PRINCIPALS: readonly RequestPrincipal[] = [
  { kind: 'User', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, accountId: ACCOUNT, userId: 'AIDAALICE', username: 'alice' },
  { kind: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app/s1`, accountId: ACCOUNT, userId: 'AROAAPP:s1', roleArn: `arn:aws:iam::${ACCOUNT}:role/app` },
  { kind: 'User', arn: 'arn:aws:iam::444455556666:user/olivia', accountId: '444455556666', userId: 'AIDAOLIVIA', username: 'olivia' },
  { kind: 'Root', arn: `arn:aws:iam::${ACCOUNT}:root`, accountId: ACCOUNT, userId: ACCOUNT },
  { kind: 'Anonymous' },
];
const RESOURCE_PRINCIPALS: readonly PrincipalSpec[] = [
  { wildcard: true, aws: [], service: [], federated: [], canonicalUser: [] },
  { wildcard: false, aws: [`arn:aws:iam::${ACCOUNT}:user/alice`], service: [], federated: [], canonicalUser: [] },
  { wildcard: false, aws: [ACCOUNT], service: [], federated: [], canonicalUser: [] },
  { wildcard: false, aws: [`arn:aws:iam::${ACCOUNT}:role/app`], service: [], federated: [], canonicalUser: [] },
  { wildcard: false, aws: ['444455556666'], service: [], federated: [], canonicalUser: [] },
];

interface StatementSpec {
  readonly effect: Effect;
  readonly notAction: boolean;
  readonly actions: readonly string[];
  readonly notResource: boolean;
  readonly resources: readonly string[];
  readonly conditions: readonly ConditionEntry[];
  readonly principal: PrincipalSpec | undefined;
}

function statement(s: StatementSpec, i: number): PolicyStatement {
  return {
    sid: `S${i}`,
    effect: s.effect,
    principal: s.principal,
    notPrincipal: undefined,
    action: s.notAction ? undefined : s.actions,
    notAction: s.notAction ? s.actions : undefined,
    resource: s.notResource ? undefined : s.resources,
    notResource: s.notResource ? s.resources : undefined,
    conditions: s.conditions,
    span: undefined,
  };
}

let ids = 0;
function policy(specs: readonly StatementSpec[], kind: PolicyKind): CompiledPolicy {
  const document = { version: '2012-10-17' as const, versionGiven: true, id: undefined, statements: specs.map(statement) };
  return compilePolicy(document, { id: `p${++ids}`, kind });
}

const statementArb = (withPrincipal: boolean): fc.Arbitrary<StatementSpec> =>
  fc.record({
    effect: fc.constantFrom<Effect>('Allow', 'Allow', 'Deny'),
    notAction: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
    actions: fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 3 }),
    notResource: fc.integer({ min: 0, max: 9 }).map((n) => n < 3),
    resources: fc.subarray(RESOURCE_PATTERNS, { minLength: 1, maxLength: 3 }),
    conditions: fc.constantFrom(...CONDITIONS),
    principal: withPrincipal ? fc.constantFrom(...RESOURCE_PRINCIPALS) : fc.constant(undefined),
  });

const contextArb = fc.record(
  {
    'aws:RequestTag/env': fc.constantFrom('prod', 'dev', 'perf'),
    'aws:SecureTransport': fc.constantFrom('true', 'false'),
    'aws:SourceIp': fc.constantFrom('10.1.2.3', '192.168.0.1'),
    'aws:TagKeys': fc.subarray(['env', 'team', 'owner']),
  },
  { requiredKeys: [] },
);

interface Scenario {
  readonly principal: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  readonly context: Readonly<Record<string, string | readonly string[]>>;
  readonly identity: readonly (readonly StatementSpec[])[];
  readonly resourcePolicy: readonly StatementSpec[] | undefined;
}

const scenarioArb: fc.Arbitrary<Scenario> = fc.record({
  principal: fc.constantFrom(...PRINCIPALS),
  action: fc.constantFrom(...ACTIONS),
  resource: fc.constantFrom(...RESOURCES),
  context: contextArb,
  identity: fc.array(fc.array(statementArb(false), { minLength: 1, maxLength: 4 }), { maxLength: 3 }),
  resourcePolicy: fc.option(fc.array(statementArb(true), { minLength: 1, maxLength: 4 }), { nil: undefined }),
});

function request(s: Scenario, extra: { identity?: StatementSpec[]; resource?: StatementSpec[]; scps?: StatementSpec[][] } = {}): AuthorizationRequest {
  const identity = s.identity.map((p) => policy(p, 'identity'));
  if (extra.identity) identity.push(policy(extra.identity, 'identity'));
  const resourceSpecs = s.resourcePolicy || extra.resource ? [...(s.resourcePolicy ?? []), ...(extra.resource ?? [])] : undefined;
  return {
    principal: s.principal,
    action: s.action,
    resource: s.resource,
    resourceAccount: ACCOUNT,
    context: s.context,
    policies: {
      identity,
      resourcePolicy: resourceSpecs ? policy(resourceSpecs, 'resource') : undefined,
      scps: extra.scps?.map((level) => [policy(level, 'scp')]),
    },
  };
}

const decide = (r: AuthorizationRequest): Decision => authorize(r).decision;

const ALLOW_ALL: StatementSpec = {
  effect: 'Allow',
  notAction: false,
  actions: ['*'],
  notResource: false,
  resources: ['*'],
  conditions: [],
  principal: undefined,
};
const DENY_ALL: StatementSpec = { ...ALLOW_ALL, effect: 'Deny' };

describe('policy evaluation properties', () => {
  it('adding an Allow never turns Allow into a deny, and never removes an explicit deny', () => {
    fc.assert(
      fc.property(scenarioArb, statementArb(false), statementArb(true), fc.boolean(), (s, idStmt, rpStmt, toResource) => {
        const before = decide(request(s));
        const extra = toResource ? { resource: [{ ...rpStmt, effect: 'Allow' as const }] } : { identity: [{ ...idStmt, effect: 'Allow' as const }] };
        const after = decide(request(s, extra));
        if (before === 'Allow') assert.equal(after, 'Allow');
        if (before === 'ExplicitDeny') assert.equal(after, 'ExplicitDeny');
        if (before !== 'ExplicitDeny') assert.notEqual(after, 'ExplicitDeny');
      }),
      RUNS,
    );
  });

  it('an explicit Deny of everything always wins (identity, resource policy, SCP)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const iam = s.principal.kind !== 'Anonymous';
        if (iam && s.principal.kind !== 'Root') assert.equal(decide(request(s, { identity: [DENY_ALL] })), 'ExplicitDeny');
        const everyone: PrincipalSpec = RESOURCE_PRINCIPALS[0];
        // The one documented exception: the bucket owner's root may always manage the bucket policy.
        const lockoutException = s.principal.kind === 'Root' && /^s3:(Get|Put|Delete)BucketPolicy$/.test(s.action);
        const withDeny = decide(request(s, { resource: [{ ...DENY_ALL, principal: everyone }] }));
        assert.equal(withDeny, lockoutException ? 'Allow' : 'ExplicitDeny');
        if (iam) assert.equal(decide(request(s, { scps: [[ALLOW_ALL, DENY_ALL]] })), 'ExplicitDeny');
      }),
      RUNS,
    );
  });

  it('an SCP level that allows nothing denies every IAM principal', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        if (s.principal.kind === 'Anonymous') return;
        assert.notEqual(decide(request(s, { scps: [[ALLOW_ALL], []] })), 'Allow');
      }),
      RUNS,
    );
  });

  it('NotAction X allows exactly the sampled actions that Action X does not', () => {
    fc.assert(
      fc.property(fc.subarray(ACTION_PATTERNS, { minLength: 1, maxLength: 3 }), (patterns) => {
        const alice = PRINCIPALS[0];
        for (const action of ACTIONS) {
          const base = { ...ALLOW_ALL, actions: patterns };
          const byAction = decide({ principal: alice, action, resource: '*', policies: { identity: [policy([base], 'identity')] } });
          const byNotAction = decide({ principal: alice, action, resource: '*', policies: { identity: [policy([{ ...base, notAction: true }], 'identity')] } });
          assert.equal(byNotAction === 'Allow', byAction !== 'Allow', `${action} vs ${patterns.join(',')}`);
        }
      }),
      RUNS,
    );
  });

  it('NotResource X allows exactly the sampled resources that Resource X does not', () => {
    fc.assert(
      fc.property(fc.subarray(RESOURCE_PATTERNS, { minLength: 1, maxLength: 3 }), (patterns) => {
        const alice = PRINCIPALS[0];
        for (const resource of RESOURCES) {
          const base = { ...ALLOW_ALL, resources: patterns };
          const r1 = decide({ principal: alice, action: 's3:GetObject', resource, policies: { identity: [policy([base], 'identity')] } });
          const r2 = decide({ principal: alice, action: 's3:GetObject', resource, policies: { identity: [policy([{ ...base, notResource: true }], 'identity')] } });
          assert.equal(r2 === 'Allow', r1 !== 'Allow', `${resource} vs ${patterns.join(',')}`);
        }
      }),
      RUNS,
    );
  });

  it('the order of statements and of policies does not change the decision', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const reversed: Scenario = {
          ...s,
          identity: [...s.identity].reverse().map((p) => [...p].reverse()),
          resourcePolicy: s.resourcePolicy ? [...s.resourcePolicy].reverse() : undefined,
        };
        assert.equal(decide(request(reversed)), decide(request(s)));
      }),
      RUNS,
    );
  });

  it('condition keys compare case-insensitively (policy and request side)', () => {
    fc.assert(
      fc.property(scenarioArb, (s) => {
        const upper = (specs: readonly StatementSpec[]) =>
          specs.map((st) => ({ ...st, conditions: st.conditions.map((c) => ({ ...c, key: c.key.toUpperCase() })) }));
        const context: Record<string, string | readonly string[]> = {};
        for (const [k, v] of Object.entries(s.context)) context[k.toLowerCase()] = v;
        const shouted: Scenario = { ...s, context, identity: s.identity.map(upper), resourcePolicy: s.resourcePolicy && upper(s.resourcePolicy) };
        assert.equal(decide(request(shouted)), decide(request(s)));
      }),
      RUNS,
    );
  });

  it('a negated operator is the negation of its positive form on a present single value', () => {
    const pairs = [
      ['StringEquals', 'StringNotEquals', 'aws:RequestTag/env', ['prod', 'dev', 'PROD']],
      ['StringLike', 'StringNotLike', 'aws:RequestTag/env', ['p*', 'd?v', 'x']],
      ['StringEqualsIgnoreCase', 'StringNotEqualsIgnoreCase', 'aws:RequestTag/env', ['PROD', 'dev']],
      ['NumericEquals', 'NumericNotEquals', 's3:max-keys', ['10', '20']],
      ['DateEquals', 'DateNotEquals', 'aws:CurrentTime', ['2024-01-01T00:00:00Z', '2024-01-02T00:00:00Z']],
      ['IpAddress', 'NotIpAddress', 'aws:SourceIp', ['10.0.0.0/8', '192.168.0.0/16']],
      ['ArnLike', 'ArnNotLike', 'aws:SourceArn', ['arn:aws:s3:::b*', 'arn:aws:s3:::c']],
      ['ArnEquals', 'ArnNotEquals', 'aws:SourceArn', ['arn:aws:s3:::b1', 'arn:aws:s3:::b?']],
    ] as const;
    const requestValues: Record<string, readonly string[]> = {
      'aws:RequestTag/env': ['prod', 'dev', 'Prod'],
      's3:max-keys': ['10', '20', '10.0'],
      'aws:CurrentTime': ['2024-01-01T00:00:00Z', '2024-01-03T00:00:00Z'],
      'aws:SourceIp': ['10.1.1.1', '172.16.0.1'],
      'aws:SourceArn': ['arn:aws:s3:::b1', 'arn:aws:s3:::c'],
    };
    fc.assert(
      fc.property(fc.constantFrom(...pairs), fc.nat(), fc.nat(), (pair, i, j) => {
        const [positive, negative, key, values] = pair;
        const policyValues = values.slice(0, (i % values.length) + 1);
        const requestValue = requestValues[key][j % requestValues[key].length];
        const alice = PRINCIPALS[0];
        const run = (operator: string) =>
          decide({
            principal: alice,
            action: 's3:GetObject',
            resource: '*',
            context: { [key]: requestValue },
            policies: { identity: [policy([{ ...ALLOW_ALL, conditions: [{ operator, key, values: policyValues }] }], 'identity')] },
          });
        assert.equal(run(negative) === 'Allow', run(positive) !== 'Allow', `${positive}/${negative} ${requestValue} vs ${policyValues.join(',')}`);
      }),
      RUNS,
    );
  });

  it('...IfExists equals the base operator when the key is present and holds when it is missing', () => {
    fc.assert(
      fc.property(fc.constantFrom(...CONDITIONS.filter((c) => c.length === 1 && !c[0].operator.includes('IfExists') && c[0].operator !== 'Null')), contextArb, (cond, context) => {
        const alice = PRINCIPALS[0];
        const c = cond[0];
        const run = (operator: string, ctx: Record<string, string | readonly string[]>) =>
          decide({
            principal: alice,
            action: 's3:GetObject',
            resource: '*',
            context: ctx,
            policies: { identity: [policy([{ ...ALLOW_ALL, conditions: [{ ...c, operator }] }], 'identity')] },
          });
        const present = context[c.key as keyof typeof context] !== undefined;
        if (present) assert.equal(run(`${c.operator}IfExists`, context), run(c.operator, context));
        const { [c.key as keyof typeof context]: _omit, ...without } = context;
        assert.equal(run(`${c.operator}IfExists`, without), 'Allow');
      }),
      RUNS,
    );
  });
});
