import { iamError } from '../errors.js';
import type { PolicyValidator } from './deps.js';

type Json = string | number | boolean | null | Json[] | { [k: string]: Json };

const malformed = (message: string) => iamError('MalformedPolicyDocument', { message });

function isObject(v: Json | undefined): v is { [k: string]: Json } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Structural check of an identity policy, used until the policy engine's validator is wired in
 * (`createIamOperations({ validatePolicy })`). It refuses what AWS refuses most often; the engine's
 * validator is the complete one (actions, ARNs, condition operators, variables).
 */
export const minimalPolicyValidator: PolicyValidator = (document) => {
  let doc: Json;
  try {
    doc = JSON.parse(document) as Json;
  } catch {
    throw malformed('Syntax errors in policy.');
  }
  if (!isObject(doc)) throw malformed('Syntax errors in policy.');
  const version = doc.Version;
  if (version !== undefined && version !== '2012-10-17' && version !== '2008-10-17') throw malformed('The policy failed legacy parsing');
  const st = doc.Statement;
  const statements = Array.isArray(st) ? st : st === undefined ? [] : [st];
  if (statements.length === 0) throw malformed('Syntax errors in policy.');
  for (const s of statements) {
    if (!isObject(s)) throw malformed('Syntax errors in policy.');
    if (s.Effect !== 'Allow' && s.Effect !== 'Deny') throw malformed(s.Effect === undefined ? 'Missing required field Effect' : `Invalid effect: ${String(s.Effect)}`);
    if (s.Principal !== undefined || s.NotPrincipal !== undefined) throw malformed('Policy document should not specify a principal.');
    if (s.Action === undefined && s.NotAction === undefined) throw malformed('Policy statement must contain actions.');
    if (s.Resource === undefined && s.NotResource === undefined) throw malformed('Policy statement must contain resources.');
  }
};

/** Policy size as IAM counts it against its quotas: characters other than whitespace. */
export function policySize(document: string): number {
  return document.replace(/\s/g, '').length;
}
