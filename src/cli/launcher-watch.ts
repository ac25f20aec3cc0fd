/**
 * Why a server started by npm watches its parent process.
 *
 * `npx strongbox server` (and `npm start`) run the server through npm's script shell: npm → `sh -c
 * "'strongbox' server ..."` → node. npm forwards SIGTERM and SIGINT to that shell only
 * (@npmcli/run-script's signal manager), and dash, the `sh` of Debian and Ubuntu, does not exec its
 * last command nor pass the signal on: it dies, and the server, which never saw the signal, kept
 * running with its port and the data-directory lock. (A terminal's Ctrl-C reaches every process of the
 * foreground group, the server too; `kill`, `docker stop`, a process manager reach npm alone.)
 * SIGINT to npm alone cannot be followed: dash catches it and waits for the server to exit, so nothing
 * changes that the server could see. The README runs the server without npm where that matters.
 *
 * What the server does see is its parent going away: the shell exits and the server is re-parented.
 * So a server whose launcher is npm (npm sets `npm_lifecycle_event` for what it runs) treats a new
 * parent like SIGTERM: it shuts down gracefully. Not done otherwise: a server started from a shell
 * that then exits (`strongbox server &`, nohup) must keep serving.
 */

export interface LauncherWatchOptions {
  readonly env: NodeJS.ProcessEnv;
  /** The parent process id now (`() => process.ppid`: Node reads it afresh each time). */
  readonly parentPid: () => number;
  /** Called once, when the parent has changed. */
  readonly onLauncherGone: () => void;
  /** How often the parent is looked at; default 500 ms (one getppid(2) call each time). */
  readonly intervalMs?: number;
}

export interface LauncherWatch {
  stop(): void;
}

/** Watches the parent when npm launched this process; undefined when there is nothing to watch. */
export function watchLauncher(options: LauncherWatchOptions): LauncherWatch | undefined {
  if (options.env.npm_lifecycle_event === undefined) return undefined;
  const launcher = options.parentPid();
  if (launcher <= 1) return undefined; // already orphaned (or PID 1's child): no launcher to follow
  let watching = true;
  const stop = (): void => {
    watching = false;
    clearInterval(timer);
  };
  const timer = setInterval(() => {
    if (!watching || options.parentPid() === launcher) return;
    stop();
    options.onLauncherGone();
  }, options.intervalMs ?? 500);
  timer.unref(); // never what keeps the process alive
  return { stop };
}
