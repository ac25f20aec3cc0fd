import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { configurationStateHash, diffConfiguration } from './configuration-diff.js';
import type { JsonObject, JsonValue, ResourceDescription } from './configuration-types.js';
import { canonicalJson } from './canonical-json.js';
import { policyJson } from './description-parts.js';

function described(
  configuration: JsonObject,
  supplementaryConfiguration: Record<string, JsonValue> = {},
): ResourceDescription {
  return {
    resourceType: 'AWS::S3::Bucket',
    resourceId: 'b',
    resourceName: 'b',
    arn: 'arn:aws:s3:::b',
    awsRegion: 'us-east-1',
    accountId: '111122223333',
    resourceCreationTime: new Date('2026-01-01T00:00:00Z'),
    tags: {},
    configuration,
    supplementaryConfiguration,
  };
}

const statement = (sid: string | undefined, action: string): JsonObject => ({
  ...(sid === undefined ? {} : { Sid: sid }),
  Effect: 'Allow',
  Action: action,
  Resource: '*',
});
const withPolicy = (...statements: JsonObject[]) =>
  described({}, { BucketPolicy: { Version: '2012-10-17', Statement: statements } });

describe('diffConfiguration', () => {
  it('finds nothing between equal descriptions, or two absent ones', () => {
    assert.deepEqual(diffConfiguration(undefined, undefined), []);
    assert.deepEqual(
      diffConfiguration(withPolicy(statement('A', 's3:Get*')), withPolicy(statement('A', 's3:Get*'))),
      [],
    );
  });

  it('gives a CREATE per top-level field for a new resource and a DELETE per field for a removed one', () => {
    const d = described({ name: 'b' });
    const created = diffConfiguration(undefined, d);
    assert.deepEqual(
      created.map((c) => c.path),
      [
        'resourceType',
        'resourceId',
        'resourceName',
        'arn',
        'awsRegion',
        'accountId',
        'resourceCreationTime',
        'tags',
        'configuration',
        'supplementaryConfiguration',
      ],
    );
    assert.ok(created.every((c) => c.changeType === 'CREATE' && c.previousValue === undefined));
    assert.equal(created.find((c) => c.path === 'resourceCreationTime')?.updatedValue, '2026-01-01T00:00:00.000Z');
    assert.ok(diffConfiguration(d, undefined).every((c) => c.changeType === 'DELETE' && c.updatedValue === undefined));
  });

  it('matches statements by Sid: dropping the first of three is one DELETE, a changed one an UPDATE', () => {
    const before = withPolicy(statement('A', 'a'), statement('B', 'b'), statement('C', 'c'));
    assert.deepEqual(diffConfiguration(before, withPolicy(statement('B', 'b'), statement('C', 'c'))), [
      {
        path: 'supplementaryConfiguration.BucketPolicy.Statement[Sid=A]',
        changeType: 'DELETE',
        previousValue: statement('A', 'a'),
      },
    ]);
    assert.deepEqual(
      diffConfiguration(before, withPolicy(statement('A', 'a'), statement('B', 'x'), statement('C', 'c'))),
      [
        {
          path: 'supplementaryConfiguration.BucketPolicy.Statement[Sid=B].Action',
          changeType: 'UPDATE',
          previousValue: 'b',
          updatedValue: 'x',
        },
      ],
    );
  });

  it('compares by index when statements have no Sid, or the same Sid twice', () => {
    const before = withPolicy(statement(undefined, 'a'), statement(undefined, 'b'));
    assert.deepEqual(diffConfiguration(before, withPolicy(statement(undefined, 'b'))), [
      {
        path: 'supplementaryConfiguration.BucketPolicy.Statement[0].Action',
        changeType: 'UPDATE',
        previousValue: 'a',
        updatedValue: 'b',
      },
      {
        path: 'supplementaryConfiguration.BucketPolicy.Statement[1]',
        changeType: 'DELETE',
        previousValue: statement(undefined, 'b'),
      },
    ]);
    const twice = diffConfiguration(
      withPolicy(statement('S', 'a'), statement('S', 'b')),
      withPolicy(statement('S', 'a'), statement('S', 'c')),
    );
    assert.deepEqual(
      twice.map((c) => c.path),
      ['supplementaryConfiguration.BucketPolicy.Statement[1].Action'],
    );
  });

  it('reports a change of kind (object to string, null to a value) as an UPDATE where it happens', () => {
    const a = described({ principal: { AWS: ['arn:aws:iam::444455556666:root'] }, boundary: null });
    const b = described({ principal: '*', boundary: { permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/b' } });
    assert.deepEqual(diffConfiguration(a, b), [
      {
        path: 'configuration.principal',
        changeType: 'UPDATE',
        previousValue: { AWS: ['arn:aws:iam::444455556666:root'] },
        updatedValue: '*',
      },
      {
        path: 'configuration.boundary',
        changeType: 'UPDATE',
        previousValue: null,
        updatedValue: { permissionsBoundaryArn: 'arn:aws:iam::111122223333:policy/b' },
      },
    ]);
    assert.deepEqual(diffConfiguration(described({ actions: ['a', 'b'] }), described({ actions: ['a', 'b', 'c'] })), [
      { path: 'configuration.actions[2]', changeType: 'CREATE', updatedValue: 'c' },
    ]);
  });
});

describe('configurationStateHash and canonical JSON', () => {
  it('hashes equal states equally whatever order their members were built in, and different states differently', () => {
    const a = described({ x: 1, y: { p: true, q: [1, 2] } });
    const b = described({ y: { q: [1, 2], p: true }, x: 1 });
    assert.equal(configurationStateHash(a), configurationStateHash(b));
    assert.notEqual(configurationStateHash(a), configurationStateHash(described({ x: 1, y: { p: true, q: [2, 1] } })));
    assert.equal(
      canonicalJson({ b: 1, a: [undefined, new Date(0)], c: undefined }),
      '{"a":[null,"1970-01-01T00:00:00.000Z"],"b":1}',
    );
  });

  it('reads policy documents stored URL-encoded as IAM answers them, and plain ones', () => {
    const doc = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
    assert.deepEqual(policyJson(JSON.stringify(doc)), doc);
    assert.deepEqual(policyJson(encodeURIComponent(JSON.stringify(doc))), doc);
    assert.equal(policyJson('not json'), 'not json');
  });
});
