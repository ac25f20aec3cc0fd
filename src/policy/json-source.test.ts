import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseJsonWithSpans } from './json-source.js';
import { parsePolicy } from './parse-policy.js';

describe('parseJsonWithSpans', () => {
  it('parses what JSON.parse parses', () => {
    for (const text of ['{}', '[]', '"x"', '1.5e3', 'true', 'null', '{"a":[1,{"b":"\\u00e9\\n"}],"c":-0.5}']) {
      const r = parseJsonWithSpans(text);
      assert.ok(r.ok, text);
      assert.deepEqual(r.value, JSON.parse(text));
    }
  });

  it('refuses what JSON.parse refuses', () => {
    for (const text of ['', '{', '{"a":1,}', "{'a':1}", '[1 2]', '{"a":01}', '"\\x"', '{"a":1} x', 'NaN']) {
      assert.equal(parseJsonWithSpans(text).ok, false, text);
    }
  });

  it('keeps __proto__ as a plain key', () => {
    const r = parseJsonWithSpans('{"__proto__":{"x":1}}');
    assert.ok(r.ok);
    assert.deepEqual(Object.keys(r.value as object), ['__proto__']);
    assert.equal(Object.getPrototypeOf(r.value), Object.prototype);
  });

  it('does not overflow the stack on deep nesting', () => {
    assert.equal(parseJsonWithSpans('['.repeat(100000)).ok, false);
  });

  it('records 1-based line/column spans of statements', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "A", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},\n    {\n      "Sid": "B", "Effect": "Deny", "Action": "s3:*", "Resource": "*"\n    }\n  ]\n}';
    const r = parsePolicy(text, { kind: 'identity' });
    assert.ok(r.ok);
    assert.deepEqual(r.document.statements[0].span, { start: { line: 4, column: 5 }, end: { line: 4, column: 70 } });
    assert.deepEqual(r.document.statements[1].span, { start: { line: 5, column: 5 }, end: { line: 7, column: 5 } });
  });
});
