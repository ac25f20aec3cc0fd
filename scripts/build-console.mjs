#!/usr/bin/env node
// Builds the web console (console/src → dist/console): esbuild bundles the TypeScript + Preact
// sources into content-hashed ES modules (each console section its own chunk, loaded when opened),
// then index.html is written with the entry's script and style. Run by `npm run build`.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'console/src');
const out = join(root, 'dist/console');
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'assets'), { recursive: true });

const result = await build({
  entryPoints: [join(src, 'main.tsx')],
  bundle: true,
  splitting: true,
  format: 'esm',
  target: 'es2022',
  minify: true,
  sourcemap: false,
  jsx: 'automatic',
  jsxImportSource: 'preact',
  outdir: join(out, 'assets'),
  entryNames: '[name]-[hash]',
  chunkNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  metafile: true,
  legalComments: 'none',
  logLevel: 'warning',
});

const entry = Object.entries(result.metafile.outputs).find(([, o]) => o.entryPoint?.endsWith('main.tsx'));
if (!entry) throw new Error('esbuild produced no entry chunk');
const [entryFile, entryOut] = entry;
const script = `assets/${basename(entryFile)}`;
const css = entryOut.cssBundle ? `assets/${basename(entryOut.cssBundle)}` : undefined;
const html = readFileSync(join(src, 'index.html'), 'utf8')
  .replace('<!--styles-->', css ? `<link rel="stylesheet" href="${css}" />` : '')
  .replace('<!--scripts-->', `<script type="module" src="${script}"></script>`);
writeFileSync(join(out, 'index.html'), html);
