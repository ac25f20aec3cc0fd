/**
 * Work an operation's checks and handler share (a role lookup, a verified MFA code): computed once
 * per request, on first use. An MFA code, for one, must be verified exactly once, since verifying
 * consumes it.
 */
export function perRequest<C extends object, T>(compute: (ctx: C) => Promise<T>): (ctx: C) => Promise<T> {
  const done = new WeakMap<C, Promise<T>>();
  return (ctx) => {
    let p = done.get(ctx);
    if (!p) {
      p = compute(ctx);
      done.set(ctx, p);
    }
    return p;
  };
}
