import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { authorize, type RequestPrincipal } from '../../policy/index.js';
import { PolicyReadingCompiler } from './policy-readings.js';
import { SecurityTeam } from './security-team.js';

const principal: RequestPrincipal = {
  kind: 'User',
  arn: 'arn:aws:iam::123456789012:user/alice',
  accountId: '123456789012',
  userId: 'AIDAEXAMPLE',
  username: 'alice',
};
const text = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

describe('policy readings', () => {
  const compiler = new PolicyReadingCompiler();
  const decide = (statements: object[]) => {
    const r = compiler.compile({ id: `p-${JSON.stringify(statements)}`, document: text(statements) }, 'identity');
    const ask = (p: typeof r.mayAllow) =>
      authorize({ principal, action: 's3:PutBucketPolicy', resource: 'arn:aws:s3:::*', policies: { identity: [p] } })
        .decision;
    return { may: ask(r.mayAllow), always: ask(r.alwaysAllows) };
  };
  const IP = { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } };

  it('an Allow under a condition may allow, but does not always', () => {
    assert.deepEqual(decide([{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: IP }]), {
      may: 'Allow',
      always: 'ImplicitDeny',
    });
  });

  it('a Deny under a condition leaves the Allow possible, not certain', () => {
    assert.deepEqual(
      decide([
        { Effect: 'Allow', Action: 's3:*', Resource: '*' },
        { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: IP },
      ]),
      { may: 'Allow', always: 'ExplicitDeny' },
    );
  });

  it('keeps statement indexes: the engine cites the statement that grants', () => {
    const r = compiler.compile(
      {
        id: 'indexed',
        document: text([
          { Effect: 'Deny', Action: 's3:*', Resource: '*', Condition: IP },
          { Sid: 'Grant', Effect: 'Allow', Action: 's3:*', Resource: '*' },
        ]),
      },
      'identity',
    );
    const result = authorize({
      principal,
      action: 's3:*',
      resource: 'arn:aws:s3:::*',
      policies: { identity: [r.mayAllow] },
    });
    assert.deepEqual(
      result.matchedStatements.map((m) => [m.policyId, m.statementIndex, m.sid]),
      [['indexed', 1, 'Grant']],
    );
  });

  it('compiles a policy version once, and reads an unparsable one as empty', () => {
    const p = {
      id: 'arn:aws:iam::123456789012:policy/x#v1',
      document: text([{ Effect: 'Allow', Action: '*', Resource: '*' }]),
    };
    assert.equal(compiler.compile(p, 'identity'), compiler.compile(p, 'identity'));
    const broken = compiler.compile({ id: 'broken', document: '{' }, 'identity');
    assert.equal(broken.mayAllow.statements.length, 0);
    assert.equal(compiler.alwaysAllowsOf(broken.mayAllow), broken.alwaysAllows);
  });
});

describe('SecurityTeam', () => {
  const team = new SecurityTeam([
    'arn:aws:iam::123456789012:user/Alice',
    'arn:aws:iam::123456789012:group/security/secops',
    'arn:aws:iam::123456789012:role/Auditor',
    'not-an-arn',
  ]);
  const user = (userName: string, path = '/') => ({
    accountId: '123456789012',
    userId: `AIDA${userName}`,
    userName,
    path,
    createdAt: new Date(0),
    passwordLastUsed: undefined,
    permissionsBoundaryArn: undefined,
  });
  const group = (groupName: string) => ({
    accountId: '123456789012',
    groupId: 'AGPA1',
    groupName,
    path: '/',
    createdAt: new Date(0),
  });

  it('matches users by name whatever the path or case, and through their groups', () => {
    assert.ok(team.includesUser(user('alice', '/staff/'), []));
    assert.ok(team.includesUser(user('bob'), [group('SecOps')]));
    assert.ok(!team.includesUser(user('bob'), [group('ops')]));
    assert.deepEqual(team.invalid, ['not-an-arn']);
  });

  it('matches roles of the same account only', () => {
    const role = { accountId: '123456789012', roleName: 'auditor' } as Parameters<SecurityTeam['includesRole']>[0];
    assert.ok(team.includesRole(role));
    assert.ok(!team.includesRole({ ...role, accountId: '111122223333' }));
  });
});
