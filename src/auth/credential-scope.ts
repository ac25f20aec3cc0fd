import { AuthFailure, s3AuthError } from './auth-errors.js';
import { TERMINATOR } from './sigv4-constants.js';

export type SignatureLocation = 'header' | 'query';

export interface CredentialScope {
  readonly accessKeyId: string;
  /** YYYYMMDD */
  readonly date: string;
  readonly region: string;
  readonly service: string;
  readonly terminal: string;
  /** `date/region/service/aws4_request`, as it appears in the string to sign. */
  readonly scope: string;
}

/** Which scopes this endpoint accepts. */
export interface ScopePolicy {
  readonly services: readonly string[];
  /** Accepted regions for a service; the first is named in error messages. */
  regionsFor(service: string): readonly string[];
}

/** S3 words the same failure differently for the Authorization header and for X-Amz-Credential. */
function malformed(location: SignatureLocation, detail: string, failure: AuthFailure, fields?: Record<string, string>) {
  return location === 'header'
    ? s3AuthError('AuthorizationHeaderMalformed', failure, { message: `The authorization header is malformed; ${detail}`, fields })
    : s3AuthError('AuthorizationQueryParametersError', failure, {
        message: `Error parsing the X-Amz-Credential parameter; ${detail}`,
        fields,
      });
}

export function parseCredential(value: string, location: SignatureLocation): CredentialScope {
  const parts = value.split('/');
  if (parts.length !== 5 || parts[0] === '' || !/^\d{8}$/.test(parts[1]) || parts[2] === '' || parts[3] === '') {
    const service = parts.length === 5 ? parts[3] : undefined;
    throw malformed(
      location,
      'the Credential is mal-formed; expecting "<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".',
      new AuthFailure('malformed-credential', { service }),
    );
  }
  const [accessKeyId, date, region, service, terminal] = parts as [string, string, string, string, string];
  return { accessKeyId, date, region, service, terminal, scope: `${date}/${region}/${service}/${terminal}` };
}

/** Region, service and terminator checks, in the order S3 reports them. */
export function validateScope(scope: CredentialScope, policy: ScopePolicy, location: SignatureLocation): void {
  const { service, region, terminal } = scope;
  if (!policy.services.includes(service)) {
    const expected = policy.services[0] ?? 's3';
    throw malformed(
      location,
      `incorrect service "${service}". This endpoint belongs to "${expected}".`,
      new AuthFailure('wrong-service', { service, provided: service, expected }),
    );
  }
  const regions = policy.regionsFor(service);
  if (!regions.includes(region)) {
    const expected = regions[0] ?? '';
    throw malformed(location, `the region '${region}' is wrong; expecting '${expected}'`, new AuthFailure('wrong-region', { service, provided: region, expected }), {
      Region: expected,
    });
  }
  if (terminal !== TERMINATOR) {
    throw malformed(
      location,
      `incorrect terminal "${terminal}". This endpoint uses "${TERMINATOR}".`,
      new AuthFailure('wrong-terminal', { service, provided: terminal, expected: TERMINATOR }),
    );
  }
}

/** The credential date must be the date of X-Amz-Date. */
export function validateScopeDate(scope: CredentialScope, amzDate: string, location: SignatureLocation): void {
  const requestDay = amzDate.slice(0, 8);
  if (scope.date === requestDay) return;
  const failure = new AuthFailure('credential-date-mismatch', {
    service: scope.service,
    provided: scope.date,
    expected: requestDay,
    requestTime: amzDate,
  });
  const detail = `Invalid credential date "${scope.date}". This date is not the same as X-Amz-Date: "${requestDay}".`;
  throw location === 'header'
    ? s3AuthError('AuthorizationHeaderMalformed', failure, { message: `The authorization header is malformed; ${detail}` })
    : s3AuthError('AuthorizationQueryParametersError', failure, { message: detail });
}
