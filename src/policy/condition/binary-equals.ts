import type { ConditionOperator } from './operator.js';

/** BinaryEquals: base64 values compared as bytes (padding and line breaks do not matter). */
function canonicalBase64(raw: string): string | undefined {
  const s = raw.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) return undefined;
  return Buffer.from(s, 'base64').toString('base64');
}

export const binaryEquals: ConditionOperator<string | undefined, string | undefined> = {
  name: 'BinaryEquals',
  negated: false,
  compileValue: (raw) => canonicalBase64(raw),
  prepare: (raw) => canonicalBase64(raw),
  test: (requestValue, policyValue) => policyValue !== undefined && requestValue === policyValue,
};
