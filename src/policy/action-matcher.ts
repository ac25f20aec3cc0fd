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
  /** `action` must be lower-cased; `colon` is the offset of its ':' (or -1). */
  matches(action: string, colon: number): boolean;
}

interface ServicePattern {
  readonly service: string;
  readonly name: WildcardMatcher;
}

export function compileActionPatterns(patterns: readonly string[]): ActionPatterns {
  const byService: ServicePattern[] = [];
  const global: WildcardMatcher[] = [];
  for (const raw of patterns) {
    const p = raw.toLowerCase();
    const colon = p.indexOf(':');
    const service = colon < 0 ? '' : p.slice(0, colon);
    if (p === '*' || colon < 0 || /[*?]/.test(service)) {
      global.push(compileWildcard(parseTemplate(p, '2008-10-17'), { ignoreCase: true }));
    } else {
      byService.push({ service, name: compileWildcard(parseTemplate(p.slice(colon + 1), '2008-10-17'), { ignoreCase: true }) });
    }
  }
  return {
    services: new Set(byService.map((s) => s.service)),
    anyService: global.length > 0,
    matches(action, colon) {
      for (const g of global) if (g.test(action, 0, action.length, undefined) === true) return true;
      if (colon < 0) return false;
      for (const sp of byService) {
        if (sp.service.length === colon && action.startsWith(sp.service) && sp.name.test(action, colon + 1, action.length, undefined) === true) {
          return true;
        }
      }
      return false;
    },
  };
}
