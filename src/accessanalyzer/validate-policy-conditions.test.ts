import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PathElement } from './validate-policy.js';
import {
  allow,
  BUCKET,
  codes,
  expectFindings,
  ix,
  k,
  nested,
  policy,
  pos,
  ROOT,
  run,
  S,
  TRUST,
  v,
  type Where,
} from './validate-policy-test-support.js';

/** Condition checks, policy variables, general warnings and suggestions. */

const withCondition = (condition: unknown, effect = 'Allow') =>
  policy({ Effect: effect, Action: 's3:ListBucket', Resource: 'arn:aws:s3:::b', Condition: condition });
/** A path into the first statement's Condition. */
const C = (...rest: PathElement[]): PathElement[] => S(0, v('Condition'), ...rest);
/** A condition key, where findings about the key point. */
const key = (operator: string, name: string): Where => [C(v(operator), k(name)), JSON.stringify(name)];

describe('validatePolicy: condition operators and keys', () => {
  it('invalid operators, Null with IfExists or a qualifier', () => {
    const doc = withCondition({
      StringEqualz: { 'aws:username': 'a' },
      NullIfExists: { 'aws:username': 'true' },
      'ForAnyValue:Null': { 'aws:TagKeys': 'true' },
    });
    expectFindings(doc, [
      ['ERROR', 'INVALID_CONDITION_OPERATOR', [C(k('StringEqualz')), '"StringEqualz"']],
      ['ERROR', 'NULL_WITH_IF_EXISTS', [C(k('NullIfExists')), '"NullIfExists"']],
      ['SUGGESTION', 'NULL_WITH_QUALIFIER', [C(k('ForAnyValue:Null')), '"ForAnyValue:Null"']],
    ]);
    assert.equal(
      run(doc).findings[0].findingDetails,
      'The condition operator StringEqualz is not valid. Use a valid condition operator.',
    );
  });

  it('key format, unknown and unsupported global keys, tag keys, keys repeated in two spellings', () => {
    const doc = withCondition({
      StringEquals: {
        username: 'a',
        'aws:ARN': 'arn:aws:iam::111122223333:user/a',
        'aws:Usernme': 'a',
        'aws:ResourceTag': 'x',
        'aws:PrincipalAccount': '111122223333',
        'aws:principalaccount': '111122223333',
      },
    });
    expectFindings(doc, [
      ['ERROR', 'INVALID_CONDITION_KEY_FORMAT', key('StringEquals', 'username')],
      ['ERROR', 'UNSUPPORTED_GLOBAL_CONDITION_KEY', key('StringEquals', 'aws:ARN')],
      ['ERROR', 'INVALID_GLOBAL_CONDITION_KEY', key('StringEquals', 'aws:Usernme')],
      ['ERROR', 'MISSING_TAG_KEY_IN_CONDITION', key('StringEquals', 'aws:ResourceTag')],
      ['ERROR', 'DUPLICATE_KEYS_WITH_DIFFERENT_CASE', key('StringEquals', 'aws:principalaccount')],
    ]);
    assert.equal(
      run(doc).findings[3].findingDetails,
      'The condition key aws:ResourceTag/ must include a tag key to control access based on tags. ' +
        'Use the format aws:ResourceTag/tag-key and specify a key name for tag-key.',
    );
    const fine = { 'aws:ResourceTag/team': 'a', 's3:prefix': 'home/', 'cognito-identity.amazonaws.com:aud': 'x' };
    assert.deepEqual(codes(withCondition({ StringEquals: fine })), []);
  });

  it('global keys against their operator type; set qualifiers', () => {
    const forAll = 'ForAllValues:StringEquals';
    const doc = withCondition({
      StringEquals: { 'aws:MultiFactorAuthPresent': 'true', 'aws:TagKeys': 'team' },
      StringLike: { 'aws:SourceArn': 'arn:aws:s3:::b*' },
      'ForAllValues:StringEquals': { 'aws:PrincipalAccount': '111122223333', 'aws:TagKeys': ['team'] },
    });
    expectFindings(doc, [
      ['WARNING', 'TYPE_MISMATCH', key('StringEquals', 'aws:MultiFactorAuthPresent')],
      ['ERROR', 'MISSING_QUALIFIER', key('StringEquals', 'aws:TagKeys')],
      ['SECURITY_WARNING', 'STRING_LIKE_OPERATOR_WITH_ARN_CONDITION_KEYS', key('StringLike', 'aws:SourceArn')],
      ['SECURITY_WARNING', 'FORALLVALUES_WITH_SINGLE_VALUED_KEY', key(forAll, 'aws:PrincipalAccount')],
    ]);
    const details = run(doc).findings.map((f) => f.findingDetails);
    assert.equal(
      details[0],
      'Use the operator type Boolean instead of operator StringEquals for the condition key ' +
        'aws:MultiFactorAuthPresent.',
    );
    assert.equal(
      details[2],
      'Use the operator type ARN instead of operator StringLike for the condition key aws:SourceArn.',
    );
  });
});

describe('validatePolicy: condition values', () => {
  it('values against the operator type', () => {
    const condition: Record<string, Record<string, unknown>> = {
      Bool: { 'aws:SecureTransport': ['yes', 'false'] },
      NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600', '2700', 'soon'] },
      DateGreaterThan: { 'aws:CurrentTime': '1700000000', 'aws:TokenIssueTime': 'yesterday' },
      BinaryEquals: { 's3:x': 'not base64!' },
      StringEquals: { 'aws:username': ['alice', 'bob*', 1] },
      NumericEquals: { 's3:max-keys': '${aws:username}' },
    };
    /** A key's value (or its i-th item), as the document writes it 10 spaces deep. */
    const at = (op: string, name: string, i?: number): Where => {
      const values = condition[op][name];
      if (i === undefined) return [C(v(op), v(name)), nested(values, 10)];
      return [C(v(op), v(name), ix(i)), JSON.stringify((values as unknown[])[i])];
    };
    expectFindings(withCondition(condition), [
      ['ERROR', 'INVALID_CONDITION_MULTIPLE_BOOLEAN', at('Bool', 'aws:SecureTransport')],
      ['WARNING', 'TYPE_MISMATCH_BOOLEAN', at('Bool', 'aws:SecureTransport', 0)],
      ['SUGGESTION', 'REDUNDANT_CONDITION_VALUE_NUM', at('NumericLessThan', 'aws:MultiFactorAuthAge')],
      ['WARNING', 'TYPE_MISMATCH_NUMBER', at('NumericLessThan', 'aws:MultiFactorAuthAge', 2)],
      ['WARNING', 'INVALID_DATE_VALUE', at('DateGreaterThan', 'aws:CurrentTime')],
      ['WARNING', 'TYPE_MISMATCH_DATE', at('DateGreaterThan', 'aws:TokenIssueTime')],
      ['WARNING', 'TYPE_MISMATCH_STRING', at('BinaryEquals', 's3:x')],
      ['ERROR', 'INVALID_CONDITION_DATA_TYPE', at('StringEquals', 'aws:username')],
      ['WARNING', 'WILDCARD_WITHOUT_LIKE_OPERATOR', at('StringEquals', 'aws:username', 1)],
      ['ERROR', 'INVALID_VARIABLE_FOR_OPERATOR', at('NumericEquals', 's3:max-keys')],
    ]);
  });

  it('IP ranges: malformed, host bits after the mask, private aws:SourceIp ranges', () => {
    const allowed = ['10.0.0.0/8', '203.0.113.7/24', '300.1.1.1/8'];
    const refused = ['192.168.0.0/16', 'fd00::/8'];
    const doc = withCondition({ IpAddress: { 'aws:SourceIp': allowed }, NotIpAddress: { 'aws:SourceIp': refused } });
    const list = (op: string, values: string[]): Where => [C(v(op), v('aws:SourceIp')), nested(values, 10)];
    const item = (i: number): Where => [C(v('IpAddress'), v('aws:SourceIp'), ix(i)), JSON.stringify(allowed[i])];
    expectFindings(doc, [
      ['SUGGESTION', 'PRIVATE_IP_ADDRESS_SUBSET', list('IpAddress', allowed)],
      ['SUGGESTION', 'IMPROVE_IP_RANGE', item(1)],
      ['ERROR', 'TYPE_MISMATCH_IP_RANGE', item(2)],
      ['ERROR', 'PRIVATE_NOT_IP_ADDRESS', list('NotIpAddress', refused)],
    ]);
    assert.equal(
      run(doc).findings[1].findingDetails,
      'The non-zero bits in the IP address after the masked bits are ignored. Replace address with 203.0.113.0/24.',
    );
    assert.deepEqual(codes(withCondition({ IpAddress: { 'aws:SourceIp': '172.16.5.0/24' } })), ['PRIVATE_IP_ADDRESS']);
  });

  it('VPC and endpoint ids, s3:prefix in a Deny, aws:VpcSourceIp alone, keys a bucket policy cannot use', () => {
    const vpc = { StringEquals: { 'aws:SourceVpc': 'vpc-123', 'aws:SourceVpce': 'vpce-1a2b3c4d' } };
    const doc = withCondition({ ...vpc, IpAddress: { 'aws:VpcSourceIp': '10.1.0.0/16' } });
    expectFindings(doc, [['ERROR', 'INVALID_VPC_FORMAT', [C(v('StringEquals'), v('aws:SourceVpc')), '"vpc-123"']]]);
    const alone = withCondition({ IpAddress: { 'aws:VpcSourceIp': '10.1.0.0/16' } });
    expectFindings(alone, [['SECURITY_WARNING', 'MISSING_PAIRED_CONDITION_KEYS', key('IpAddress', 'aws:VpcSourceIp')]]);
    const deny = withCondition({ StringLike: { 's3:prefix': 'private/*' } }, 'Deny');
    expectFindings(deny, [['SECURITY_WARNING', 'S3_PREFIX_IN_NEGATIVE_CONTEXT', key('StringLike', 's3:prefix')]]);
    assert.deepEqual(codes(withCondition({ StringNotLike: { 's3:prefix': 'private/*' } }, 'Deny')), []);
    const ownAccount = { StringEquals: { 's3:ResourceAccount': '111122223333' } };
    const principal = { AWS: '111122223333' };
    const read = { Principal: principal, Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' };
    const bucket = policy(allow({ ...read, Condition: ownAccount }));
    assert.deepEqual(codes(bucket, ...BUCKET), ['IRRELEVANT_CONDITION_KEY_IN_POLICY']);
  });
});

describe('validatePolicy: policy variables', () => {
  it('each malformed variable, pointed at with a substring', () => {
    const resources = [
      'arn:aws:s3:::b/${aws:username}/*',
      'arn:aws:s3:::b/${aws:username',
      'arn:aws:s3:::b/${ }/x',
      'arn:aws:s3:::b/${aws:user name}',
      "arn:aws:s3:::b/${aws:PrincipalTag/team, 'x}",
    ];
    const action = 's3:GetObject${aws:username}';
    const { text, findings } = run(policy(allow({ Action: action, Resource: resources })));
    /** The finding's path and the variable, in the value `written` at `path`. */
    const sub = (path: PathElement[], written: string, variable: string) => {
      const start = written.indexOf('${');
      return { path: [...path, { substring: { start, length: variable.length } }], written, variable };
    };
    const expected = [
      ['VARIABLE_UNSUPPORTED_IN_ELEMENT', sub(S(0, v('Action')), action, '${aws:username}')],
      ['MISSING_BRACE_IN_VARIABLE', sub(S(0, v('Resource'), ix(1)), resources[1], '${aws:username')],
      ['EMPTY_VARIABLE', sub(S(0, v('Resource'), ix(2)), resources[2], '${ }')],
      ['UNSUPPORTED_SPACE_IN_VARIABLE', sub(S(0, v('Resource'), ix(3)), resources[3], '${aws:user name}')],
      ['MISSING_QUOTE_IN_VARIABLE', sub(S(0, v('Resource'), ix(4)), resources[4], "${aws:PrincipalTag/team, 'x}")],
    ] as const;
    assert.deepEqual(
      findings.map((f) => f.issueCode),
      expected.map(([code]) => code),
    );
    findings.forEach((f, n) => {
      const { path, written, variable } = expected[n][1];
      const at = text.indexOf(JSON.stringify(written)) + 1 + written.indexOf('${');
      assert.deepEqual(f.locations, [{ path, span: { start: pos(text, at), end: pos(text, at + variable.length) } }]);
      assert.equal(f.findingType, 'ERROR');
    });
    assert.equal(
      findings[0].findingDetails,
      'Policy variables are supported in the Resource and Condition elements. Remove the policy variable ' +
        '${aws:username} from this element.',
    );
  });

  it('variables need Version 2012-10-17; 2008-10-17 is outdated', () => {
    const home = 'arn:aws:s3:::b/${aws:username}/*';
    const doc = { Version: '2008-10-17', Statement: [allow({ Action: 's3:GetObject', Resource: home })] };
    expectFindings(doc, [
      ['SUGGESTION', 'STRONGBOX_OUTDATED_VERSION', [[v('Version')], '"2008-10-17"']],
      ['ERROR', 'VARIABLE_UNSUPPORTED_IN_VERSION', [S(0, v('Resource')), JSON.stringify(home)]],
    ]);
    const escaped = policy(allow({ Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/${aws:username}/${*}' }));
    assert.deepEqual(codes(escaped), []);
  });
});

describe('validatePolicy: suggestions and general warnings', () => {
  it('empty arrays and objects', () => {
    const doc = policy(
      allow({ Principal: {}, Action: [], Resource: [], Condition: {} }),
      allow({
        Principal: { AWS: [] },
        Action: 's3:GetObject',
        Resource: 'arn:aws:s3:::b/*',
        Condition: { StringEquals: { 'aws:username': [] }, 'ForAnyValue:StringLike': { 'aws:TagKeys': [] } },
      }),
    );
    const condition = (op: string, name: string) => S(1, v('Condition'), v(op), v(name));
    const anyValue = 'ForAnyValue:StringLike';
    expectFindings(
      doc,
      [
        ['SUGGESTION', 'EMPTY_OBJECT_PRINCIPAL', [S(0, v('Principal')), '{}']],
        ['SUGGESTION', 'EMPTY_ARRAY_ACTION', [S(0, v('Action')), '[]']],
        ['SUGGESTION', 'EMPTY_ARRAY_RESOURCE', [S(0, v('Resource')), '[]', 1]],
        ['SUGGESTION', 'EMPTY_OBJECT_CONDITION', [S(0, v('Condition')), '{}', 1]],
        ['SUGGESTION', 'EMPTY_ARRAY_PRINCIPAL', [S(1, v('Principal'), v('AWS')), '[]', 2]],
        ['SUGGESTION', 'EMPTY_ARRAY_CONDITION', [condition('StringEquals', 'aws:username'), '[]', 3]],
        ['SUGGESTION', 'EMPTY_ARRAY_CONDITION_FORANYVALUE', [condition(anyValue, 'aws:TagKeys'), '[]', 4]],
      ],
      ...BUCKET,
    );
  });

  it('redundant actions, resources and statements', () => {
    const doc = policy(
      allow({
        Action: ['s3:Get*', 's3:GetObject', 's3:List*', 's3:get*'],
        Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/logs/*', 'arn:aws:s3:::b'],
      }),
      allow({
        Sid: 'Again',
        Action: ['s3:get*', 's3:List*', 's3:GetObject', 's3:Get*'],
        Resource: ['arn:aws:s3:::b', 'arn:aws:s3:::b/logs/*', 'arn:aws:s3:::b/*'],
      }),
    );
    const [first, second] = doc.Statement.map((st) => nested(st, 4));
    const action = (s: number, i: number, written: string, n = 0): Where => [S(s, v('Action'), ix(i)), written, n];
    const logs = '"arn:aws:s3:::b/logs/*"';
    expectFindings(doc, [
      ['SUGGESTION', 'REDUNDANT_ACTION', action(0, 1, '"s3:GetObject"'), action(0, 3, '"s3:get*"')],
      ['SUGGESTION', 'REDUNDANT_RESOURCE', [S(0, v('Resource'), ix(1)), logs]],
      ['SUGGESTION', 'REDUNDANT_STATEMENT', [S(1), second], [S(0), first]],
      ['SUGGESTION', 'REDUNDANT_ACTION', action(1, 2, '"s3:GetObject"', 1), action(1, 3, '"s3:Get*"', 1)],
      ['SUGGESTION', 'REDUNDANT_RESOURCE', [S(1, v('Resource'), ix(1)), logs, 1]],
    ]);
    assert.equal(
      run(doc).findings[0].findingDetails,
      'The 2 action(s) are redundant because they provide similar permissions. Update the policy to remove the ' +
        'redundant action such as: s3:GetObject.',
    );
  });

  it('IAM unique ids where an ARN belongs; a session next to its role', () => {
    const aws = [
      'AROAEXAMPLEROLEID12345',
      'AIDAEXAMPLEUSERID12345',
      'arn:aws:iam::111122223333:role/ops/deploy',
      'arn:aws:sts::111122223333:assumed-role/deploy/ci',
    ];
    const doc = policy(allow({ Principal: { AWS: aws }, Action: 'sts:AssumeRole' }));
    const at = (i: number): Where => [S(0, v('Principal'), v('AWS'), ix(i)), JSON.stringify(aws[i])];
    expectFindings(
      doc,
      [
        ['WARNING', 'INVALID_ROLE_REFERENCE', at(0)],
        ['WARNING', 'INVALID_USER_REFERENCE', at(1)],
        ['SUGGESTION', 'REDUNDANT_PRINCIPAL_IN_ROLE_TRUST_POLICY', at(3)],
      ],
      ...TRUST,
    );
  });

  it('policy size quotas', () => {
    const objects = Array.from({ length: 400 }, (_, i) => `arn:aws:s3:::bucket-${i}/s3:GetObject${'x'.repeat(i % 3)}`);
    const [f] = run(policy(allow({ Action: ['s3:GetObject'], Resource: objects }))).findings;
    assert.equal(f.issueCode, 'POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA');
    const quota = /^The \d+ characters in the identity policy, excluding whitespace, exceed the 6144 character/;
    assert.match(f.findingDetails, quota);
    assert.deepEqual(
      f.locations.map((l) => l.path),
      [[]],
    );
    const describe300 = Array.from({ length: 300 }, (_, i) => `ec2:DescribeThing${i}`);
    const scp = policy({ Effect: 'Deny', Action: describe300, Resource: '*' });
    expectFindings(scp, [['ERROR', 'POLICY_SIZE_EXCEEDS_SCP_QUOTA', [[], ROOT]]], 'SERVICE_CONTROL_POLICY');
  });
});
