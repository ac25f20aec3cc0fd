/**
 * Fuzzing the policy parser (bounded runs): whatever the text, parsePolicy returns a document or the
 * owning service's error as data (MalformedPolicyDocument, MalformedPolicy, ...) and never throws; a
 * document it accepts compiles and evaluates without throwing either.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { authorize, compilePolicy, parsePolicy, POLICY_KINDS } from './index.js';
import type { PolicyKind, RequestPrincipal } from './index.js';
import { parseJsonWithSpans } from './json-source.js';

const RUNS = { numRuns: 500 };
const ACCOUNT = '111122223333';
const PRINCIPAL: RequestPrincipal = {
  kind: 'User',
  arn: `arn:aws:iam::${ACCOUNT}:user/alice`,
  accountId: ACCOUNT,
  userId: 'AIDAALICE',
  username: 'alice',
};

const stringPiece = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '*', 's3:*', 's3:GetObject', 'iam:*', 'S3:get*', 'sts:AssumeRole', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b',
      'arn:aws:iam::111122223333:user/alice', 'arn:aws:iam::*:role/${aws:username}', '${aws:username}', '${', '$',
      '${*}', '111122223333', 'ec2.amazonaws.com', 'arn:aws:s3:::', 'arn:', '', ' ', 'Allow', 'Deny', 'allow',
      '2012-10-17', '2008-10-17', 'aws:SourceIp', '10.0.0.0/8', '::1/129', 'aws:CurrentTime', '2020-01-01T00:00:00Z',
      'true', '1e400', '-0', 'NaN', 's3:prefix', 'aws:PrincipalTag/${aws:username}', 'aws:RequestTag/env',
      'ForAllValues:StringLike', 'é😀',
    ),
  },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

const scalar = fc.oneof(stringPiece, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const listOf = <T>(a: fc.Arbitrary<T>) => fc.oneof(a, fc.array(a, { maxLength: 3 }));

const OPERATORS = [
  'StringEquals', 'StringLike', 'StringNotEqualsIgnoreCase', 'ArnLike', 'ArnNotEquals', 'NumericLessThan',
  'DateGreaterThan', 'Bool', 'BinaryEquals', 'IpAddress', 'NotIpAddress', 'Null', 'StringEqualsIfExists',
  'ForAnyValue:StringLike', 'ForAllValues:NumericEquals', 'ForAnyValue:Null', 'Bogus', 'StringLikeIfExistsIfExists',
];
const conditionArb = fc.dictionary(
  fc.oneof(fc.constantFrom(...OPERATORS), fc.string({ maxLength: 8 })),
  fc.oneof(fc.dictionary(stringPiece, listOf(scalar), { maxKeys: 2 }), scalar),
  { maxKeys: 3 },
);
const principalArb = fc.oneof(
  fc.constant('*' as unknown),
  fc.dictionary(fc.constantFrom('AWS', 'Service', 'Federated', 'CanonicalUser', 'X'), listOf(stringPiece), {
    maxKeys: 2,
  }),
  scalar,
);
const statementArb = fc.record(
  {
    Sid: fc.oneof(fc.stringMatching(/^[A-Za-z0-9]{0,6}$/), scalar),
    Effect: fc.oneof(fc.constantFrom('Allow', 'Deny', 'allow', 'Maybe'), scalar),
    Principal: principalArb,
    NotPrincipal: principalArb,
    Action: listOf(stringPiece),
    NotAction: listOf(stringPiece),
    Resource: listOf(stringPiece),
    NotResource: listOf(stringPiece),
    Condition: fc.oneof(conditionArb, scalar),
    Extra: scalar,
  },
  { requiredKeys: [] },
);
const PLAUSIBLE = {
  actions: ['*', 's3:*', 's3:GetObject', 's3:Get*', 'iam:PassRole'],
  resources: ['*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::b', 'arn:aws:s3:::${aws:username}/*'],
  principals: [
    '*',
    { AWS: '*' },
    { AWS: ACCOUNT },
    { AWS: [PRINCIPAL.arn] },
    { Service: 'ec2.amazonaws.com' },
  ] as const,
  operators: ['StringEquals', 'StringLike', 'IpAddress', 'NumericLessThan', 'DateLessThan', 'Bool', 'Null', 'ArnLike'],
  keys: ['aws:SourceIp', 'aws:username', 's3:prefix', 'aws:CurrentTime', 'aws:SecureTransport', 'aws:PrincipalArn'],
};

function conditionBlock(c: { operator: string; key: string; values: unknown }): Record<string, unknown> {
  return { [c.operator]: { [c.key]: c.values } };
}

/** Statements that follow the grammar (the values still vary), so that validation often passes. */
const plausibleStatementArb = fc
  .record({
    effect: fc.constantFrom('Allow', 'Deny'),
    action: fc.tuple(fc.constantFrom('Action', 'NotAction'), listOf(fc.constantFrom(...PLAUSIBLE.actions))),
    resource: fc.tuple(fc.constantFrom('Resource', 'NotResource'), listOf(fc.constantFrom(...PLAUSIBLE.resources))),
    principal: fc.option(fc.constantFrom(...PLAUSIBLE.principals)),
    condition: fc.option(
      fc.record({
        operator: fc.constantFrom(...PLAUSIBLE.operators, 'ForAnyValue:StringLike'),
        key: fc.constantFrom(...PLAUSIBLE.keys, 'aws:TagKeys'),
        values: listOf(fc.oneof(stringPiece, fc.integer(), fc.boolean())),
      }),
    ),
  })
  .map((s) => ({
    Effect: s.effect,
    [s.action[0]]: s.action[1],
    [s.resource[0]]: s.resource[1],
    ...(s.principal === null ? {} : { Principal: s.principal }),
    ...(s.condition === null ? {} : { Condition: conditionBlock(s.condition) }),
  }));

const documentArb = fc.record(
  {
    Version: fc.oneof(fc.constantFrom('2012-10-17', '2008-10-17', '2012-10-18'), scalar),
    Id: fc.oneof(stringPiece, scalar),
    Statement: fc.oneof(listOf(statementArb), scalar),
  },
  { requiredKeys: [] },
);
const plausibleDocumentArb = fc.record({
  Version: fc.constantFrom('2012-10-17', '2008-10-17'),
  Statement: listOf(plausibleStatementArb),
});

const textArb = fc.oneof(
  { weight: 6, arbitrary: plausibleDocumentArb.map((d) => JSON.stringify(d)) },
  { weight: 3, arbitrary: documentArb.map((d) => JSON.stringify(d)) },
  { weight: 1, arbitrary: plausibleDocumentArb.chain((d) => mutated(JSON.stringify(d))) },
  { weight: 1, arbitrary: documentArb.chain((d) => mutated(JSON.stringify(d))) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string() },
);

function mutated(text: string): fc.Arbitrary<string> {
  const syntax = fc.constantFrom('{', '}', '[', ']', '"', ',', ':', '\\', '\\u', '\\ud800', ' ', 'null');
  const insert = fc.oneof(syntax, fc.string({ maxLength: 3 }));
  return fc
    .tuple(fc.nat({ max: text.length }), fc.nat({ max: 4 }), insert)
    .map(([at, cut, s]) => text.slice(0, at) + s + text.slice(Math.min(text.length, at + cut)));
}

interface FuzzOptions {
  readonly kind: PolicyKind;
  readonly managed: boolean;
  readonly resourceDialect: 's3' | 'iam';
}

const optionsArb: fc.Arbitrary<FuzzOptions> = fc.record({
  kind: fc.constantFrom(...POLICY_KINDS),
  managed: fc.boolean(),
  resourceDialect: fc.constantFrom('s3', 'iam') as fc.Arbitrary<'s3' | 'iam'>,
});

/** parsePolicy, compile and one evaluation: returns the error code when refused; never throws. */
function parseCompileEvaluate(text: string, options: FuzzOptions): string | undefined {
  const parsed = parsePolicy(text, { ...options, bucket: 'b', principalExists: (arn) => arn.endsWith('alice') });
  if (!parsed.ok) {
    assert.equal(typeof parsed.error.code, 'string');
    assert.ok(parsed.error.httpStatus >= 400 && parsed.error.httpStatus < 500);
    return parsed.error.code;
  }
  const policy = compilePolicy(parsed.document, { id: 'fuzzed', kind: options.kind });
  const policies = options.kind === 'resource' ? { resource: policy } : { identity: [policy] };
  authorize({
    principal: PRINCIPAL,
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::b/k',
    context: { 'aws:sourceip': '10.1.2.3', 'aws:username': 'alice', 'aws:currenttime': '2026-01-01T00:00:00Z' },
    policies,
  }).decision;
  return undefined;
}

describe('policy parser: any text yields a document or the service error, never an exception', () => {
  it('generated, mutated and random documents, for every policy kind', () => {
    let accepted = 0;
    fc.assert(
      fc.property(textArb, optionsArb, (text, options) => {
        if (parseCompileEvaluate(text, options) === undefined) accepted++;
      }),
      RUNS,
    );
    // Some generated documents must get through validation, or compile and evaluate go unfuzzed.
    assert.ok(accepted > 0);
  });

  it('valid documents reach evaluation', () => {
    // The generator is not so random that nothing parses: a known-good document goes all the way.
    const condition = { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } };
    const text = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*', Condition: condition }],
    });
    assert.equal(parseCompileEvaluate(text, { kind: 'identity', managed: true, resourceDialect: 's3' }), undefined);
  });

  it('the JSON reader never throws, whatever the nesting', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 100_000 }), fc.constantFrom('[', '{"a":'), (depth, open) => {
        const close = open === '[' ? ']' : '}';
        assert.equal(typeof parseJsonWithSpans(open.repeat(depth) + close.repeat(depth)).ok, 'boolean');
      }),
      { numRuns: 30 },
    );
    fc.assert(fc.property(fc.string(), (s) => assert.equal(typeof parseJsonWithSpans(s).ok, 'boolean')), RUNS);
  });
});
