import { parseTemplate } from './template.js';
import { compileWildcard, type WildcardMatcher } from './wildcard.js';

/**
 * Action / NotAction patterns (`s3:Get*`, `iam:*AccessKey*`, `*`). Matching is case-insensitive
 * and never crosses the `service:` prefix, so patterns are grouped by service for the policy's
 * action index. Policy variables are not supported in actions.
 */
export interface ActionPatterns {
  /** Lower-cased service prefixes named by the patterns (`s3`, `iam`). */
  readonly services: ReadonlySet<string>;
  /** A pattern matches every service (`*`, or a wildcard in the service prefix). */
  readonly anyService: boolean;
  /** `action` must be lower-cased. */
  matches(action: string): boolean;
}

export function compileActionPatterns(patterns: readonly string[]): ActionPatterns {
  const exact = new Set<string>();
  const wildcards: WildcardMatcher[] = [];
  const services = new Set<string>();
  let anyService = false;
  for (const raw of patterns) {
    const p = raw.toLowerCase();
    const colon = p.indexOf(':');
    const service = colon < 0 ? '' : p.slice(0, colon);
    if (p === '*' || colon < 0 || /[*?]/.test(service)) anyService = true;
    else services.add(service);
    // The service part is plain text, so matching the whole string keeps wildcards inside the
    // action name: `s3:*` matches `s3:getobject` and not `s3express:createsession`.
    if (/[*?]/.test(p)) wildcards.push(compileWildcard(parseTemplate(p, '2008-10-17'), { ignoreCase: true }));
    else exact.add(p);
  }
  return {
    services,
    anyService,
    matches(action) {
      if (exact.has(action)) return true;
      for (let i = 0; i < wildcards.length; i++) if (wildcards[i].test(action, 0, action.length, undefined) === true) return true;
      return false;
    },
  };
}
