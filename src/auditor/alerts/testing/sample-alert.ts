/** Alerts for tests, and decoders for what the e-mail encodes. */
import type { Alert } from '../alert.js';

export function sampleAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    id: 'alert-0001',
    kind: 'Finding',
    title: "Bucket photos is public (policy statement 'Open')",
    accountId: '111122223333',
    time: new Date('2025-03-04T05:06:07.089Z'),
    what: 'The bucket policy of photos now allows s3:GetObject to everyone ("Principal": "*").',
    who: 'arn:aws:iam::111122223333:user/alice',
    fix: 'aws s3api put-public-access-block --bucket photos --public-access-block-configuration BlockPublicPolicy=true',
    severity: 'HIGH',
    details: { findingType: 'ExternalAccess', resource: 'arn:aws:s3:::photos', actions: ['s3:GetObject'] },
    ...overrides,
  };
}

/** Quoted-printable back to text (RFC 2045 §6.7), for checking what alertEmail wrote. */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    if (joined[i] === '=') {
      bytes.push(parseInt(joined.slice(i + 1, i + 3), 16));
      i += 2;
    } else bytes.push(joined.charCodeAt(i));
  }
  return Buffer.from(bytes).toString('utf8');
}

/** RFC 2047 B encoded-words (as alertEmail writes them) back to text; other text is kept. */
export function decodeEncodedWords(value: string): string {
  return value
    .replace(/\?=\r\n =\?/g, '?==?')
    .replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/g, (_, b64: string) => Buffer.from(b64, 'base64').toString('utf8'));
}

/** A message's header block as name → unfolded value, and its body. */
export function splitMessage(message: string): { headers: Map<string, string>; lines: string[]; body: string } {
  const end = message.indexOf('\r\n\r\n');
  const block = message.slice(0, end);
  const lines = block.split('\r\n');
  const headers = new Map<string, string>();
  let last = '';
  for (const line of lines) {
    if (/^[ \t]/.test(line)) headers.set(last, `${headers.get(last) ?? ''}\r\n${line}`);
    else {
      last = line.slice(0, line.indexOf(':'));
      headers.set(last, line.slice(line.indexOf(':') + 2));
    }
  }
  return { headers, lines, body: message.slice(end + 4) };
}
