import type { JsonContext } from '../json-protocol/types.js';

/**
 * A lookup shared by an operation's checks and its handler: computed once per request (the checks
 * run first and need the key; the handler acts on the same one).
 */
export function perRequest<T>(load: (ctx: JsonContext) => Promise<T>): (ctx: JsonContext) => Promise<T> {
  const memo = new WeakMap<JsonContext, Promise<T>>();
  return (ctx) => {
    let p = memo.get(ctx);
    if (p === undefined) {
      p = load(ctx);
      memo.set(ctx, p);
    }
    return p;
  };
}
