import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runAuditCommand } from './audit-command.js';

const files: Record<string, string> = {
  'full.json': JSON.stringify(
    { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] },
    null,
    2,
  ),
  'read.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' }],
  }),
  'public.json': JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::site/*' }],
  }),
};

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = runAuditCommand(argv, {
    stdout: (t) => (out += t),
    stderr: (t) => (err += t),
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw new Error('ENOENT');
      return text;
    },
  });
  return { code, out, err };
}

test('validate: a table of findings with their line and column, exit 1 on a security warning; --json is the API shape', () => {
  const table = run('check', 'validate', '--policy-type', 'IDENTITY_POLICY', 'full.json');
  assert.equal(table.code, 1);
  assert.match(table.out, /^SECURITY_WARNING +STRONGBOX_FULL_SERVICE_ACCESS +\d+:\d+$/m);
  const json = JSON.parse(run('check', 'validate', '--policy-type', 'IDENTITY_POLICY', '--json', 'read.json').out) as {
    findings: unknown[];
  };
  assert.deepEqual(json, { findings: [] });
  assert.equal(run('check', 'validate', '--policy-type', 'IDENTITY_POLICY', 'read.json').code, 0);
});

test('no-new-access, access-not-granted and no-public-access answer PASS (0) or FAIL (1)', () => {
  const widened = run(
    'check',
    'no-new-access',
    '--policy-type',
    'IDENTITY_POLICY',
    '--existing',
    'read.json',
    '--new',
    'full.json',
  );
  assert.equal(widened.code, 1);
  assert.match(widened.out, /^FAIL: /);
  assert.equal(
    run('check', 'no-new-access', '--policy-type', 'IDENTITY_POLICY', '--existing', 'full.json', '--new', 'read.json')
      .code,
    0,
  );
  assert.equal(
    run('check', 'access-not-granted', '--policy-type', 'IDENTITY_POLICY', '--action', 's3:DeleteObject', 'read.json')
      .code,
    0,
  );
  assert.equal(
    run('check', 'access-not-granted', '--policy-type', 'IDENTITY_POLICY', '--action', 's3:GetObject', 'read.json')
      .code,
    1,
  );
  const pub = JSON.parse(
    run('check', 'no-public-access', '--resource-type', 'AWS::S3::Bucket', '--json', 'public.json').out,
  ) as { result: string };
  assert.equal(pub.result, 'FAIL');
});

test('usage errors exit 2 and say what is wrong', () => {
  for (const [argv, why] of [
    [['check', 'validate', 'full.json'], /--policy-type is required/],
    [['check', 'validate', '--policy-type', 'NOPE', 'full.json'], /'NOPE' is not one of/],
    [['check', 'validate', '--policy-type', 'IDENTITY_POLICY', 'missing.json'], /cannot read missing\.json/],
    [['check', 'frobnicate'], /unknown check 'frobnicate'/],
    [['frobnicate'], /unknown audit command 'frobnicate'/],
    [
      ['findings', '--data-dir', '/nonexistent/strongbox'],
      /cannot read the auditor's data in \/nonexistent\/strongbox/,
    ],
    [
      ['check', 'no-public-access', '--resource-type', 'AWS::S3::Bucket', '--bogus', 'public.json'],
      /unknown option '--bogus'/,
    ],
  ] as const) {
    const r = run(...argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.match(r.err, why);
  }
  assert.equal(run('--help').code, 0);
});
