/**
 * The V8 flags a server's worker processes run with.
 *
 * `--initial-old-space-size=64`: the server's own heap is small (about 10 MB), and V8 sets the next
 * full collection's threshold just above what is live, about 16 MB more: less than the young
 * generation can promote in one scavenge. Streaming a large body allocates a 64 KiB Buffer per socket
 * read (node:http's parser copies every body chunk into one), which keeps the young generation full,
 * so V8 ran a full mark-compact every ~30 MB of body: about 35 per GiB, 0.5 s of CPU taken from the
 * hashing and the disk. A 64 MB starting threshold leaves the young generation room: no full
 * collection at all during a 1 GiB PUT (the garbage goes with scavenges), the PUT ran at 434 MB/s
 * instead of 361 (medians of 6 alternating rounds, `--workers 2`), and the peak RSS of a 2 GiB PUT and
 * GET stayed where it was (~155 MB either way). Small requests are not affected: their heap grows
 * past 64 MB anyway, and full collections came at the same sizes with and without the flag (4 KiB
 * GET and PUT rounds on two servers of each kind side by side: same ops/s within the noise).
 *
 * Worker processes (`--workers N`, N > 1) get them: the primary adds whatever its own command line
 * lacks. A one-process server runs with the flags node was started with, and `npx strongbox server`
 * starts it with none: the command could only carry them in a `#!/usr/bin/env -S node ...` shebang,
 * which fails where `env` is BusyBox's (Alpine), and NODE_OPTIONS does not accept this flag. For
 * large objects, use `--workers`, or start node with the flags yourself.
 */
export const SERVER_V8_FLAGS: readonly string[] = ['--initial-old-space-size=64'];

/** `execArgv` plus each server flag it does not set already (a value given by hand wins). */
export function withServerV8Flags(execArgv: readonly string[]): string[] {
  const name = (flag: string) => flag.split('=')[0].replace(/_/g, '-');
  const given = new Set(execArgv.map(name));
  return [...execArgv, ...SERVER_V8_FLAGS.filter((f) => !given.has(name(f)))];
}
