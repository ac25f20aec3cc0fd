/**
 * Who reads the request record (audit/request-record.ts): the audit trail, access logs, metrics,
 * the access advisor and the JSON request log. The pipeline builds one record per request and hands
 * it to every observer; none of them writes to the socket or sees anything else of the request.
 */
import type { RequestRecord } from '../audit/request-record.js';

export interface RequestObserver {
  /**
   * Write-ahead, before the response is sent (the audit trail): the record as it will be answered
   * (status, error, expected bytes; time so far). A returned promise delays the response until it
   * settles, so the observer can make the record durable before the client learns the outcome.
   * Returns undefined when it keeps nothing of this request (the common, free case).
   */
  readonly beforeResponse?: (record: RequestRecord) => Promise<void> | undefined;
  /**
   * With `beforeResponse`: whether it may keep anything of a request of this service and operation.
   * The pipeline builds the write-ahead record only when one observer says yes (most requests: none).
   */
  readonly keeps?: (service: string, operation: string | undefined) => boolean;
  /** Once the response has ended or the connection was cut: the final record. Must not throw. */
  readonly afterResponse?: (record: RequestRecord) => void;
}
