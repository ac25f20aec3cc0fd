import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RawXml, toXml, toXmlBody } from './xml.js';

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

  it('stays text without raw elements', () => {
    assert.equal(typeof toXmlBody('R', { A: 'x' }), 'string');
  });
});
