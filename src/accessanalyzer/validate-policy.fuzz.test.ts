/**
 * ValidatePolicy never throws, whatever the text, and every location it returns points into the
 * document: spans in bounds with line/column matching the offset, paths that lead to the text the span
 * covers, one member per path element, findings in document order. Deterministic (seeded) inputs.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  validatePolicy,
  type PathElement,
  type ValidatePolicyFinding,
  type ValidatePolicyResourceType,
  type ValidatePolicyType,
} from './validate-policy.js';
import { pos } from './validate-policy-test-support.js';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TYPES: ValidatePolicyType[] = [
  'IDENTITY_POLICY',
  'RESOURCE_POLICY',
  'SERVICE_CONTROL_POLICY',
  'RESOURCE_CONTROL_POLICY',
];
const RESOURCE_TYPES: (ValidatePolicyResourceType | undefined)[] = [
  undefined, 'AWS::S3::Bucket', 'AWS::S3::AccessPoint', 'AWS::IAM::AssumeRolePolicyDocument', 'AWS::DynamoDB::Table',
];
const STRINGS = [
  '*', 's3:*', 's3:Get*', 's3:GetObject', 'iam:PassRole', 'iam:*', '*:*', 'sts:AssumeRole', 'ec2:Run?nstances',
  'arn:aws:s3:::b/*', 'arn:aws:iam::111122223333:role/*', 'arn:aws:s3:us-east-1:1:b', 'arn:x',
  'arn:aws:s3:::b/${aws:username}', '${', '${}', "${a, 'b}",
  '10.0.0.0/8', '203.0.113.9/24', '::1/129', 'true', 'false', '2024-01-01', '1700000000', 'vpc-123', 'AROAEXAMPLE', '',
  'é\u2028\ud83d\ude00', 'token.actions.githubusercontent.com', 'accounts.google.com', 'cloudtrail.amazonaws.com',
];
const KEYS = [
  'Version', 'Statement', 'Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Principal',
  'NotPrincipal',
  'Condition', 'AWS', 'Service', 'Federated', 'StringEquals', 'StringLike', 'IpAddress', 'Bool', 'NullIfExists',
  'ForAllValues:StringLike', 'aws:SourceIp', 'aws:TagKeys', 'aws:SourceArn', 's3:prefix', 'aws:ResourceTag', 'Allow',
  'Deny', 'Id',
];

function randomValue(r: () => number, depth: number): unknown {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  const roll = r();
  if (depth > 4 || roll < 0.35) return pick(STRINGS);
  if (roll < 0.42) return [null, true, 12, -0.5][Math.floor(r() * 4)];
  if (roll < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
  const o: Record<string, unknown> = {};
  for (let i = Math.floor(r() * 5); i > 0; i--) o[pick(KEYS)] = randomValue(r, depth + 1);
  return o;
}

function randomPolicy(r: () => number): unknown {
  const statement = () => {
    const s = randomValue(r, 2);
    const effect = r() < 0.8 ? 'Allow' : 'Deny';
    const base: Record<string, unknown> = { Effect: effect, Action: randomValue(r, 3), Resource: randomValue(r, 3) };
    return s && typeof s === 'object' && !Array.isArray(s) ? { ...base, ...(s as object) } : base;
  };
  const version = r() < 0.8 ? '2012-10-17' : randomValue(r, 3);
  return { Version: version, Statement: Array.from({ length: 1 + Math.floor(r() * 3) }, statement) };
}

function mutate(r: () => number, text: string): string {
  let t = text;
  for (let n = 1 + Math.floor(r() * 4); n > 0; n--) {
    const at = Math.floor(r() * (t.length + 1));
    const roll = r();
    if (roll < 0.4) t = t.slice(0, at) + t.slice(at + 1 + Math.floor(r() * 5));
    else if (roll < 0.8) t = t.slice(0, at) + '{}[]":,\\ *$a\n'[Math.floor(r() * 14)] + t.slice(at);
    else t = t.slice(0, at) + t.slice(Math.floor(r() * t.length)).slice(0, 20) + t.slice(at);
  }
  return t;
}

/** The JSON value a path leads to, or undefined when the path ends in a key or a substring. */
function follow(root: unknown, path: readonly PathElement[]): { found: boolean; value?: unknown; key?: string } {
  let cur: unknown = root;
  for (const el of path) {
    if ('substring' in el) return { found: false };
    if ('key' in el) return { found: true, key: el.key };
    if ('index' in el) {
      if (!Array.isArray(cur)) return { found: true, value: cur };
      cur = cur[el.index];
    } else {
      // A single statement object is written without an index: {value: 'Statement'} then its element.
      if (Array.isArray(cur) || cur === null || typeof cur !== 'object') return { found: false };
      cur = (cur as Record<string, unknown>)[el.value];
    }
  }
  return { found: true, value: cur };
}

function checkInvariants(text: string, findings: ValidatePolicyFinding[], parsed: unknown): void {
  let last = 0;
  for (const f of findings) {
    assert.ok(['ERROR', 'SECURITY_WARNING', 'SUGGESTION', 'WARNING'].includes(f.findingType));
    assert.match(f.issueCode, /^[A-Z0-9_]+$/);
    assert.match(f.learnMoreLink, /^https:\/\/docs\.aws\.amazon\.com\//);
    assert.ok(f.findingDetails.length > 0 && !f.findingDetails.includes('{{'), f.findingDetails);
    assert.ok(f.locations.length > 0, f.issueCode);
    const first = f.locations[0].span.start.offset;
    assert.ok(first >= last, 'findings in document order');
    last = first;
    for (const l of f.locations) {
      const { start, end } = l.span;
      const inBounds = start.offset >= 0 && start.offset <= end.offset && end.offset <= text.length;
      assert.ok(inBounds, `${f.issueCode} span in bounds`);
      assert.deepEqual(start, pos(text, start.offset));
      assert.deepEqual(end, pos(text, end.offset));
      for (const el of l.path) assert.equal(Object.keys(el).length, 1);
      if (parsed === undefined) continue;
      const target = follow(parsed, l.path);
      if (!target.found) continue;
      const covered = JSON.parse(text.slice(start.offset, end.offset)) as unknown;
      if (target.key !== undefined) assert.equal(covered, target.key, `${f.issueCode} key`);
      else if (l.path.length > 0) assert.deepEqual(covered, target.value, `${f.issueCode} ${JSON.stringify(l.path)}`);
    }
  }
}

describe('validatePolicy fuzzing', () => {
  it('random policies: never throws, locations lead to what they cover', () => {
    const r = rng(18);
    for (let i = 0; i < 1500; i++) {
      const doc = randomPolicy(r);
      const text = JSON.stringify(doc, null, r() < 0.5 ? 2 : undefined);
      const policyType = TYPES[i % TYPES.length];
      const rt = RESOURCE_TYPES[i % RESOURCE_TYPES.length];
      const findings = validatePolicy({ policyDocument: text, policyType, validatePolicyResourceType: rt });
      checkInvariants(text, findings, doc);
    }
  });

  it('mutated documents: never throws, spans stay in the text', () => {
    const r = rng(7);
    const corpus: string[] = [];
    for (let i = 0; i < 40; i++) corpus.push(JSON.stringify(randomPolicy(r), null, 2));
    for (let i = 0; i < 3000; i++) {
      const text = mutate(r, corpus[i % corpus.length]);
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = undefined;
      }
      // Duplicate keys make JSON.parse and the located tree differ: paths are checked on clean texts only.
      const clean = parsed !== undefined && !/"([^"\\]*)"\s*:[^]*"\1"\s*:/.test(text);
      const findings = validatePolicy({ policyDocument: text, policyType: TYPES[i % TYPES.length] });
      checkInvariants(text, findings, clean ? parsed : undefined);
    }
  });

  it('hostile inputs', () => {
    const manyActions = Array.from({ length: 2000 }, (_, i) => `s3:Get*${i}`);
    const inputs = [
      '', ' ', 'null', '[]', '"x"', '{', '{"Statement":', '['.repeat(100000), '{"a":'.repeat(5000),
      `{"Statement":[{"Effect":"Allow","Action":"s3:${'*'.repeat(50000)}","Resource":"${'a'.repeat(100000)}"}]}`,
      `{"Statement":[{"Effect":"Allow","Action":${JSON.stringify(manyActions)},"Resource":"*"}]}`,
      '\ufeff{"Version":"2012-10-17"}',
      '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}',
    ];
    for (const text of inputs) {
      for (const policyType of TYPES) {
        checkInvariants(text, validatePolicy({ policyDocument: text, policyType }), undefined);
      }
    }
  });
});
