import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import { ServiceError } from '../errors/service-error.js';
import { evaluateConditions, etagListMatches } from './conditions.js';
import { parseCorsDocument, wildcardMatch } from './cors.js';
import { urlEncodeKey } from './list-objects.js';
import { parseCompleteDocument } from './multipart-complete.js';
import { formBoundary, readForm } from './multipart-form.js';
import { bucketNameProblem, relativeSegmentsEscape } from './names.js';
import { expandFilename } from './post-object.js';
import { parseCopySourceRange, parseRangeHeader } from './range.js';
import { parseCopySource } from './copy-source.js';
import { parseTaggingHeader, validateTagSet } from './tag-set.js';
import { decodeEntities, parseXml } from './xml-parse.js';
import { parseDeleteDocument } from './delete-objects.js';

const code = (c: string) => (e: unknown) => e instanceof ServiceError && e.code === c;

test('conditions follow RFC 9110 order, giving the two combinations the S3 docs state', () => {
  const obj = { etag: 'abc', lastModified: new Date('2024-01-01T00:00:10.000Z') };
  const none = { ifMatch: undefined, ifNoneMatch: undefined, ifModifiedSince: undefined, ifUnmodifiedSince: undefined };
  assert.equal(evaluateConditions(none, obj), 'Proceed');
  // If-Match true + If-Unmodified-Since false → 200.
  assert.equal(evaluateConditions({ ...none, ifMatch: '"abc"', ifUnmodifiedSince: 'Mon, 01 Jan 2001 00:00:00 GMT' }, obj), 'Proceed');
  // If-None-Match false + If-Modified-Since true → 304.
  assert.equal(evaluateConditions({ ...none, ifNoneMatch: '"abc"', ifModifiedSince: 'Mon, 01 Jan 2001 00:00:00 GMT' }, obj), 'NotModified');
  assert.equal(evaluateConditions({ ...none, ifMatch: '"zzz"' }, obj), 'PreconditionFailed');
  assert.equal(evaluateConditions({ ...none, ifUnmodifiedSince: 'Mon, 01 Jan 2001 00:00:00 GMT' }, obj), 'PreconditionFailed');
  // Whole seconds: the Last-Modified value itself is "not modified since".
  assert.equal(evaluateConditions({ ...none, ifModifiedSince: 'Mon, 01 Jan 2024 00:00:10 GMT' }, obj), 'NotModified');
  assert.equal(evaluateConditions({ ...none, ifModifiedSince: 'not a date' }, obj), 'Proceed');
  assert.ok(etagListMatches('"x", W/"abc"', 'abc'));
  assert.ok(etagListMatches('*', 'anything'));
});

test('Range: single ranges, suffixes, open ends; unsatisfiable is InvalidRange; others ignored', () => {
  assert.deepEqual(parseRangeHeader('bytes=4-7', 11), { start: 4, end: 7 });
  assert.deepEqual(parseRangeHeader('bytes=4-', 11), { start: 4, end: 10 });
  assert.deepEqual(parseRangeHeader('bytes=-7', 11), { start: 4, end: 10 });
  assert.deepEqual(parseRangeHeader('bytes=-70', 11), { start: 0, end: 10 });
  assert.deepEqual(parseRangeHeader('bytes=5-100', 11), { start: 5, end: 10 });
  assert.equal(parseRangeHeader('bytes=0-1,3-4', 11), undefined);
  assert.equal(parseRangeHeader('items=0-1', 11), undefined);
  assert.equal(parseRangeHeader('bytes=7-4', 11), undefined);
  assert.throws(() => parseRangeHeader('bytes=11-', 11), code('InvalidRange'));
  assert.throws(() => parseRangeHeader('bytes=0-', 0), code('InvalidRange'));
  assert.throws(() => parseRangeHeader('bytes=-0', 11), code('InvalidRange'));
  assert.deepEqual(parseCopySourceRange('bytes=0-9', 10), { start: 0, end: 9 });
  for (const bad of ['0-2', 'bytes=0', 'bytes=hello-world', 'bytes=0-bar', 'bytes=0-2,3-5']) {
    assert.throws(() => parseCopySourceRange(bad, 10), code('InvalidArgument'), bad);
  }
  assert.throws(() => parseCopySourceRange('bytes=0-10', 10), code('InvalidRange'));
});

test('tags: header form, limits, characters', () => {
  assert.deepEqual(parseTaggingHeader('a=1&b+c=d%20e&empty'), [['a', '1'], ['b c', 'd e'], ['empty', '']]);
  assert.throws(() => parseTaggingHeader('a=1&a=2'), code('InvalidArgument'));
  assert.throws(() => parseTaggingHeader('TagSet=[{Key=a,Value=b}]'), code('InvalidArgument'));
  assert.throws(() => validateTagSet([['a{', 'b']]), code('InvalidTag'));
  assert.throws(() => validateTagSet([['aws:x', 'b']]), code('InvalidTag'));
  assert.throws(() => validateTagSet([['k', 'v'.repeat(257)]]), code('InvalidTag'));
  assert.doesNotThrow(() => validateTagSet([['k'.repeat(128), 'v'.repeat(256)], ['ünï cödé', '日本 +-=._:/@']]));
});

test('XML: entities and character references, no DOCTYPE, exact text', () => {
  assert.equal(decodeEntities('a&amp;b&lt;&#13;&#x1F600;'), 'a&b<\r😀');
  assert.throws(() => decodeEntities('&nbsp;'), code('MalformedXML'));
  const del = parseDeleteDocument('<Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Object><Key> spaced &#13; </Key></Object><Quiet>true</Quiet></Delete>');
  assert.deepEqual(del.entries.map((e) => e.key), [' spaced \r ']);
  assert.equal(del.quiet, true);
  assert.throws(() => parseDeleteDocument('<Delete></Delete>'), code('MalformedXML'));
  assert.throws(() => parseDeleteDocument(`<Delete>${'<Object><Key>k</Key></Object>'.repeat(1001)}</Delete>`), code('MalformedXML'));
  assert.throws(() => parseXml('<a>', 'a'), code('MalformedXML'));
  const parts = parseCompleteDocument('<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"abc"</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part><Part><ETag>def</ETag><PartNumber>3</PartNumber></Part></CompleteMultipartUpload>');
  assert.deepEqual(parts.map((p) => [p.partNumber, p.etag]), [[1, 'abc'], [3, 'def']]);
  assert.equal(parts[0].checksums.CRC32, 'AAAAAA==');
  assert.throws(() => parseCompleteDocument('<CompleteMultipartUpload><Part><PartNumber>2</PartNumber><ETag>a</ETag></Part><Part><PartNumber>2</PartNumber><ETag>a</ETag></Part></CompleteMultipartUpload>'), code('InvalidPartOrder'));
});

test('CORS documents and wildcard origins', () => {
  const rules = parseCorsDocument('<CORSConfiguration><CORSRule><AllowedOrigin>*</AllowedOrigin><AllowedMethod>GET</AllowedMethod><MaxAgeSeconds>30</MaxAgeSeconds></CORSRule></CORSConfiguration>');
  assert.deepEqual(rules[0].allowedMethods, ['GET']);
  assert.equal(rules[0].maxAgeSeconds, 30);
  assert.throws(() => parseCorsDocument('<CORSConfiguration></CORSConfiguration>'), code('MalformedXML'));
  assert.throws(() => parseCorsDocument('<CORSConfiguration><CORSRule><AllowedOrigin>*a*</AllowedOrigin><AllowedMethod>GET</AllowedMethod></CORSRule></CORSConfiguration>'), code('InvalidRequest'));
  assert.ok(wildcardMatch('*suffix', 'foo.suffix'));
  assert.ok(wildcardMatch('start*end', 'startend'));
  assert.ok(!wildcardMatch('start*end', '0start12end'));
  assert.ok(wildcardMatch('X-AMZ-*', 'x-amz-date', true));
});

test('bucket names and relative key segments', () => {
  for (const ok of ['abc', 'my.bucket-1', 'a'.repeat(63)]) assert.equal(bucketNameProblem(ok), undefined, ok);
  for (const bad of ['ab', 'a'.repeat(64), 'Upper', 'foo_bar', 'foo-', '-foo', 'foo..bar', 'foo.-bar', '192.168.5.123', 'xn--abc', 'abc-s3alias']) {
    assert.notEqual(bucketNameProblem(bad), undefined, bad);
  }
  assert.equal(relativeSegmentsEscape('videos/2014/../../video1.wmv'), false);
  assert.equal(relativeSegmentsEscape('videos/../../video1.wmv'), true);
  assert.equal(relativeSegmentsEscape('../x'), true);
  assert.equal(relativeSegmentsEscape('..x/y..'), false);
});

test('copy source parsing', () => {
  assert.deepEqual(parseCopySource('/b/a%20b/c%3FversionId'), { bucket: 'b', key: 'a b/c?versionId', versionId: undefined });
  const id = 'Ab3_.Ab3_.Ab3_.Ab3_.Ab3_.Ab3_.Ab';
  assert.deepEqual(parseCopySource(`b/k?versionId=${id}`), { bucket: 'b', key: 'k', versionId: id });
  assert.deepEqual(parseCopySource('b/k?versionId=null'), { bucket: 'b', key: 'k', versionId: null });
  assert.throws(() => parseCopySource('b/k?versionId=v%2B1'), code('InvalidArgument'));
  assert.deepEqual(parseCopySource('b/a+b'), { bucket: 'b', key: 'a+b', versionId: undefined });
  assert.throws(() => parseCopySource('justbucket'), code('InvalidArgument'));
  assert.throws(() => parseCopySource('b/'), code('InvalidArgument'));
});

test('listing URL encoding keeps / and encodes what S3 encodes', () => {
  assert.equal(urlEncodeKey('quux ab/'), 'quux%20ab/');
  assert.equal(urlEncodeKey('asdf+b'), 'asdf%2Bb');
  assert.equal(urlEncodeKey('test_file(3).png'), 'test_file%283%29.png');
});

test('${filename} expansion', () => {
  assert.equal(expandFilename('u/${filename}', 'C:\\dir\\f.txt'), 'u/f.txt');
  assert.equal(expandFilename('u/${filename}', '/tmp/g.txt'), 'u/g.txt');
  assert.equal(expandFilename('u/${filename}', undefined), 'u/${filename}');
});

async function collect(r: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of r) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('multipart/form-data: any chunking of the body yields the same fields and file bytes', async () => {
  assert.equal(formBoundary('multipart/form-data; boundary="a b"'), 'a b');
  assert.equal(formBoundary('multipart/form-data; charset=utf-8; boundary=xyz'), 'xyz');
  assert.equal(formBoundary('text/plain'), undefined);
  const boundary = 'XyZ';
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 20 }), async (fileBytes, cuts) => {
      const file = Buffer.concat([Buffer.from(fileBytes), Buffer.from('\r\n--XY'), Buffer.from(fileBytes)]);
      const body = Buffer.concat([
        Buffer.from(`preamble\r\n--${boundary}\r\nContent-Disposition: form-data; name="Key"\r\n\r\nk/\${filename}\r\n`),
        Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="a.bin"\r\nContent-Type: x/y\r\n\r\n`),
        file,
        Buffer.from(`\r\n--${boundary}\r\nContent-Disposition: form-data; name="after"\r\n\r\nignored\r\n--${boundary}--\r\n`),
      ]);
      const pieces: Buffer[] = [];
      let at = 0;
      for (let i = 0; at < body.length; i++) {
        const len = cuts[i % cuts.length];
        pieces.push(body.subarray(at, at + len));
        at += len;
      }
      const form = await readForm(Readable.from(pieces), boundary);
      assert.equal(form.fields.get('key'), 'k/${filename}');
      assert.equal(form.file.filename, 'a.bin');
      assert.equal(form.file.contentType, 'x/y');
      assert.ok((await collect(form.file.stream)).equals(file));
      await form.drain();
    }),
    { numRuns: 150 },
  );
});
