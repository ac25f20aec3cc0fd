import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isoTimestamp, RawXml, toXml, toXmlBody } from './xml.js';

describe('xml', () => {
  it('escapes text, including control characters as character references', () => {
    assert.equal(toXml('R', { K: `a<b>&"c'\r\x1b` }), `<?xml version="1.0" encoding="UTF-8"?>\n<R><K>a&lt;b&gt;&amp;&quot;c&apos;&#13;&#x1b;</K></R>`);
  });

  it('writes elements rendered into bytes in place, growing past a low size hint', () => {
    const keys = Array.from({ length: 200 }, (_, i) => `clé-${i}-日本-\u{1F600}`);
    const entries = new RawXml((out) => {
      for (const k of keys) out.write(`<E>${k}</E>`);
    }, 16);
    const body = toXmlBody('R', { A: '1', E: entries, Z: 'z' }, 'urn:x');
    assert.ok(Buffer.isBuffer(body));
    const expected = toXml('R', { A: '1', E: keys, Z: 'z' }, 'urn:x');
    assert.equal(body.toString('utf8'), expected);
    assert.equal(toXml('R', { A: '1', E: entries, Z: 'z' }, 'urn:x'), expected);
  });

  it('writes timestamps as toISOString does, in or out of the second before', () => {
    const times = [0, 1, 999, 1000, 1_765_000_000_000, 1_765_000_000_007, 1_765_000_000_070, 1_765_000_000_700, 1_765_000_001_000, -1, -1001, 253_402_300_799_999, 253_402_300_800_000];
    for (const t of [...times, ...times.reverse()]) assert.equal(isoTimestamp(new Date(t)), new Date(t).toISOString(), String(t));
  });

  it('stays text without raw elements', () => {
    assert.equal(typeof toXmlBody('R', { A: 'x' }), 'string');
  });
});
