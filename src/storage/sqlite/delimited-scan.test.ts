import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { delimitedScan } from './delimited-scan.js';
import { compareKeys } from './key-bytes.js';

/** A sorted key list served the way SQL serves it: rows from a cursor (the least key that may come next). */
function table(keys: readonly string[]) {
  const sorted = [...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const stats = { rowsRead: 0, fetches: 0 };
  const fetch = (cursor: string, count: number) => {
    stats.fetches++;
    const from = sorted.findIndex((k) => compareKeys(k, cursor) >= 0);
    const rows = from < 0 ? [] : sorted.slice(from, from + count);
    stats.rowsRead += rows.length;
    return rows;
  };
  return { fetch, stats };
}

function scan(keys: readonly string[], q: { prefix?: string; delimiter?: string; marker?: string; limit: number }) {
  const { fetch, stats } = table(keys);
  const prefix = q.prefix ?? '';
  const result = delimitedScan<string, string>({
    prefix,
    delimiter: q.delimiter ?? '',
    marker: q.marker ?? '',
    limit: q.limit,
    start: `${q.marker ?? ''}\0` > prefix ? `${q.marker ?? ''}\0` : prefix,
    fetch: (cursor, count) => fetch(cursor, count).filter((k) => k.startsWith(prefix)),
    keyOf: (k) => k,
    cursorAfterRow: (k) => `${k}\0`,
    cursorAfterPrefix: (cp) => `${cp}\uffff`,
  });
  return { result, stats };
}

describe('delimitedScan', () => {
  const keys: string[] = [];
  for (let p = 0; p < 50; p++) for (let k = 0; k < 1000; k++) keys.push(`p${String(p).padStart(2, '0')}/k${String(k).padStart(4, '0')}`);
  for (let k = 0; k < 20; k++) keys.push(`z${k}`);

  it('seeks past each common prefix instead of reading the keys inside it', () => {
    const { result, stats } = scan(keys, { delimiter: '/', limit: 40 });
    assert.equal(result.commonPrefixes.length, 40);
    assert.equal(result.commonPrefixes[39], 'p39/');
    assert.equal(result.isTruncated, true);
    assert.deepEqual(result.last, { kind: 'prefix', prefix: 'p39/' });
    // About one row per prefix (and one more to know the page is truncated), not a thousand.
    assert.ok(stats.rowsRead <= 2 * 41, `read ${stats.rowsRead} rows`);
  });

  it('reads the keys after the prefixes in growing batches, and none twice', () => {
    const { result, stats } = scan(keys, { delimiter: '/', marker: 'p45/', limit: 1000 });
    assert.deepEqual(result.commonPrefixes, ['p46/', 'p47/', 'p48/', 'p49/']);
    assert.equal(result.rows.length, 20);
    assert.equal(result.isTruncated, false);
    assert.ok(stats.rowsRead <= 4 * 2 + 20 + 5, `read ${stats.rowsRead} rows`);
    assert.ok(stats.fetches <= 12, `${stats.fetches} fetches`);
  });

  it('reads a page without delimiter in one batch', () => {
    const { result, stats } = scan(keys, { prefix: 'p07/', limit: 1000 });
    assert.equal(result.rows.length, 1000);
    assert.equal(result.isTruncated, false);
    assert.equal(stats.fetches, 1);
  });
});

describe('compareKeys', () => {
  it('orders strings as their UTF-8 bytes', () => {
    const samples = ['', 'a', 'a/', 'a\0', 'ab', 'é', '\ud7ff', '\ue000', '\uffff', '\u{10000}', '\u{1F600}', '\u{1F600}a', 'z', '日本'];
    for (const a of samples) {
      for (const b of samples) {
        const bytes = Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)));
        assert.equal(Math.sign(compareKeys(a, b)), bytes, `${JSON.stringify(a)} vs ${JSON.stringify(b)}`);
      }
    }
  });
});
