import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonServiceError, type JsonServiceTarget } from './json-service-call.js';
import { runWorkloadTokenCommand } from './workload-token-command.js';

const ENV = { AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret' };

interface Seen {
  readonly target: JsonServiceTarget;
  readonly op: string;
  readonly input: Readonly<Record<string, unknown>>;
}

async function cli(argv: string[], options: { env?: NodeJS.ProcessEnv; answers?: Record<string, unknown>[] } = {}) {
  let stdout = '';
  let stderr = '';
  const seen: Seen[] = [];
  const answers = [...(options.answers ?? [])];
  const code = await runWorkloadTokenCommand(argv, {
    env: options.env ?? ENV,
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    call: async (target, op, input) => {
      seen.push({ target, op, input });
      const a = answers.shift() ?? {};
      if (a instanceof JsonServiceError) throw a;
      return a;
    },
  });
  return { code, stdout, stderr, seen };
}

test('create prints the two variables to export, with the credentials URI on the endpoint', async () => {
  const argv = ['create', '--instance-profile', 'web', '--description=web tier'];
  const created = { TokenId: 'wt-abc', Token: 'sbw_secret', InstanceProfileArn: 'arn:ip', RoleArn: 'arn:r', CreatedAt: 1 };
  const r = await cli([...argv, '--endpoint-url', 'http://127.0.0.1:9100/'], { answers: [created] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.seen[0].op, 'CreateWorkloadToken');
  assert.deepEqual(r.seen[0].input, { InstanceProfileName: 'web', Description: 'web tier' });
  assert.equal(r.seen[0].target.endpoint, 'http://127.0.0.1:9100');
  assert.equal(r.seen[0].target.service, 'workloads');
  assert.equal(r.seen[0].target.region, 'us-east-1');
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('export '));
  assert.deepEqual(lines, [
    'export AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:9100/_strongbox/workload-credentials',
    'export AWS_CONTAINER_AUTHORIZATION_TOKEN=sbw_secret',
  ]);
});

test('the endpoint, region and session token come from the environment', async () => {
  const env = {
    ...ENV,
    STRONGBOX_ENDPOINT: 'http://localhost:9200',
    AWS_DEFAULT_REGION: 'eu-west-1',
    AWS_SESSION_TOKEN: 'tok',
  };
  const r = await cli(['revoke', 'wt-abc'], { env, answers: [{ WorkloadToken: { TokenId: 'wt-abc', RevokedAt: 0 } }] });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.seen[0].target.endpoint, 'http://localhost:9200');
  assert.equal(r.seen[0].target.region, 'eu-west-1');
  assert.equal(r.seen[0].target.credentials.sessionToken, 'tok');
  assert.deepEqual(r.seen[0].input, { TokenId: 'wt-abc' });
  assert.match(r.stdout, /"RevokedAt": "1970-01-01T00:00:00.000Z"/);
});

test('list follows NextToken to the end', async () => {
  const r = await cli(['list'], {
    answers: [{ WorkloadTokens: [{ TokenId: 'wt-1' }], NextToken: 'n1' }, { WorkloadTokens: [{ TokenId: 'wt-2' }] }],
  });
  assert.equal(r.code, 0);
  assert.deepEqual(r.seen.map((s) => s.input), [{}, { NextToken: 'n1' }]);
  const listed = (JSON.parse(r.stdout) as { WorkloadTokens: unknown[] }).WorkloadTokens;
  assert.deepEqual(listed, [{ TokenId: 'wt-1' }, { TokenId: 'wt-2' }]);
});

test('a refusal prints the service error code and exits 1', async () => {
  const r = await cli(['create', '--instance-profile', 'web'], {
    answers: [new JsonServiceError('AccessDeniedException', 'not authorized to perform: iam:PassRole', 400) as never],
  });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /AccessDeniedException: not authorized to perform: iam:PassRole/);
  assert.equal(r.stdout, '');
});

test('usage errors exit 2 without calling anything', async () => {
  for (const argv of [
    ['create'],
    ['create', '--instance-profile'],
    ['create', '--instance-profile', 'x', '--output', 'yaml'],
    ['revoke'],
    ['revoke', 'a', 'b'],
    ['list', '--instance-profile', 'x'],
    ['frobnicate'],
  ]) {
    const r = await cli(argv);
    assert.equal(r.code, 2, argv.join(' '));
    assert.equal(r.seen.length, 0);
  }
  const noCreds = await cli(['list'], { env: {} });
  assert.equal(noCreds.code, 2);
  assert.match(noCreds.stderr, /AWS_ACCESS_KEY_ID/);
  assert.equal((await cli(['--help'])).code, 0);
});
