/**
 * The CloudTrail event of a request (issue #16): a pure mapping from the RequestRecord to the record
 * CloudTrail delivers, field for field as AWS fills them.
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-record-contents.html
 */
import type { RequestRecord } from './request-record.js';
import { awsRegionOf, eventSourceOf, isDataEvent, isReadOnlyOperation } from './cloudtrail-classification.js';
import { redactSection } from './cloudtrail-redaction.js';
import { userIdentityOf, type CloudTrailUserIdentity } from './cloudtrail-user-identity.js';

export type { CloudTrailUserIdentity } from './cloudtrail-user-identity.js';

export const CLOUDTRAIL_EVENT_VERSION = '1.11';

export interface CloudTrailResource {
  readonly ARN: string;
  readonly accountId?: string;
  readonly type: string;
}

export interface CloudTrailTlsDetails {
  readonly tlsVersion: string;
  readonly cipherSuite: string;
  readonly clientProvidedHostHeader?: string;
}

export interface CloudTrailEvent {
  readonly eventVersion: string;
  readonly userIdentity: CloudTrailUserIdentity;
  readonly eventTime: string;
  readonly eventSource: string;
  readonly eventName: string;
  readonly awsRegion: string;
  readonly sourceIPAddress: string;
  readonly userAgent?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  readonly requestParameters: Readonly<Record<string, unknown>> | null;
  readonly responseElements: Readonly<Record<string, unknown>> | null;
  readonly additionalEventData?: Readonly<Record<string, unknown>>;
  readonly requestID: string;
  readonly eventID: string;
  readonly readOnly: boolean;
  readonly resources?: readonly CloudTrailResource[];
  readonly eventType: 'AwsApiCall' | 'AwsConsoleSignIn';
  readonly managementEvent: boolean;
  readonly recipientAccountId: string;
  readonly sharedEventID?: string;
  readonly eventCategory: 'Management' | 'Data';
  readonly tlsDetails?: CloudTrailTlsDetails;
}

export interface CloudTrailEventOptions {
  readonly eventId: string;
  /**
   * The account this copy is delivered to; default: the resource owner (eventRecipients()[0]).
   * A cross-account call yields one copy per account, with distinct eventIds and one sharedEventId.
   */
  readonly recipientAccountId?: string;
  /** Required on cross-account copies (caller account ≠ recipient account): the id both copies share. */
  readonly sharedEventId?: string;
}

/**
 * The accounts that receive the event: the owner of the resource first (for S3, the bucket owner),
 * then the caller's account if it differs ("sharedEventID": cloudtrail-event-reference-record-contents).
 * Empty when no account can be named (an anonymous or unauthenticated call to no owned resource).
 */
export function eventRecipients(record: RequestRecord): string[] {
  const owner = record.s3?.bucketOwnerAccountId ?? record.resources?.find((r) => r.accountId)?.accountId;
  const caller = record.caller && record.caller.kind !== 'Anonymous' ? record.caller.accountId : undefined;
  const out: string[] = [];
  for (const id of [owner, caller]) if (id !== undefined && !out.includes(id)) out.push(id);
  return out;
}

/**
 * The event, or undefined when CloudTrail would record none: no operation was routed, the service is
 * not one CloudTrail knows, or no account can receive it.
 */
export function cloudTrailEvent(record: RequestRecord, options: CloudTrailEventOptions): CloudTrailEvent | undefined {
  const eventSource = eventSourceOf(record.service);
  const operation = record.operation;
  if (eventSource === undefined || operation === undefined) return undefined;
  const recipientAccountId = options.recipientAccountId ?? eventRecipients(record)[0];
  if (recipientAccountId === undefined) return undefined;
  const data = isDataEvent(record);
  // Both copies of a cross-account call carry the sharedEventID, the caller's copy included.
  const crossAccount = options.sharedEventId !== undefined && eventRecipients(record).length > 1;
  const errorCode = record.errorCode;
  // One shape for every event (absent members are `undefined`, which JSON leaves out): building it costs
  // a data event no more than it must (issue #16's request-path budget).
  return {
    eventVersion: CLOUDTRAIL_EVENT_VERSION,
    userIdentity: userIdentityOf(record),
    eventTime: eventTimeOf(record),
    eventSource,
    eventName: operation,
    awsRegion: awsRegionOf(record),
    sourceIPAddress: record.sourceIp,
    userAgent: record.userAgent,
    errorCode,
    // A failed console sign-in has a message and no code (AWS: "Failed authentication").
    errorMessage: record.errorMessage,
    requestParameters: redactSection({ service: record.service, operation, section: 'requestParameters',
      value: record.requestParameters ?? null }),
    // AWS records no response of a failed call.
    responseElements: errorCode === undefined
      ? redactSection({ service: record.service, operation, section: 'responseElements', value: record.responseElements ?? null })
      : null,
    additionalEventData: record.service === 's3' ? s3AdditionalEventData(record) : record.additionalEventData,
    requestID: record.requestId,
    eventID: options.eventId,
    readOnly: isReadOnlyOperation(operation),
    resources: record.resources?.length ? record.resources.map(resourceOf) : undefined,
    eventType: record.service === 'signin' ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: !data,
    recipientAccountId,
    sharedEventID: crossAccount ? options.sharedEventId : undefined,
    eventCategory: data ? 'Data' : 'Management',
    tlsDetails: record.tls ? tlsDetailsOf(record) : undefined,
  };
}

/**
 * "The date and time the request was completed", in UTC to the second (record-contents page, eventTime):
 * the arrival time plus the request's total time, fractions dropped.
 */
function eventTimeOf(record: RequestRecord): string {
  const second = Math.floor((record.eventTime.getTime() + Math.max(0, record.totalTimeMs)) / 1000);
  // Requests of the same second share one rendering (Date#toISOString was the largest part of building an event).
  if (second !== lastEventTime.second) lastEventTime = { second, text: `${new Date(second * 1000).toISOString().slice(0, 19)}Z` };
  return lastEventTime.text;
}
let lastEventTime = { second: Number.NaN, text: '' };

function resourceOf(r: { arn: string; accountId?: string; type: string }): CloudTrailResource {
  return r.accountId !== undefined ? { accountId: r.accountId, type: r.type, ARN: r.arn } : { type: r.type, ARN: r.arn };
}

function tlsDetailsOf(record: RequestRecord): CloudTrailTlsDetails {
  const tls = record.tls!;
  return {
    tlsVersion: tls.version,
    cipherSuite: tls.cipherSuite,
    ...(record.host !== undefined ? { clientProvidedHostHeader: record.host } : {}),
  };
}

/**
 * S3's additionalEventData (cloudtrail-logging-s3-info.html, "Example: CloudTrail log file entry"):
 * SignatureVersion, CipherSuite (TLS only), bytes in and out, AuthenticationMethod (authenticated
 * requests), x-amz-id-2. Decision: an anonymous request carries no SignatureVersion/AuthenticationMethod.
 */
function s3AdditionalEventData(record: RequestRecord): Record<string, unknown> {
  const signed = record.authenticationType !== 'Anonymous';
  return {
    SignatureVersion: signed ? record.signatureVersion : undefined,
    CipherSuite: record.tls?.cipherSuite,
    bytesTransferredIn: record.bytesIn,
    bytesTransferredOut: record.bytesOut,
    AuthenticationMethod: signed ? record.authenticationType : undefined,
    'x-amz-id-2': record.s3?.hostId,
  };
}

/**
 * Every copy of the event: one per recipient account, each with its own id from `newId`, sharing one
 * sharedEventID when there are two (a cross-account call).
 */
export function cloudTrailEventCopies(record: RequestRecord, options: { newId: () => string }): CloudTrailEvent[] {
  const recipients = eventRecipients(record);
  const sharedEventId = recipients.length > 1 ? options.newId() : undefined;
  const out: CloudTrailEvent[] = [];
  for (const recipientAccountId of recipients) {
    const event = cloudTrailEvent(record, { eventId: options.newId(), recipientAccountId, sharedEventId });
    if (event) out.push(event);
  }
  return out;
}
