/**
 * Where the server's SSE keys come from (configuration, src/config.ts):
 * - `STRONGBOX_SSE_KEY`: base64 keys of 32 bytes, separated by commas or white space, current first;
 * - `--sse-key-file PATH` (`STRONGBOX_SSE_KEY_FILE`): a file of such keys, one per line (`#` starts a
 *   comment), which can live outside the data directory; it must exist;
 * - neither: `DATA_DIR/sse.key`, created (mode 0600, one fresh key) on the first start.
 * To rotate: put a new key first and keep the old ones below it; objects written under an old key
 * still open, new ones use the new key.
 */
import { randomBytes } from 'node:crypto';
import { link, open, readFile, unlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type SseKeySource =
  | { readonly kind: 'env'; readonly keys: readonly Buffer[] }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'default' };

export const DEFAULT_SSE_KEY_FILE = 'sse.key';

export class SseKeyConfigError extends Error {}

/** Keys written as base64 (32 bytes each), separated by commas, white space or lines; `#` comments. */
export function parseSseKeys(text: string, origin: string): Buffer[] {
  const words = text
    .split('\n')
    .map((line) => line.replace(/#.*$/, ''))
    .join(' ')
    .split(/[\s,]+/)
    .filter((w) => w !== '');
  if (words.length === 0) throw new SseKeyConfigError(`${origin} holds no key`);
  return words.map((w, i) => {
    const key = /^[A-Za-z0-9+/]+={0,2}$/.test(w) ? Buffer.from(w, 'base64') : Buffer.alloc(0);
    if (key.length !== 32) throw new SseKeyConfigError(`${origin}: key ${i + 1} is not the base64 of 32 bytes`);
    return key;
  });
}

export interface LoadedSseKeys {
  readonly keys: readonly Buffer[];
  /** Where they came from, for the start-up log (never the keys). */
  readonly origin: string;
  /** The file this start created, when it created one. */
  readonly created?: string;
}

export async function loadSseKeys(source: SseKeySource, dataDir: string): Promise<LoadedSseKeys> {
  if (source.kind === 'env') return { keys: source.keys, origin: 'STRONGBOX_SSE_KEY' };
  if (source.kind === 'file') {
    const text = await readFile(source.path, 'utf8').catch((e: NodeJS.ErrnoException) => {
      throw new SseKeyConfigError(`cannot read the SSE key file ${source.path}: ${e.code ?? e.message}`);
    });
    return { keys: parseSseKeys(text, source.path), origin: source.path };
  }
  const path = join(dataDir, DEFAULT_SSE_KEY_FILE);
  const created = await createKeyFile(path);
  return { keys: parseSseKeys(await readFile(path, 'utf8'), path), origin: path, ...(created ? { created: path } : {}) };
}

/**
 * Creates `path` with one fresh key unless it exists. The file is written and synced under a
 * temporary name, then linked into place: processes starting together on one data directory see
 * either no file or a whole one, and only one of them creates it.
 */
async function createKeyFile(path: string): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    const body =
      '# Strongbox SSE key: the first key encrypts new data keys; after a rotation keep older keys below it.\n';
    await handle.writeFile(body + randomBytes(32).toString('base64') + '\n');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(tmp, path);
    // The key must be durable before any object is encrypted under it.
    const dir = await open(dirname(path), 'r');
    await dir.sync().finally(() => dir.close());
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw e;
  } finally {
    await unlink(tmp);
  }
}
