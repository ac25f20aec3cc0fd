import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import type { ListObjectVersionsQuery, ListObjectVersionsResult } from '../ports.js';
import { bucketRecord, deleteRequest, fakeSegment, objectRecord, type ContractContext } from './fixtures.js';

type Entry = readonly [key: string, versionId: string | null, kind: 'V' | 'M'];

interface Page {
  readonly entries: Entry[];
  readonly prefixes: string[];
  readonly isTruncated: boolean;
  readonly nextKeyMarker: string | undefined;
  readonly nextVersionIdMarker: string | null | undefined;
}

/**
 * ListObjectVersions as S3 documents it, over the full history (keys ascending, newest first):
 * key-marker alone resumes after every version of that key, with version-id-marker right after that
 * version; keys rolled up under the delimiter count once, and a prefix at or before key-marker was
 * returned already.
 */
function model(all: readonly Entry[], q: Omit<ListObjectVersionsQuery, 'bucket'>): Page {
  let startAt = 0;
  if (q.keyMarker !== '') {
    const exact = q.versionIdMarker === undefined ? -1 : all.findIndex(([k, v]) => k === q.keyMarker && v === q.versionIdMarker);
    startAt = exact >= 0 ? exact + 1 : all.findIndex(([k]) => k > q.keyMarker);
    if (startAt < 0) startAt = all.length;
  }
  const items: ({ entry: Entry } | { prefix: string })[] = [];
  const seen = new Set<string>();
  for (const e of all.slice(startAt)) {
    if (!e[0].startsWith(q.prefix)) continue;
    const at = q.delimiter === '' ? -1 : e[0].indexOf(q.delimiter, q.prefix.length);
    if (at < 0) {
      items.push({ entry: e });
      continue;
    }
    const cp = e[0].slice(0, at + q.delimiter.length);
    if (seen.has(cp) || cp <= q.keyMarker) continue;
    seen.add(cp);
    items.push({ prefix: cp });
  }
  const page = items.slice(0, q.maxKeys);
  const isTruncated = q.maxKeys > 0 && items.length > q.maxKeys;
  const last = page.at(-1);
  return {
    entries: page.flatMap((i) => ('entry' in i ? [i.entry] : [])),
    prefixes: page.flatMap((i) => ('prefix' in i ? [i.prefix] : [])),
    isTruncated,
    nextKeyMarker: !isTruncated || last === undefined ? undefined : 'entry' in last ? last.entry[0] : last.prefix,
    nextVersionIdMarker: !isTruncated || last === undefined || !('entry' in last) ? undefined : last.entry[1],
  };
}

/** ListObjectVersions: order, markers, delimiter and paging, checked against the model. */
export function versionListingContract(ctx: ContractContext): void {
  describe('ObjectStore: listObjectVersions', () => {
    let bucket = '';
    let all: Entry[] = [];
    const list = async (q: Partial<Omit<ListObjectVersionsQuery, 'bucket'>>): Promise<Page> => {
      const r = await ctx.storage().objects.listObjectVersions({ bucket, prefix: '', delimiter: '', keyMarker: '', maxKeys: 1000, ...q });
      return {
        entries: r.versions.map((v): Entry => (v.kind === 'Object' ? [v.object.key, v.object.versionId, 'V'] : [v.marker.key, v.marker.versionId, 'M'])),
        prefixes: [...r.commonPrefixes],
        isTruncated: r.isTruncated,
        nextKeyMarker: r.nextKeyMarker,
        nextVersionIdMarker: r.nextVersionIdMarker,
      };
    };

    before(async () => {
      const { buckets, objects } = ctx.storage();
      bucket = ctx.uniqueBucketName('v-listing');
      await buckets.createBucket(bucketRecord(bucket));
      const put = async (key: string) => {
        const r = await objects.putObject(objectRecord(bucket, key, [fakeSegment()]));
        return r.outcome === 'Written' ? r.versionId : assert.fail(r.outcome);
      };
      const del = async (key: string) => {
        const r = await objects.deleteObject(deleteRequest(bucket, key));
        return r.outcome === 'DeleteMarkerCreated' ? r.versionId : assert.fail(r.outcome);
      };
      const b0 = await put('b'); // a null version from before versioning
      await buckets.updateBucketConfig(bucket, { versioning: 'Enabled' });
      const ids: Record<string, (string | null)[]> = { a: [], 'a/x': [], b: [b0], 'p/1': [], 'p/2': [], 'p/3/q': [], z: [] };
      for (const key of ['a', 'p/1', 'a', 'z', 'a', 'p/2', 'p/3/q', 'a/x', 'p/1']) ids[key].push(await put(key));
      ids.b.push(await put('b'));
      const markers = { 'a/x': await del('a/x'), 'p/2': await del('p/2') };
      all = [
        ...[...ids.a].reverse().map((v): Entry => ['a', v, 'V']),
        ['a/x', markers['a/x'], 'M'],
        ['a/x', ids['a/x'][0], 'V'],
        ['b', ids.b[1], 'V'],
        ['b', null, 'V'],
        ['p/1', ids['p/1'][1], 'V'],
        ['p/1', ids['p/1'][0], 'V'],
        ['p/2', markers['p/2'], 'M'],
        ['p/2', ids['p/2'][0], 'V'],
        ['p/3/q', ids['p/3/q'][0], 'V'],
        ['z', ids.z[0], 'V'],
      ];
    });

    it('lists every version and marker by key, newest first, with isLatest on the first of each key', async () => {
      assert.deepEqual((await list({})).entries, all);
      const r = await ctx.storage().objects.listObjectVersions({ bucket, prefix: '', delimiter: '', keyMarker: '', maxKeys: 1000 });
      const latest = r.versions.filter((v) => v.isLatest).map((v) => (v.kind === 'Object' ? v.object.key : v.marker.key));
      assert.deepEqual(latest, ['a', 'a/x', 'b', 'p/1', 'p/2', 'p/3/q', 'z']);
    });

    it('matches the model for every prefix, delimiter, marker and page size', async () => {
      const markers: [string, string | null | undefined][] = [['', undefined], ['a', undefined], ['a/', undefined], ['p/', undefined], ['zz', undefined]];
      for (const e of all) markers.push([e[0], e[1]]);
      markers.push(['a', 'no-such-version-id-00000000000000']);
      for (const prefix of ['', 'a', 'p/', 'p/3/', 'nothing']) {
        for (const delimiter of ['', '/', '3']) {
          for (const [keyMarker, versionIdMarker] of markers) {
            for (const maxKeys of [0, 1, 2, 5, 1000]) {
              const q = { prefix, delimiter, keyMarker, versionIdMarker, maxKeys };
              assert.deepEqual(await list(q), model(all, q), JSON.stringify(q));
            }
          }
        }
      }
    });

    it('marks the latest version of each key whatever page it falls on', async () => {
      const latestOf = (r: ListObjectVersionsResult) =>
        r.versions.filter((v) => v.isLatest).map((v) => (v.kind === 'Object' ? `${v.object.key}@${v.object.versionId}` : `${v.marker.key}@${v.marker.versionId}`));
      const query = { bucket, prefix: '', delimiter: '', maxKeys: 1 };
      const whole = latestOf(await ctx.storage().objects.listObjectVersions({ ...query, keyMarker: '', maxKeys: 1000 }));
      for (const maxKeys of [1, 2, 3]) {
        const seen: string[] = [];
        let keyMarker = '';
        let versionIdMarker: string | null | undefined;
        for (let guard = 0; guard < 100; guard++) {
          const page = await ctx.storage().objects.listObjectVersions({ ...query, keyMarker, versionIdMarker, maxKeys });
          seen.push(...latestOf(page));
          if (!page.isTruncated) break;
          keyMarker = page.nextKeyMarker ?? assert.fail('no NextKeyMarker');
          versionIdMarker = page.nextVersionIdMarker;
        }
        assert.deepEqual(seen, whole, `maxKeys=${maxKeys}`);
      }
    });

    it('pages through everything with NextKeyMarker / NextVersionIdMarker, each item once', async () => {
      for (const delimiter of ['', '/']) {
        for (const maxKeys of [1, 2, 3]) {
          const seen: string[] = [];
          let keyMarker = '';
          let versionIdMarker: string | null | undefined;
          for (let guard = 0; guard < 100; guard++) {
            const page = await list({ delimiter, keyMarker, versionIdMarker, maxKeys });
            seen.push(...page.entries.map((e) => `${e[0]}@${e[1]}`), ...page.prefixes);
            if (!page.isTruncated) break;
            keyMarker = page.nextKeyMarker ?? assert.fail('no NextKeyMarker');
            versionIdMarker = page.nextVersionIdMarker;
          }
          const whole = await list({ delimiter });
          assert.deepEqual(seen, [...whole.entries.map((e) => `${e[0]}@${e[1]}`), ...whole.prefixes].sort((x, y) => seen.indexOf(x) - seen.indexOf(y)));
          assert.equal(seen.length, whole.entries.length + whole.prefixes.length, `delimiter=${delimiter} maxKeys=${maxKeys}`);
          assert.equal(new Set(seen).size, seen.length);
        }
      }
    });
  });
}
