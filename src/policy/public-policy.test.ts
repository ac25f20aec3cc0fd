/** Thin runner for test/vectors/policy-public: IsPublic of bucket policies on AWS's examples. */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { parsePolicy } from './parse-policy.js';
import { isPublicBucketPolicy, isPublicPolicyDocument } from './public-policy.js';

interface PublicCase {
  readonly name: string;
  readonly source: string;
  readonly document: unknown;
  readonly isPublic: boolean;
}

const DIR = fileURLToPath(new URL('../../../test/vectors/policy-public/', import.meta.url));

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json')).sort()) {
  const vectors = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as { description: string; cases: PublicCase[] };
  describe(`${file}: ${vectors.description}`, () => {
    for (const c of vectors.cases) {
      it(`${c.name} → ${c.isPublic ? 'public' : 'not public'}`, () => {
        const text = JSON.stringify(c.document);
        // A valid bucket policy, so the verdict is never "public because unparsable".
        const parsed = parsePolicy(text, { kind: 'resource', bucket: 'example-bucket' });
        assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message);
        assert.equal(isPublicPolicyDocument(parsed.document), c.isPublic);
        assert.equal(isPublicBucketPolicy(text), c.isPublic);
      });
    }
  });
}

describe('isPublicBucketPolicy', () => {
  it('an unparsable document counts as public', () => {
    assert.equal(isPublicBucketPolicy('{"Statement": ['), true);
  });
});
