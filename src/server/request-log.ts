/**
 * The JSON request log: one line per request with the fields of its record (audit/request-record.ts),
 * flattened for reading (the caller as its ARN). Secrets never reach it: the record has none, and
 * request parameters and response elements are left to the audit trail, which redacts them.
 */
import type { RequestRecord } from '../audit/request-record.js';

export function logLineOf(record: RequestRecord, peer: string, encodedDenial: string | undefined): Record<string, unknown> {
  const caller = record.caller;
  const line: Record<string, unknown> = { requestId: record.requestId, sourceIp: record.sourceIp };
  if (peer !== record.sourceIp) line.peer = peer;
  line.method = record.http.method;
  line.service = record.service;
  line.operation = record.operation ?? '-';
  line.caller = caller === undefined ? undefined : caller.kind === 'Anonymous' ? 'anonymous' : caller.arn;
  line.authenticationType = record.authenticationType;
  if (record.s3?.bucket !== undefined) line.bucket = record.s3.bucket;
  if (record.s3?.key !== undefined) line.key = record.s3.key;
  line.decision = record.decision;
  if (record.decidedBy !== undefined) line.decidedBy = record.decidedBy;
  line.status = record.status;
  if (record.errorCode !== undefined) line.errorCode = record.errorCode;
  line.bytesIn = record.bytesIn;
  line.bytesOut = record.bytesOut;
  line.latencyMs = Math.round(record.totalTimeMs * 1000) / 1000;
  line.completed = record.completed;
  if (record.tls) line.tls = record.tls.version;
  if (encodedDenial !== undefined) line.encodedAuthorizationMessage = encodedDenial;
  return line;
}
