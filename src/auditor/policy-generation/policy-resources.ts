/**
 * The Resource element that grants one action on the resources the trail shows it used, narrowed to
 * them: exact ARNs, except S3 objects, which collapse into key-prefix wildcards when there are many.
 *
 * The rule, per action and bucket: at most MAX_OBJECT_RESOURCES object resources. Keys are grouped by
 * folder (the key up to a `/`); working from the deepest folders up, a folder whose keys would need more
 * than MAX_OBJECT_RESOURCES entries becomes one `bucket/folder/*`, and the bucket's top level likewise
 * becomes `bucket/*`. So 12 keys under `logs/2026/` give `logs/2026/*`, while 3 keys there and 2 at the
 * top level stay 5 exact ARNs. Every key used stays granted; keys never used may be granted only inside
 * a folder that had more than MAX_OBJECT_RESOURCES of them.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-arn-format.html
 */
import { ALL_RESOURCES } from './event-resources.js';

export const MAX_OBJECT_RESOURCES = 10;

const S3_ARN_PREFIX = 'arn:aws:s3:::';

/**
 * A literal ARN as a Resource pattern: `*`, `?` and `$` of the ARN (an S3 key may hold any of them) are
 * written as the escapes `${*}`, `${?}`, `${$}`, so they are neither wildcards nor policy variables
 * (reference_policies_variables.html, "Special characters"; the generated policies are version 2012-10-17).
 */
export function literalPattern(arn: string): string {
  return arn.replace(/[*?$]/g, (c) => '${' + c + '}');
}

/** The sorted Resource entries that grant one action on every one of `literals` (ARNs, or `*`). */
export function policyResources(literals: Iterable<string>): string[] {
  const exact = new Set<string>();
  const objectKeys = new Map<string, string[]>();
  for (const arn of literals) {
    if (arn === ALL_RESOURCES) return [ALL_RESOURCES];
    const object = splitObjectArn(arn);
    if (object === undefined) exact.add(literalPattern(arn));
    else {
      const keys = objectKeys.get(object.bucket);
      if (keys === undefined) objectKeys.set(object.bucket, [object.key]);
      else keys.push(object.key);
    }
  }
  const out = [...exact];
  for (const [bucket, keys] of objectKeys) {
    const base = `${S3_ARN_PREFIX}${literalPattern(bucket)}/`;
    for (const entry of narrowKeys([...new Set(keys)], '')) {
      out.push(base + literalPattern(entry.text) + (entry.wildcard ? '*' : ''));
    }
  }
  return out.sort();
}

function splitObjectArn(arn: string): { bucket: string; key: string } | undefined {
  if (!arn.startsWith(S3_ARN_PREFIX)) return undefined;
  const slash = arn.indexOf('/', S3_ARN_PREFIX.length);
  return slash < 0 ? undefined : { bucket: arn.slice(S3_ARN_PREFIX.length, slash), key: arn.slice(slash + 1) };
}

/** A key, or (wildcard) every key under a folder prefix. */
interface KeyEntry {
  readonly text: string;
  readonly wildcard: boolean;
}

/** The entries covering `keys`, all under the folder `prefix` ('' for the top level): see the rule above. */
export function narrowKeys(keys: readonly string[], prefix: string): KeyEntry[] {
  const entries: KeyEntry[] = [];
  const folders = new Map<string, string[]>();
  for (const key of keys) {
    const slash = key.indexOf('/', prefix.length);
    if (slash < 0) entries.push({ text: key, wildcard: false });
    else {
      const folder = key.slice(0, slash + 1);
      const inFolder = folders.get(folder);
      if (inFolder === undefined) folders.set(folder, [key]);
      else inFolder.push(key);
    }
  }
  for (const [folder, inFolder] of folders) {
    entries.push(...narrowKeys(inFolder, folder));
    if (entries.length > MAX_OBJECT_RESOURCES) break;
  }
  return entries.length > MAX_OBJECT_RESOURCES ? [{ text: prefix, wildcard: true }] : entries;
}
