import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RecordCache } from './record-cache.js';

describe('RecordCache', () => {
  it('evicts the oldest entry not used since it was last looked at, past the entry bound', () => {
    const c = new RecordCache<string>(2, Infinity);
    c.set('a', 'A');
    c.set('b', 'B');
    assert.equal(c.get('a'), 'A'); // a gets a second chance
    c.set('c', 'C');
    assert.deepEqual([c.get('a'), c.get('b'), c.get('c')], ['A', undefined, 'C']);
    c.set('d', 'D'); // a and c were both used: a gets another round, c is evicted after it
    assert.equal(c.size, 2);
    assert.equal(c.get('d'), 'D');
  });

  it('bounds the total weight, and never keeps an entry heavier than the bound', () => {
    const c = new RecordCache<Buffer>(100, 10, (b) => b.length);
    c.set('a', Buffer.alloc(6));
    c.set('b', Buffer.alloc(6));
    assert.equal(c.get('a'), undefined);
    assert.equal(c.get('b')?.length, 6);
    c.set('huge', Buffer.alloc(11));
    assert.equal(c.get('huge'), undefined);
    assert.equal(c.size, 1);
    c.delete('b');
    c.set('c', Buffer.alloc(10));
    assert.equal(c.get('c')?.length, 10);
  });
});
