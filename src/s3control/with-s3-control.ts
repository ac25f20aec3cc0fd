import type { ProtocolAdapter } from '../server/protocol.js';
import { isS3ControlRequest } from './s3control-request.js';

/**
 * One adapter for everything signed as `s3`: S3 Control requests (`isS3ControlRequest`) go to the
 * S3 Control protocol, which also renders their errors; the rest to S3. So neither the pipeline nor
 * the S3 router needs to know S3 Control exists. Authentication errors use S3's codes for both.
 */
export function withS3Control(s3: ProtocolAdapter, control: ProtocolAdapter): ProtocolAdapter {
  return {
    service: s3.service,
    ...(s3.authError ? { authError: s3.authError } : {}),
    route: (raw, req, auth, info) => (isS3ControlRequest(raw) ? control : s3).route(raw, req, auth, info),
    errorResponse: (err, info, raw) => (isS3ControlRequest(raw) ? control : s3).errorResponse(err, info, raw),
  };
}
