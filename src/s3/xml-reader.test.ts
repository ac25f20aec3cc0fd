import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { DEFAULT_MAX_XML_DEPTH, DEFAULT_MAX_XML_NODES, readXml, XmlNotWellFormed, type XmlNode } from './xml-reader.js';

function refused(xml: string, options = {}): boolean {
  try {
    readXml(xml, options);
    return false;
  } catch (e) {
    if (e instanceof XmlNotWellFormed) return true;
    throw e;
  }
}

/** The node as plain data, to compare with deepEqual. */
function plain(n: XmlNode): unknown {
  return { name: n.name, attributes: Object.fromEntries(n.attributes), text: n.text, children: n.children.map(plain) };
}

describe('xml-reader', () => {
  it('reads elements, attributes by local name, text with references and CDATA', () => {
    const doc = readXml(
      '\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- before --><s3:Root xmlns:s3="urn:x" xmlns="urn:y">' +
        "<Grantee xmlns:xsi='urn:xsi' xsi:type=\"Group\" a='1'>g</Grantee><?pi data?>" +
        '<Key> a&amp;b&lt;&#13;&#x1F600;<![CDATA[<&>]]> </Key><Empty/><Empty ></Empty ></s3:Root >\n<!-- after -->\n',
    );
    assert.deepEqual(plain(doc), {
      name: 'Root',
      attributes: {},
      text: '',
      children: [
        { name: 'Grantee', attributes: { type: 'Group', a: '1' }, text: 'g', children: [] },
        { name: 'Key', attributes: {}, text: ' a&b<\r😀<&> ', children: [] },
        { name: 'Empty', attributes: {}, text: '', children: [] },
        { name: 'Empty', attributes: {}, text: '', children: [] },
      ],
    });
  });

  it('refuses what is not well-formed XML', () => {
    const bad = [
      '',
      '   ',
      'text',
      '<a>',
      '<a></b>',
      '<a></a><b/>',
      '<a/>junk',
      'junk<a/>',
      '<!DOCTYPE a [<!ENTITY x "y">]><a>&x;</a>',
      '<a>&x;</a>',
      '<a>&amp</a>',
      '<a>&#0;</a>',
      '<a>&#xD800;</a>',
      '<a>&#x110000;</a>',
      '<a>&#;</a>',
      '<a>\u0001</a>',
      '<a>\uFFFF</a>',
      '<a>]]></a>',
      '<a><!-- a -- b --></a>',
      '<a><!-- a ---></a>',
      '<a><!-- open</a>',
      '<a><![CDATA[open</a>',
      '<![CDATA[x]]><a/>',
      ' <?xml version="1.0"?><a/>',
      '<a/><?xml version="1.0"?>',
      '<a b="1" b="2"/>',
      '<a b="1"c="2"/>',
      '<a b=1/>',
      '<a b="<"/>',
      '<a b="&bogus;"/>',
      '<a:b:c/>',
      '<:a/>',
      '<a:/>',
      '<1a/>',
      '< a/>',
      '<a / >',
      '<a></a >x',
      '<a><b></a></b>',
      '<a></A>',
    ];
    for (const xml of bad) assert.ok(refused(xml), JSON.stringify(xml));
  });

  it('bounds depth and size', () => {
    const nested = (n: number) => '<a>'.repeat(n) + '</a>'.repeat(n);
    assert.ok(!refused(nested(DEFAULT_MAX_XML_DEPTH)));
    assert.ok(refused(nested(DEFAULT_MAX_XML_DEPTH + 1)));
    assert.ok(refused(nested(100_000)));
    assert.ok(refused(nested(3), { maxDepth: 2 }));
    const flat = (n: number) => `<r>${'<a/>'.repeat(n - 1)}</r>`;
    assert.ok(!refused(flat(DEFAULT_MAX_XML_NODES)));
    assert.ok(refused(flat(DEFAULT_MAX_XML_NODES + 1)));
    assert.ok(refused(`<r ${Array.from({ length: 11 }, (_, i) => `a${i}="x"`).join(' ')}/>`, { maxNodes: 10 }));
  });

  it('reads back any tree it is given as XML (escaped text, attributes, namespaces)', () => {
    type Tree = { name: string; prefix: string; attr: string | undefined; body: string | Tree[] };
    const nameArb = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9._-]{0,5}$/);
    // Characters XML cannot carry raw, and \r (which an XML processor would normalise), left out.
    const unwritable = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff\r]/;
    const textArb = fc.string({ unit: 'grapheme', maxLength: 12 }).filter((s) => !unwritable.test(s));
    const { tree } = fc.letrec<{ tree: Tree }>((tie) => ({
      tree: fc.record({
        name: nameArb,
        prefix: fc.constantFrom('', 'p:'),
        attr: fc.option(textArb, { nil: undefined }),
        body: fc.oneof({ depthSize: 'small' }, textArb, fc.array(tie('tree'), { minLength: 1, maxLength: 3 })),
      }),
    }));
    const esc = (s: string) =>
      s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
    const write = (t: Tree): string => {
      const value = t.attr === undefined ? undefined : esc(t.attr).replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
      const attr = value === undefined ? '' : ` x:attr="${value}"`;
      const inner = typeof t.body === 'string' ? esc(t.body) : t.body.map(write).join('\n');
      return `<${t.prefix}${t.name}${attr}>${inner}</${t.prefix}${t.name}>`;
    };
    const expected = (t: Tree): unknown => ({
      name: t.name,
      attributes: t.attr === undefined ? {} : { attr: t.attr },
      text: typeof t.body === 'string' ? t.body : '',
      children: typeof t.body === 'string' ? [] : t.body.map(expected),
    });
    fc.assert(
      fc.property(tree, (t) => assert.deepEqual(plain(readXml(write(t), { maxDepth: 1000 })), expected(t))),
      { numRuns: 300 },
    );
  });
});
