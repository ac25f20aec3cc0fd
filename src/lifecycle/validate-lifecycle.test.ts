import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isServiceError } from '../errors/service-error.js';
import { parseLifecycleDocument, ruleXml } from './lifecycle-xml.js';
import { validateLifecycleRules } from './validate-lifecycle.js';
import { toXml } from '../protocol/xml.js';

const doc = (...rules: string[]) => `<LifecycleConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${rules.join('')}</LifecycleConfiguration>`;
const rule = (body: string) => `<Rule>${body}</Rule>`;
const check = (xml: string) => validateLifecycleRules(parseLifecycleDocument(xml), () => 'generated');

function code(xml: string): string {
  try {
    check(xml);
    return 'OK';
  } catch (e) {
    assert.ok(isServiceError(e), String(e));
    return e.code;
  }
}

describe('lifecycle configuration: accepted documents', () => {
  it('reads every filter form and action, keeping the filter as written', () => {
    const rules = check(
      doc(
        rule('<ID>empty</ID><Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>'),
        rule('<ID>prefix</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Disabled</Status><Expiration><Date>2030-01-01T00:00:00Z</Date></Expiration>'),
        rule('<ID>tag</ID><Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>3</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>'),
        rule('<ID>gt</ID><Filter><ObjectSizeGreaterThan>100</ObjectSizeGreaterThan></Filter><Status>Enabled</Status><Transition><Days>30</Days><StorageClass>STANDARD_IA</StorageClass></Transition><Transition><Days>90</Days><StorageClass>GLACIER</StorageClass></Transition>'),
        rule('<ID>and</ID><Filter><And><Prefix>a/</Prefix><Tag><Key>x</Key><Value>1</Value></Tag><Tag><Key>y</Key><Value>2</Value></Tag><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter><Status>Enabled</Status><Expiration><Days>5</Days></Expiration>'),
        rule('<Filter><Prefix></Prefix></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>7</DaysAfterInitiation></AbortIncompleteMultipartUpload><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>'),
      ),
    );
    assert.deepEqual(rules.map((r) => r.id), ['empty', 'prefix', 'tag', 'gt', 'and', 'generated']);
    assert.equal(rules[0].filter?.form, 'Empty');
    assert.equal(rules[1].expiration?.date, '2030-01-01T00:00:00.000Z');
    assert.deepEqual(rules[2].filter?.tags, [{ key: 'k', value: 'v' }]);
    assert.deepEqual(rules[2].noncurrentVersionExpiration, { noncurrentDays: 3, newerNoncurrentVersions: 2 });
    assert.equal(rules[3].transitions.length, 2);
    assert.deepEqual(rules[4].filter, { form: 'And', prefix: 'a/', tags: [{ key: 'x', value: '1' }, { key: 'y', value: '2' }], objectSizeGreaterThan: undefined, objectSizeLessThan: 10 });
    assert.equal(rules[5].expiration?.expiredObjectDeleteMarker, true);
    // Rendered back as written: an empty filter stays empty, the And keeps its members.
    const xml = toXml('LifecycleConfiguration', { Rule: rules.map(ruleXml) });
    assert.match(xml, /<ID>empty<\/ID><Filter><\/Filter>/);
    assert.match(xml, /<And><Prefix>a\/<\/Prefix><Tag><Key>x<\/Key><Value>1<\/Value><\/Tag><Tag><Key>y<\/Key>/);
    assert.equal(check(xml).length, 6);
  });

  it('accepts legacy top-level prefixes (V1) that do not overlap', () => {
    const rules = check(
      doc(
        rule('<ID>a</ID><Prefix>a/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>'),
        rule('<ID>b</ID><Prefix>b/</Prefix><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>'),
        rule('<ID>c</ID><Prefix>a/x</Prefix><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>'),
      ),
    );
    assert.deepEqual(rules.map((r) => r.prefix), ['a/', 'b/', 'a/x']);
  });

  it('generates distinct IDs for rules given none', () => {
    const rules = validateLifecycleRules(
      parseLifecycleDocument(doc(rule('<Filter/><Status>Enabled</Status><Expiration><Days>1</Days></Expiration>'), rule('<Filter/><Status>Enabled</Status><Expiration><Days>2</Days></Expiration>'))),
    );
    assert.notEqual(rules[0].id, rules[1].id);
    assert.ok(rules[0].id.length > 20);
  });
});

describe('lifecycle configuration: refused documents, with AWS codes', () => {
  const exp = '<Expiration><Days>1</Days></Expiration>';
  const cases: [string, string, string][] = [
    ['not XML', '<LifecycleConfiguration><Rule>', 'MalformedXML'],
    ['unknown element', doc(rule(`<Filter/><Status>Enabled</Status>${exp}<Foo/>`)), 'MalformedXML'],
    ['no rules', doc(), 'InvalidRequest'],
    ['missing status', doc(rule(`<Filter/>${exp}`)), 'MalformedXML'],
    ['bad status', doc(rule(`<Filter/><Status>On</Status>${exp}`)), 'MalformedXML'],
    ['neither filter nor prefix', doc(rule(`<Status>Enabled</Status>${exp}`)), 'MalformedXML'],
    ['two filter predicates', doc(rule(`<Filter><Prefix>a</Prefix><ObjectSizeLessThan>5</ObjectSizeLessThan></Filter><Status>Enabled</Status>${exp}`)), 'MalformedXML'],
    ['V2 rule with a top-level prefix', doc(rule(`<Filter/><Status>Enabled</Status>${exp}`), rule(`<Prefix>a</Prefix><Status>Enabled</Status>${exp}`)), 'InvalidRequest'],
    ['V1 rule with a filter', doc(rule(`<Prefix>a</Prefix><Status>Enabled</Status>${exp}`), rule(`<Filter/><Status>Enabled</Status>${exp}`)), 'InvalidRequest'],
    ['duplicate IDs', doc(rule(`<ID>x</ID><Filter/><Status>Enabled</Status>${exp}`), rule(`<ID>x</ID><Filter/><Status>Enabled</Status>${exp}`)), 'InvalidArgument'],
    ['ID too long', doc(rule(`<ID>${'i'.repeat(256)}</ID><Filter/><Status>Enabled</Status>${exp}`)), 'InvalidArgument'],
    ['no action', doc(rule('<Filter/><Status>Enabled</Status>')), 'InvalidRequest'],
    ['zero days', doc(rule('<Filter/><Status>Enabled</Status><Expiration><Days>0</Days></Expiration>')), 'InvalidArgument'],
    ['days not a number', doc(rule('<Filter/><Status>Enabled</Status><Expiration><Days>one</Days></Expiration>')), 'MalformedXML'],
    ['date not at midnight', doc(rule('<Filter/><Status>Enabled</Status><Expiration><Date>2030-01-01T12:00:00Z</Date></Expiration>')), 'InvalidArgument'],
    ['days and date', doc(rule('<Filter/><Status>Enabled</Status><Expiration><Days>1</Days><Date>2030-01-01T00:00:00Z</Date></Expiration>')), 'MalformedXML'],
    ['delete marker with days', doc(rule('<Filter/><Status>Enabled</Status><Expiration><Days>1</Days><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>')), 'MalformedXML'],
    ['empty expiration', doc(rule('<Filter/><Status>Enabled</Status><Expiration></Expiration>')), 'MalformedXML'],
    ['noncurrent days zero', doc(rule('<Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>0</NoncurrentDays></NoncurrentVersionExpiration>')), 'InvalidArgument'],
    ['noncurrent without days', doc(rule('<Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NewerNoncurrentVersions>1</NewerNoncurrentVersions></NoncurrentVersionExpiration>')), 'MalformedXML'],
    ['newer versions zero', doc(rule('<Filter/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>0</NewerNoncurrentVersions></NoncurrentVersionExpiration>')), 'InvalidArgument'],
    ['newer versions in V1', doc(rule('<Prefix/><Status>Enabled</Status><NoncurrentVersionExpiration><NoncurrentDays>1</NoncurrentDays><NewerNoncurrentVersions>2</NewerNoncurrentVersions></NoncurrentVersionExpiration>')), 'InvalidRequest'],
    ['abort days zero', doc(rule('<Filter/><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>0</DaysAfterInitiation></AbortIncompleteMultipartUpload>')), 'InvalidArgument'],
    ['abort with a tag filter', doc(rule('<Filter><Tag><Key>k</Key><Value>v</Value></Tag></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>')), 'InvalidRequest'],
    ['abort with a size filter', doc(rule('<Filter><ObjectSizeGreaterThan>1</ObjectSizeGreaterThan></Filter><Status>Enabled</Status><AbortIncompleteMultipartUpload><DaysAfterInitiation>1</DaysAfterInitiation></AbortIncompleteMultipartUpload>')), 'InvalidRequest'],
    ['delete marker with tags', doc(rule('<Filter><And><Prefix>a</Prefix><Tag><Key>k</Key><Value>v</Value></Tag></And></Filter><Status>Enabled</Status><Expiration><ExpiredObjectDeleteMarker>true</ExpiredObjectDeleteMarker></Expiration>')), 'InvalidRequest'],
    ['duplicate tag keys', doc(rule(`<Filter><And><Tag><Key>k</Key><Value>1</Value></Tag><Tag><Key>k</Key><Value>2</Value></Tag></And></Filter><Status>Enabled</Status>${exp}`)), 'InvalidRequest'],
    ['size bounds reversed', doc(rule(`<Filter><And><ObjectSizeGreaterThan>10</ObjectSizeGreaterThan><ObjectSizeLessThan>10</ObjectSizeLessThan></And></Filter><Status>Enabled</Status>${exp}`)), 'InvalidRequest'],
    ['negative size', doc(rule(`<Filter><ObjectSizeGreaterThan>-1</ObjectSizeGreaterThan></Filter><Status>Enabled</Status>${exp}`)), 'InvalidRequest'],
    ['IA transition before 30 days', doc(rule('<Filter/><Status>Enabled</Status><Transition><Days>10</Days><StorageClass>STANDARD_IA</StorageClass></Transition>')), 'InvalidArgument'],
    ['unknown storage class', doc(rule('<Filter/><Status>Enabled</Status><Transition><Days>10</Days><StorageClass>STANDARD</StorageClass></Transition>')), 'MalformedXML'],
    ['same class twice', doc(rule('<Filter/><Status>Enabled</Status><Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition><Transition><Days>20</Days><StorageClass>GLACIER</StorageClass></Transition>')), 'InvalidRequest'],
    ['expiration before transition', doc(rule('<Filter/><Status>Enabled</Status><Expiration><Days>10</Days></Expiration><Transition><Days>20</Days><StorageClass>GLACIER</StorageClass></Transition>')), 'InvalidArgument'],
    ['dates mixed with days', doc(rule('<Filter/><Status>Enabled</Status><Expiration><Days>100</Days></Expiration><Transition><Date>2030-01-01T00:00:00Z</Date><StorageClass>GLACIER</StorageClass></Transition>')), 'InvalidRequest'],
    ['V1 overlapping prefixes', doc(rule(`<ID>a</ID><Prefix>logs/</Prefix><Status>Enabled</Status>${exp}`), rule(`<ID>b</ID><Prefix>logs/old/</Prefix><Status>Enabled</Status>${exp}`)), 'InvalidRequest'],
  ];
  for (const [name, xml, expected] of cases) {
    it(name, () => assert.equal(code(xml), expected));
  }

  it('V2 rules may overlap (the earliest action wins)', () => {
    assert.equal(code(doc(rule(`<ID>a</ID><Filter><Prefix>logs/</Prefix></Filter><Status>Enabled</Status>${exp}`), rule(`<ID>b</ID><Filter><Prefix>logs/old/</Prefix></Filter><Status>Enabled</Status>${exp}`))), 'OK');
  });
});
