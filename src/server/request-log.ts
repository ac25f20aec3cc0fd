/**
 * The JSON request log: one line per request with the fields of its record (audit/request-record.ts),
 * flattened for reading (the caller as its ARN). Secrets never reach it: the record has none, and
 * request parameters and response elements are left to the audit trail, which redacts them.
 */
import type { RequestRecord } from '../audit/request-record.js';

export function logLineOf(record: RequestRecord, peer: string, encodedDenial: string | undefined): Record<string, unknown> {
  const caller = record.caller;
  return {
    requestId: record.requestId,
    sourceIp: record.sourceIp,
    ...(peer !== record.sourceIp ? { peer } : {}),
    method: record.http.method,
    service: record.service,
    operation: record.operation ?? '-',
    caller: caller === undefined ? undefined : caller.kind === 'Anonymous' ? 'anonymous' : caller.arn,
    authenticationType: record.authenticationType,
    ...(record.s3?.bucket !== undefined ? { bucket: record.s3.bucket } : {}),
    ...(record.s3?.key !== undefined ? { key: record.s3.key } : {}),
    decision: record.decision,
    ...(record.decidedBy !== undefined ? { decidedBy: record.decidedBy } : {}),
    status: record.status,
    ...(record.errorCode !== undefined ? { errorCode: record.errorCode } : {}),
    bytesIn: record.bytesIn,
    bytesOut: record.bytesOut,
    latencyMs: Math.round(record.totalTimeMs * 1000) / 1000,
    completed: record.completed,
    ...(record.tls ? { tls: record.tls.version } : {}),
    ...(encodedDenial !== undefined ? { encodedAuthorizationMessage: encodedDenial } : {}),
  };
}
