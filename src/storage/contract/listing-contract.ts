import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ListObjectsQuery, ListObjectsResult } from '../ports.js';
import { bucketRecord, compareKeys, fakeSegment, objectRecord, type ContractContext } from './fixtures.js';

/**
 * Keys chosen to break naive implementations: characters sorting just below and above '/', spaces,
 * multi-byte UTF-8 whose byte order differs from UTF-16 order (U+FB00 < U+1F600 in bytes, not in
 * JavaScript's default sort), a key equal to its own common prefix, and a nested tree.
 */
const KEYS = [
  'a', 'a b', 'a!', 'a-', 'a.', 'a/', 'a/b', 'a/b/c', 'a/c', 'a0', 'b',
  'photos/2023/x.jpg', 'photos/2024/feb.jpg', 'photos/2024/jan.jpg', 'photos/readme',
  'z', 'é', '\ufb00', '日本/語', '日本語', '\u{1F600}', '\u{1F600}/smile',
];

interface Page {
  readonly keys: readonly string[];
  readonly prefixes: readonly string[];
  readonly isTruncated: boolean;
  readonly nextAfter: string | undefined;
}

/** The S3 listing rules, stated the slow obvious way. */
function model(keys: readonly string[], q: Omit<ListObjectsQuery, 'bucket'>): Page {
  const items: { value: string; prefix: boolean }[] = [];
  for (const key of [...keys].sort(compareKeys)) {
    if (!key.startsWith(q.prefix) || compareKeys(key, q.after) <= 0) continue;
    const at = q.delimiter === '' ? -1 : key.indexOf(q.delimiter, q.prefix.length);
    if (at < 0) {
      items.push({ value: key, prefix: false });
      continue;
    }
    const cp = key.slice(0, at + q.delimiter.length);
    if (compareKeys(cp, q.after) <= 0 || items.at(-1)?.value === cp) continue;
    items.push({ value: cp, prefix: true });
  }
  const page = items.slice(0, q.maxKeys);
  const isTruncated = items.length > q.maxKeys;
  return {
    keys: page.filter((i) => !i.prefix).map((i) => i.value),
    prefixes: page.filter((i) => i.prefix).map((i) => i.value),
    isTruncated,
    nextAfter: isTruncated ? page.at(-1)?.value : undefined,
  };
}

function asPage(r: ListObjectsResult): Page {
  return { keys: r.objects.map((o) => o.key), prefixes: [...r.commonPrefixes], isTruncated: r.isTruncated, nextAfter: r.nextAfter };
}

export function listingContract(ctx: ContractContext): void {
  describe('ObjectStore.listObjects', () => {
    let bucket = '';
    const list = async (q: Partial<Omit<ListObjectsQuery, 'bucket'>>): Promise<Page> =>
      asPage(await ctx.storage().objects.listObjects({ bucket, prefix: '', delimiter: '', after: '', maxKeys: 1000, ...q }));

    before(async () => {
      bucket = ctx.uniqueBucketName('listing');
      const { buckets, objects } = ctx.storage();
      await buckets.createBucket(bucketRecord(bucket));
      for (const key of KEYS) await objects.putObject(objectRecord(bucket, key, [fakeSegment()]));
    });

    it('returns keys in UTF-8 byte order, each with its listed fields', async () => {
      const r = await ctx.storage().objects.listObjects({ bucket, prefix: '', delimiter: '', after: '', maxKeys: 1000 });
      assert.deepEqual(r.objects.map((o) => o.key), [...KEYS].sort(compareKeys));
      // Byte order: é C3 < 日 E6 < ﬀ EF < 😀 F0 (JavaScript's UTF-16 sort would put 😀 before ﬀ).
      assert.deepEqual(r.objects.map((o) => o.key).slice(-6), ['é', '日本/語', '日本語', '\ufb00', '\u{1F600}', '\u{1F600}/smile']);
      const { versionId, size, etag, lastModified, storageClass, ownerAccountId } = (await ctx.storage().objects.getObject(bucket, 'a'))!;
      assert.deepEqual(r.objects[0], { key: 'a', versionId, size, etag, lastModified, checksum: undefined, storageClass, ownerAccountId, tags: [] });
      assert.equal(r.isTruncated, false);
      assert.equal(r.nextAfter, undefined);
    });

    it('rolls keys up into common prefixes, placed by byte order around the delimiter', async () => {
      assert.deepEqual(await list({ delimiter: '/' }), {
        keys: ['a', 'a b', 'a!', 'a-', 'a.', 'a0', 'b', 'z', 'é', '日本語', '\ufb00', '\u{1F600}'],
        prefixes: ['a/', 'photos/', '日本/', '\u{1F600}/'],
        isTruncated: false,
        nextAfter: undefined,
      });
      assert.deepEqual(await list({ delimiter: '/', maxKeys: 6 }), {
        keys: ['a', 'a b', 'a!', 'a-', 'a.'],
        prefixes: ['a/'],
        isTruncated: true,
        nextAfter: 'a/',
      });
      assert.deepEqual(await list({ prefix: 'photos/', delimiter: '/' }), {
        keys: ['photos/readme'],
        prefixes: ['photos/2023/', 'photos/2024/'],
        isTruncated: false,
        nextAfter: undefined,
      });
      assert.deepEqual((await list({ prefix: 'a/', delimiter: '/' })).prefixes, ['a/b/']);
      assert.deepEqual((await list({ prefix: 'a/', delimiter: '/' })).keys, ['a/', 'a/b', 'a/c']);
    });

    it('does not return a common prefix again when the marker is inside it', async () => {
      assert.deepEqual(await list({ prefix: 'photos/', delimiter: '/', after: 'photos/2024/feb.jpg' }), {
        keys: ['photos/readme'],
        prefixes: [],
        isTruncated: false,
        nextAfter: undefined,
      });
      assert.deepEqual((await list({ delimiter: '/', after: 'a/' })).prefixes, ['photos/', '日本/', '\u{1F600}/']);
    });

    it('answers maxKeys = 0 with an empty, untruncated page', async () => {
      assert.deepEqual(await list({ maxKeys: 0 }), { keys: [], prefixes: [], isTruncated: false, nextAfter: undefined });
    });

    it('matches the reference model for every prefix, delimiter, marker and page size', async () => {
      const prefixes = ['', 'a', 'a/', 'photos/2024/', '日本', '\u{1F600}', 'nothing'];
      const delimiters = ['', '/', 'b', '本', '/2', '\u{1F600}'];
      const afters = ['', 'a', 'a/', 'a/b', 'a.', 'photos/', 'photos/2024/', 'zz', '日'];
      for (const prefix of prefixes) {
        for (const delimiter of delimiters) {
          for (const after of afters) {
            for (const maxKeys of [1, 2, 5, 1000]) {
              const q = { prefix, delimiter, after, maxKeys };
              assert.deepEqual(await list(q), model(KEYS, q), JSON.stringify(q));
            }
          }
        }
      }
    });

    it('pages through everything with nextAfter, each item exactly once', async () => {
      for (const delimiter of ['', '/']) {
        for (const maxKeys of [1, 3, 7]) {
          const seen: string[] = [];
          let after = '';
          for (let guard = 0; guard < 100; guard++) {
            const page = await list({ delimiter, after, maxKeys });
            seen.push(...page.keys, ...page.prefixes);
            if (!page.isTruncated) break;
            assert.ok(page.nextAfter !== undefined);
            after = page.nextAfter;
          }
          const all = await list({ delimiter });
          assert.deepEqual(seen.sort(compareKeys), [...all.keys, ...all.prefixes].sort(compareKeys), `delimiter=${delimiter} maxKeys=${maxKeys}`);
        }
      }
    });

    it('skips a large common prefix without listing it and pages past the SQL batch size', async () => {
      const big = ctx.uniqueBucketName('listing-big');
      const { buckets, objects } = ctx.storage();
      await buckets.createBucket(bucketRecord(big));
      const inner = Array.from({ length: 1500 }, (_, i) => `big/${String(i).padStart(5, '0')}`);
      for (const key of ['a', ...inner, 'c']) await objects.putObject(objectRecord(big, key, [fakeSegment()]));
      const r = await objects.listObjects({ bucket: big, prefix: '', delimiter: '/', after: '', maxKeys: 2 });
      assert.deepEqual([r.objects.map((o) => o.key), r.commonPrefixes, r.isTruncated, r.nextAfter], [['a'], ['big/'], true, 'big/']);
      const r2 = await objects.listObjects({ bucket: big, prefix: '', delimiter: '/', after: 'big/', maxKeys: 2 });
      assert.deepEqual([r2.objects.map((o) => o.key), r2.commonPrefixes, r2.isTruncated], [['c'], [], false]);
      const p1 = await objects.listObjects({ bucket: big, prefix: 'big/', delimiter: '', after: '', maxKeys: 1000 });
      assert.equal(p1.objects.length, 1000);
      assert.equal(p1.nextAfter, inner[999]);
      const p2 = await objects.listObjects({ bucket: big, prefix: 'big/', delimiter: '', after: p1.nextAfter ?? '', maxKeys: 1000 });
      assert.deepEqual([p2.objects.length, p2.isTruncated, p2.objects.at(-1)?.key], [500, false, inner[1499]]);
    });
  });
}
