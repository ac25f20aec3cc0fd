import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import {
  accessDeniedMessage,
  authorize,
  compilePolicy,
  parsePolicy,
  type AuthorizationRequest,
  type CompiledPolicy,
  type PolicyKind,
  type RequestPrincipal,
} from './index.js';
import type { ConditionFile, EvalCase, EvalCaseFields, EvalFile, PolicyRef, ValidationFile } from './vector-format.js';

/** Thin runner for test/vectors/policy-{eval,validation,corpus}. */

const VECTORS = fileURLToPath(new URL('../../../test/vectors/', import.meta.url));
const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const jsonFiles = (dir: string) =>
  readdirSync(dir)
    .filter((f) => f.endsWith('.json') && !f.startsWith('_'))
    .sort();

const SHARED_PRINCIPALS = readJson<{ principals: Record<string, RequestPrincipal> }>(join(VECTORS, 'policy-eval/_principals.json')).principals;

/** RCPs are parsed with their own rules (Principal "*", Deny-only for customer RCPs). */
const RCP_KIND = 'rcp' as PolicyKind;

let compiledCount = 0;
function compileRef(ref: PolicyRef, kind: PolicyKind, file: EvalFile | undefined, label: string, resourceDialect?: 'iam'): CompiledPolicy {
  const doc = typeof ref === 'string' ? file?.policies?.[ref] : ref;
  assert.ok(doc, `unknown policy ${String(ref)} in ${label}`);
  const parsed = parsePolicy(JSON.stringify(doc, null, 2), { kind, resourceDialect });
  assert.ok(parsed.ok, `${label}: policy ${typeof ref === 'string' ? ref : ''} is invalid: ${parsed.ok ? '' : parsed.error.message}`);
  return compilePolicy(parsed.document, { id: typeof ref === 'string' ? ref : `${kind}-${++compiledCount}`, kind });
}

function principalOf(p: string | RequestPrincipal | undefined, file: { principals?: Readonly<Record<string, RequestPrincipal>> } | undefined): RequestPrincipal {
  if (p === undefined) return SHARED_PRINCIPALS.alice;
  if (typeof p !== 'string') return p;
  const found = file?.principals?.[p] ?? SHARED_PRINCIPALS[p];
  assert.ok(found, `unknown principal ${p}`);
  return found;
}

function buildRequest(file: EvalFile, c: EvalCase): AuthorizationRequest {
  const f: EvalCaseFields = { ...file.defaults, ...c };
  const label = `${file.description} / ${c.name}`;
  const principal = principalOf(f.principal, file);
  const resourceKind: PolicyKind = f.resourcePolicyType === 'Trust' ? 'trust' : 'resource';
  return {
    principal,
    action: f.action ?? 's3:GetObject',
    resource: f.resource ?? 'arn:aws:s3:::example-bucket/key',
    resourceAccount: f.resourceAccount === null ? undefined : (f.resourceAccount ?? '111122223333'),
    context: f.context,
    policies: {
      identity: f.identity?.map((r) => compileRef(r, 'identity', file, label)),
      permissionsBoundary: f.boundary ? compileRef(f.boundary, 'boundary', file, label) : undefined,
      sessionPolicies: f.session?.map((r) => compileRef(r, 'session', file, label)),
      scps: f.scps?.map((level) => level.map((r) => compileRef(r, 'scp', file, label))),
      rcps: f.rcps?.map((level) => level.map((r) => compileRef(r, RCP_KIND, file, label))),
      // KMS key policies are validated with IAM's grammar, as KMS does.
      resourcePolicy: f.resourcePolicy
        ? compileRef(f.resourcePolicy, resourceKind, file, label, f.resourcePolicyType === 'KeyPolicy' ? 'iam' : undefined)
        : undefined,
      resourcePolicyType: f.resourcePolicyType,
      aclGrant: f.acl,
    },
  };
}

function runEvalFile(path: string, file: EvalFile): number {
  describe(`eval: ${path}`, () => {
    for (const c of file.cases) {
      it(c.name, () => {
        const req = buildRequest(file, c);
        const r = authorize(req);
        const ctx = `${c.name}: got ${r.decision} (${String(r.decidedBy)}) trace=${JSON.stringify(r.trace.map((t) => `${t.policyType}:${t.sid ?? t.statementIndex}:${t.effect}`))}`;
        assert.equal(r.decision, c.expect, ctx);
        if (c.expectDecidedBy !== undefined) assert.equal(r.decidedBy, c.expectDecidedBy, ctx);
        if (c.expectSids !== undefined) assert.deepEqual(r.matchedStatements.map((m) => m.sid), c.expectSids, ctx);
        if (c.expectMissing !== undefined) assert.deepEqual([...r.missingContextKeys].sort(), [...c.expectMissing].sort(), ctx);
        if (c.expectMessage !== undefined) {
          assert.equal(accessDeniedMessage({ principal: req.principal, action: req.action, resource: req.resource, result: r }), c.expectMessage);
        }
      });
    }
  });
  return file.cases.length;
}

function conditionPolicy(condition: unknown, effect: 'Allow' | 'Deny', version: string): PolicyRef {
  const statements: unknown[] = [{ Sid: 'Cond', Effect: effect, Action: 's3:GetObject', Resource: '*', Condition: condition }];
  if (effect === 'Deny') statements.push({ Sid: 'AllowAll', Effect: 'Allow', Action: 's3:*', Resource: '*' });
  return { Version: version, Statement: statements } as PolicyRef;
}

function runConditionFile(path: string, file: ConditionFile): number {
  let n = 0;
  describe(`conditions: ${path}`, () => {
    for (const c of file.cases) {
      c.checks.forEach((check, i) => {
        n++;
        it(`${c.name} #${i + 1}${check.note ? ` (${check.note})` : ''}`, () => {
          const version = c.version ?? '2012-10-17';
          const principal = principalOf(check.principal ?? file.principal, undefined);
          const label = `${path} / ${c.name}`;
          for (const effect of ['Allow', 'Deny'] as const) {
            const r = authorize({
              principal,
              action: 's3:GetObject',
              resource: 'arn:aws:s3:::example-bucket/key',
              resourceAccount: principal.accountId,
              context: check.context,
              policies: { identity: [compileRef(conditionPolicy(c.condition, effect, version), 'identity', undefined, label)] },
            });
            const expected = effect === 'Allow' ? (check.expect ? 'Allow' : 'ImplicitDeny') : check.expect ? 'ExplicitDeny' : 'Allow';
            assert.equal(r.decision, expected, `${effect} statement with context ${JSON.stringify(check.context)}`);
          }
        });
      });
    }
  });
  return n;
}

function runValidationFile(path: string, file: ValidationFile): number {
  describe(`validation: ${path}`, () => {
    for (const c of file.cases) {
      it(c.name, () => {
        const text = c.text ?? JSON.stringify(c.document, null, 2);
        const exists = c.existingPrincipals;
        const r = parsePolicy(text, {
          kind: c.kind,
          managed: c.managed,
          bucket: c.bucket,
          resourceDialect: c.resourceDialect,
          principalExists: exists ? (arn) => exists.includes(arn) : undefined,
        });
        if (c.expectError === null) {
          assert.ok(r.ok, `expected valid, got ${r.ok ? '' : `${r.error.code}: ${r.error.message}`}`);
        } else {
          assert.ok(!r.ok, 'expected an error');
          assert.equal(r.error.code, c.expectError.code);
          assert.equal(r.error.message, c.expectError.message);
        }
      });
    }
  });
  return file.cases.length;
}

const CORPUS_OPTIONS: Readonly<Record<string, { kind: PolicyKind; managed: boolean }>> = {
  'identity-managed': { kind: 'identity', managed: true },
  'identity-inline': { kind: 'identity', managed: false },
  resource: { kind: 'resource', managed: false },
  trust: { kind: 'trust', managed: false },
  scp: { kind: 'scp', managed: false },
  session: { kind: 'session', managed: false },
};

function runCorpus(): number {
  const root = join(VECTORS, 'policy-corpus');
  let n = 0;
  describe('corpus: accepted real-world policies', () => {
    for (const dir of readdirSync(root).sort()) {
      if (!statSync(join(root, dir)).isDirectory()) continue;
      const options = CORPUS_OPTIONS[dir];
      it(`corpus directory ${dir} is known`, () => assert.ok(options, `unknown corpus directory ${dir}`));
      if (!options) continue;
      for (const f of jsonFiles(join(root, dir))) {
        n++;
        it(`${dir}/${f}`, () => {
          const r = parsePolicy(readFileSync(join(root, dir, f), 'utf8'), options);
          assert.ok(r.ok, r.ok ? '' : `${r.error.code}: ${r.error.message}`);
          compilePolicy(r.document, { id: f, kind: options.kind });
        });
      }
    }
  });
  return n;
}

let evalCount = 0;
for (const f of jsonFiles(join(VECTORS, 'policy-eval'))) {
  const path = join(VECTORS, 'policy-eval', f);
  const data = readJson<EvalFile | ConditionFile>(path);
  evalCount += data.format === 'conditions' ? runConditionFile(f, data) : runEvalFile(f, data as EvalFile);
}
let validationCount = 0;
for (const f of jsonFiles(join(VECTORS, 'policy-validation'))) {
  validationCount += runValidationFile(f, readJson<ValidationFile>(join(VECTORS, 'policy-validation', f)));
}
const corpusCount = runCorpus();

describe('vector counts', () => {
  it('has several hundred evaluation vectors', () => {
    assert.ok(evalCount >= 300, `only ${evalCount} evaluation vectors`);
    console.log(`policy vectors: ${evalCount} evaluation, ${validationCount} validation, ${corpusCount} corpus`);
  });
});
