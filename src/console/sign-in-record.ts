import type { IncomingMessage } from 'node:http';
import type { RequestRecord } from '../audit/request-record.js';
import { rootArn, userArn } from '../iam/arn.js';
import type { Caller } from '../identity/caller.js';
import type { ClientAddressResolver } from '../server/client-address.js';
import { requestInfoOf } from '../server/pipeline.js';
import { newRequestId } from '../server/request-id.js';
import type { SessionPrincipal } from '../sts/session-token.js';

/**
 * A console sign-in as the request record the audit trail reads: CloudTrail's `ConsoleLogin` event
 * (event source signin.amazonaws.com, type AwsConsoleSignIn), with `responseElements.ConsoleLogin`
 * Success or Failure, `additionalEventData.MFAUsed`, and for a failure AWS's "Failed authentication".
 * Recorded in the account of the principal the attempt named; an attempt naming no one is not.
 */
export function signInRecord(o: {
  readonly req: IncomingMessage;
  readonly receivedAt: Date;
  readonly region: string;
  readonly clientAddress?: ClientAddressResolver;
  readonly subject: SessionPrincipal;
  readonly success: boolean;
  readonly mfaUsed: boolean;
  readonly totalTimeMs: number;
}): RequestRecord {
  const requestId = newRequestId();
  const { info } = requestInfoOf(o.req, {
    requestId,
    receivedAt: o.receivedAt,
    region: o.region,
    clientAddress: o.clientAddress,
  });
  return {
    requestId,
    eventTime: o.receivedAt,
    service: 'signin',
    region: o.region,
    operation: 'ConsoleLogin',
    caller: callerOf(o.subject),
    authenticationType: 'Anonymous',
    sourceIp: info.sourceIp,
    userAgent: info.userAgent,
    http: { method: 'POST', uri: '/console/signin', version: `HTTP/${o.req.httpVersion}` },
    responseElements: { ConsoleLogin: o.success ? 'Success' : 'Failure' },
    additionalEventData: { LoginTo: '/console/', MobileVersion: 'No', MFAUsed: o.mfaUsed ? 'Yes' : 'No' },
    status: o.success ? 200 : 401,
    ...(o.success ? {} : { errorMessage: 'Failed authentication' }),
    bytesIn: 0,
    bytesOut: 0,
    totalTimeMs: o.totalTimeMs,
    completed: true,
  };
}

function callerOf(p: SessionPrincipal): Caller {
  if (p.kind === 'Root') return { kind: 'Root', accountId: p.accountId, arn: rootArn(p.accountId), accessKeyId: '' };
  if (p.kind === 'User') {
    const arn = userArn(p.accountId, p.path, p.userName);
    return {
      kind: 'User',
      accountId: p.accountId,
      arn,
      userId: p.userId,
      userName: p.userName,
      path: p.path,
      accessKeyId: '',
    };
  }
  throw new Error('a role does not sign in to the console');
}
