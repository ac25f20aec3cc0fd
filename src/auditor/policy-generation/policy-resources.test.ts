import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_OBJECT_RESOURCES, literalPattern, narrowKeys, policyResources } from './policy-resources.js';

const keys = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i}`);
const arns = (bucket: string, ks: readonly string[]) => ks.map((k) => `arn:aws:s3:::${bucket}/${k}`);

describe('policy resources', { timeout: 10_000 }, () => {
  it('keeps up to MAX_OBJECT_RESOURCES object ARNs of a bucket exact', () => {
    const ks = keys('logs/', MAX_OBJECT_RESOURCES);
    assert.deepEqual(policyResources(arns('b', ks)), arns('b', ks).sort());
  });

  it('collapses a folder with more keys into folder/*, deepest first', () => {
    assert.deepEqual(policyResources(arns('b', keys('logs/2026/', 12))), ['arn:aws:s3:::b/logs/2026/*']);
    // 12 under logs/2026/ → logs/2026/*; then logs/ holds that and 3 more: 4 entries, kept.
    const mixed = [...keys('logs/2026/', 12), ...keys('logs/x', 3), 'top'];
    assert.deepEqual(policyResources(arns('b', mixed)), [
      'arn:aws:s3:::b/logs/2026/*',
      'arn:aws:s3:::b/logs/x0',
      'arn:aws:s3:::b/logs/x1',
      'arn:aws:s3:::b/logs/x2',
      'arn:aws:s3:::b/top',
    ]);
  });

  it('collapses a folder whose sub-folders and keys together exceed the bound; the top level into bucket/*', () => {
    const nested = [...keys('x/y/', 5), ...keys('x/z/', 8)];
    assert.deepEqual(policyResources(arns('b', nested)), ['arn:aws:s3:::b/x/*']);
    assert.deepEqual(policyResources(arns('b', keys('', 11))), ['arn:aws:s3:::b/*']);
    assert.deepEqual(narrowKeys(['a/', 'a/b'], ''), [
      { text: 'a/', wildcard: false },
      { text: 'a/b', wildcard: false },
    ]);
  });

  it('narrows each bucket on its own and keeps other ARNs exact; * absorbs everything', () => {
    const user = 'arn:aws:iam::111122223333:user/bob';
    const got = policyResources([...arns('one', keys('', 11)), ...arns('two', ['k']), 'arn:aws:s3:::two', user]);
    assert.deepEqual(got, [
      'arn:aws:iam::111122223333:user/bob',
      'arn:aws:s3:::one/*',
      'arn:aws:s3:::two',
      'arn:aws:s3:::two/k',
    ]);
    assert.deepEqual(policyResources(['arn:aws:s3:::b/k', '*']), ['*']);
  });

  it('escapes *, ? and $ of literal ARNs so they are neither wildcards nor policy variables', () => {
    assert.equal(literalPattern('arn:aws:s3:::b/a*b?c${aws:username}'), 'arn:aws:s3:::b/a${*}b${?}c${$}{aws:username}');
    assert.deepEqual(policyResources(arns('b', keys('q?/', 11))), ['arn:aws:s3:::b/q${?}/*']);
  });
});
