/**
 * The V8 flags a server's worker processes run with.
 *
 * `--initial-old-space-size=64`: the server's own heap is small (about 9 MB), and V8 kept the
 * threshold for starting a full collection close above it (24 MB in `--trace-incremental-marking`).
 * Streaming a large body allocates a 64 KiB Buffer per socket read (node:http's parser copies every
 * body chunk into one), so V8 started marking every ~30 MB of body: about 35 full mark-compacts per
 * GiB, 0.5 s of CPU taken from the hashing and the disk. With a 64 MB starting threshold there was no
 * full collection at all during a 1 GiB PUT (the garbage goes with scavenges), the PUT ran at 434 MB/s
 * instead of 361 (medians of 6 alternating rounds, `--workers 2`), and the peak RSS of a 2 GiB PUT and
 * GET stayed where it was (~155 MB either way). Small requests are not affected: under their load the
 * full collections came at the same heap size (~42 MB) with and without the flag, at the same ops/s
 * within the noise (two servers of each kind side by side).
 *
 * Worker processes (`--workers N`, N > 1) get them: the primary adds whatever its own command line
 * lacks. A one-process server runs with the flags node was started with, and `npx strongbox server`
 * starts it with none: the command could only carry them in a `#!/usr/bin/env -S node ...` shebang,
 * which fails where `env` is BusyBox's (Alpine), and NODE_OPTIONS does not accept this flag. Since an
 * upload's chunks are freed as soon as they are written (storage/disposable-chunks.ts), its uploads
 * no longer set off those collections without the flag either (4–7 full collections per GiB instead of
 * 80–90, 8 × 128 MiB PUTs to one process).
 */
export const SERVER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=64'];

/** `execArgv` plus each server flag it does not set already (a value given by hand wins). */
export function withServerV8Flags(execArgv: readonly string[]): string[] {
  const name = (flag: string) => flag.split('=')[0].replace(/_/g, '-');
  const given = new Set(execArgv.map(name));
  return [...execArgv, ...SERVER_V8_FLAGS.filter((f) => !given.has(name(f)))];
}
