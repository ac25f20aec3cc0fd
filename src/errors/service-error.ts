/**
 * The one error type that crosses layers. A handler, the authenticator or the authorizer throws a
 * ServiceError with an AWS error code; the protocol's renderer turns it into the exact AWS response
 * (S3: XML `<Error>` body; Query: `<ErrorResponse>`). Anything else thrown becomes `InternalError`:
 * errors are never mapped by message text.
 */
export class ServiceError extends Error {
  readonly code: string;
  readonly status: number;
  /** Extra elements rendered inside the error body, e.g. `BucketName`, `Key`, `Resource`. */
  readonly fields: Readonly<Record<string, string>>;
  /** Extra response headers, e.g. `x-amz-expiration` or `Allow`. */
  readonly headers: Readonly<Record<string, string>>;
  /** Query protocol: `Sender` (client fault) or `Receiver` (server fault). */
  readonly faultType: 'Sender' | 'Receiver';

  constructor(
    code: string,
    message: string,
    status: number,
    options: { fields?: Record<string, string>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ServiceError';
    this.code = code;
    this.status = status;
    this.fields = options.fields ?? {};
    this.headers = options.headers ?? {};
    this.faultType = status >= 500 ? 'Receiver' : 'Sender';
  }
}

/** An entry of a per-service error catalogue: `code → status + default message`. */
export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
}

/**
 * Builds a typed error factory from a catalogue, so a code that is not in the catalogue does not
 * compile: `const s3Error = errorFactory(S3_ERRORS); throw s3Error('NoSuchBucket', { fields: {...} })`.
 */
export function errorFactory<C extends Record<string, ErrorSpec>>(catalogue: C) {
  return (
    code: keyof C & string,
    options: { message?: string; fields?: Record<string, string>; headers?: Record<string, string>; cause?: unknown } = {},
  ): ServiceError => {
    const spec = catalogue[code];
    return new ServiceError(code, options.message ?? spec.message, spec.status, options);
  };
}

/** The same error with more response headers (e.g. the CORS headers of an allowed origin). */
export function withHeaders(e: ServiceError, headers: Readonly<Record<string, string>>): ServiceError {
  const copy = new ServiceError(e.code, e.message, e.status, { fields: { ...e.fields }, headers: { ...headers, ...e.headers }, cause: e.cause });
  return Object.setPrototypeOf(copy, Object.getPrototypeOf(e) as object) as ServiceError;
}

export function isServiceError(e: unknown): e is ServiceError {
  return e instanceof ServiceError;
}
