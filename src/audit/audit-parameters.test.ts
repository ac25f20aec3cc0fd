import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lowerCamel, queryRequestParameters, structuredElements } from './audit-parameters.js';

test('Query parameters become lowerCamelCase members, lists become arrays of structures', () => {
  const params = queryRequestParameters([
    ['Action', 'TagUser'], ['Version', '2010-05-08'], ['UserName', 'alice'],
    ['Tags.member.2.Key', 'b'], ['Tags.member.2.Value', '2'], ['Tags.member.1.Key', 'a'], ['Tags.member.1.Value', '1'],
    ['PolicyArns.member.1', 'arn:aws:iam::aws:policy/ReadOnlyAccess'],
  ]);
  assert.deepEqual(params, {
    userName: 'alice',
    tags: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }],
    policyArns: ['arn:aws:iam::aws:policy/ReadOnlyAccess'],
  });
});

test('a call with only Action and Version has no parameters (CloudTrail: null)', () => {
  assert.equal(queryRequestParameters([['Action', 'ListUsers'], ['Version', '2010-05-08']]), undefined);
});

test('rendered results unwrap XML member lists and render dates as ISO 8601', () => {
  const created = new Date('2026-12-07T05:00:00.000Z');
  assert.deepEqual(structuredElements({ User: { UserName: 'bob', CreateDate: created, Tags: { member: [{ Key: 'k', Value: 'v' }] } } }), {
    user: { userName: 'bob', createDate: '2026-12-07T05:00:00.000Z', tags: [{ key: 'k', value: 'v' }] },
  });
  assert.equal(structuredElements(undefined), undefined);
  assert.equal(lowerCamel('roleArn'), 'roleArn');
});
