import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/**
 * The console's built front end (`npm run build` → dist/console: index.html and content-hashed
 * files under assets/), read once into memory with a gzip copy of each, and served with security
 * headers: a strict Content-Security-Policy (scripts and connections to this origin only), no
 * framing, no sniffing. Hashed assets are immutable; index.html is never cached.
 */
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; " +
    "form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'same-origin',
};

interface Asset {
  readonly type: string;
  readonly body: Buffer;
  readonly gzip: Buffer;
  readonly etag: string;
  readonly immutable: boolean;
}

export class ConsoleAssets {
  private constructor(private readonly files: ReadonlyMap<string, Asset>) {}

  /** The built console in `dir` (default: dist/console beside this module); undefined when it was not built. */
  static load(dir = fileURLToPath(new URL('../../console/', import.meta.url))): ConsoleAssets | undefined {
    if (!existsSync(join(dir, 'index.html'))) return undefined;
    const files = new Map<string, Asset>();
    const add = (rel: string) => {
      const body = readFileSync(join(dir, rel));
      const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
      const type = TYPES[extname(rel)] ?? 'application/octet-stream';
      files.set(rel, { type, body, gzip: gzipSync(body, { level: 9 }), etag, immutable: rel.startsWith('assets/') });
    };
    add('index.html');
    const assets = join(dir, 'assets');
    if (existsSync(assets)) for (const name of readdirSync(assets)) add(`assets/${name}`);
    return new ConsoleAssets(files);
  }

  /** Answers the file `rel` (relative to the console's root); false when there is none. */
  serve(req: IncomingMessage, res: ServerResponse, rel: string): boolean {
    const asset = this.files.get(rel);
    if (!asset) return false;
    const headers: Record<string, string> = {
      ...SECURITY_HEADERS,
      'content-type': asset.type,
      etag: asset.etag,
      'cache-control': asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
      vary: 'accept-encoding',
    };
    if (req.headers['if-none-match'] === asset.etag) {
      res.writeHead(304, headers);
      res.end();
      return true;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    const body = gzip ? asset.gzip : asset.body;
    if (gzip) headers['content-encoding'] = 'gzip';
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  }

  /** Gzipped bytes of every script: the console's first-load budget is measured on them. */
  scriptBytes(): { readonly name: string; readonly gzip: number }[] {
    return [...this.files].filter(([n]) => n.endsWith('.js')).map(([name, a]) => ({ name, gzip: a.gzip.length }));
  }
}
