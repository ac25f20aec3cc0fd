/**
 * Every S3 operation Strongbox implements, declared once: its name, how a request reaches it (method,
 * path shape, and the query parameter or header that tells it apart, from the HTTP bindings of the S3
 * service model), and its handler, which declares the authorization checks and returns the answer.
 * The router's rules, the list of implemented operations and the dispatch table are all derived from
 * this one table; the IAM actions each operation needs are the policy engine's table
 * (src/policy/s3-actions.ts), which check-declarations.test.ts holds the handlers to.
 */
import { prepareCreateBucket, prepareDeleteBucket, prepareGetBucketLocation, prepareHeadBucket, prepareListBuckets } from './bucket-ops.js';
import {
  prepareDeleteBucketPolicy,
  prepareGetBucketPolicy,
  prepareGetBucketPolicyStatus,
  preparePutBucketPolicy,
} from './bucket-policy.js';
import { prepareDeleteBucketEncryption, prepareGetBucketEncryption, preparePutBucketEncryption } from './bucket-encryption.js';
import { prepareCopyObject } from './copy.js';
import { prepareGetBucketAcl, prepareGetObjectAcl, preparePutBucketAcl, preparePutObjectAcl } from './acl.js';
import { prepareDeleteBucketOwnershipControls, prepareGetBucketOwnershipControls, preparePutBucketOwnershipControls } from './ownership.js';
import { prepareDeleteBucketCors, prepareGetBucketCors, prepareOptionsObject, preparePutBucketCors } from './cors.js';
import { prepareDeleteObject, prepareDeleteObjects } from './delete-objects.js';
import { prepareListObjects, prepareListObjectsV2 } from './list-objects.js';
import { prepareCompleteMultipartUpload } from './multipart-complete.js';
import { prepareListMultipartUploads, prepareListParts } from './multipart-list.js';
import { prepareAbortMultipartUpload, prepareCreateMultipartUpload, prepareUploadPart, prepareUploadPartCopy } from './multipart.js';
import { prepareGetObject, prepareHeadObject } from './object-get.js';
import { preparePutObject } from './object-put.js';
import { preparePostObject } from './post-object.js';
import { prepareDeletePublicAccessBlock, prepareGetPublicAccessBlock, preparePutPublicAccessBlock } from './public-access-block.js';
import {
  prepareDeleteBucketLifecycle,
  prepareGetBucketLifecycleConfiguration,
  preparePutBucketLifecycleConfiguration,
} from '../lifecycle/lifecycle-ops.js';
import { prepareDeleteObjectTagging, prepareGetObjectTagging, preparePutObjectTagging } from './tagging.js';
import { prepareGetBucketVersioning, preparePutBucketVersioning } from './versioning.js';
import { prepareListObjectVersions } from './list-object-versions.js';
import { prepareGetObjectAttributes } from './object-attributes.js';
import { prepareGetObjectLockConfiguration, preparePutObjectLockConfiguration } from './object-lock-config.js';
import { prepareGetBucketLogging, preparePutBucketLogging } from './bucket-logging.js';
import { prepareDeleteBucketWebsite, prepareGetBucketWebsite, preparePutBucketWebsite } from './bucket-website.js';
import { prepareDeleteBucketTagging, prepareGetBucketTagging, preparePutBucketTagging } from './bucket-tagging.js';
import { prepareGetBucketAbac, preparePutBucketAbac } from './bucket-abac.js';
import { prepareGetObjectLegalHold, prepareGetObjectRetention, preparePutObjectLegalHold, preparePutObjectRetention } from './object-lock.js';
import type { OperationHandler } from './context.js';
import { q, r, UNIMPLEMENTED_ROUTES, type Rule, type RouteSpec } from './router.js';

interface Declaration {
  readonly route: RouteSpec | readonly RouteSpec[];
  readonly handler: OperationHandler;
}

const DECLARED = {
  ListBuckets: { route: r('GET', 'service'), handler: prepareListBuckets },
  GetBucketLocation: { route: r('GET', 'bucket', q('location')), handler: prepareGetBucketLocation },
  ListMultipartUploads: { route: r('GET', 'bucket', q('uploads')), handler: prepareListMultipartUploads },
  GetBucketCors: { route: r('GET', 'bucket', q('cors')), handler: prepareGetBucketCors },
  PutBucketCors: { route: r('PUT', 'bucket', q('cors')), handler: preparePutBucketCors },
  DeleteBucketCors: { route: r('DELETE', 'bucket', q('cors')), handler: prepareDeleteBucketCors },
  GetBucketAcl: { route: r('GET', 'bucket', q('acl')), handler: prepareGetBucketAcl },
  PutBucketAcl: { route: r('PUT', 'bucket', q('acl')), handler: preparePutBucketAcl },
  GetBucketOwnershipControls: { route: r('GET', 'bucket', q('ownershipControls')), handler: prepareGetBucketOwnershipControls },
  PutBucketOwnershipControls: { route: r('PUT', 'bucket', q('ownershipControls')), handler: preparePutBucketOwnershipControls },
  DeleteBucketOwnershipControls: { route: r('DELETE', 'bucket', q('ownershipControls')), handler: prepareDeleteBucketOwnershipControls },
  PutBucketPolicy: { route: r('PUT', 'bucket', q('policy')), handler: preparePutBucketPolicy },
  GetBucketPolicy: { route: r('GET', 'bucket', q('policy')), handler: prepareGetBucketPolicy },
  DeleteBucketPolicy: { route: r('DELETE', 'bucket', q('policy')), handler: prepareDeleteBucketPolicy },
  GetBucketPolicyStatus: { route: r('GET', 'bucket', q('policyStatus')), handler: prepareGetBucketPolicyStatus },
  PutPublicAccessBlock: { route: r('PUT', 'bucket', q('publicAccessBlock')), handler: preparePutPublicAccessBlock },
  GetPublicAccessBlock: { route: r('GET', 'bucket', q('publicAccessBlock')), handler: prepareGetPublicAccessBlock },
  DeletePublicAccessBlock: { route: r('DELETE', 'bucket', q('publicAccessBlock')), handler: prepareDeletePublicAccessBlock },
  PutBucketLifecycleConfiguration: { route: r('PUT', 'bucket', q('lifecycle')), handler: preparePutBucketLifecycleConfiguration },
  GetBucketLifecycleConfiguration: { route: r('GET', 'bucket', q('lifecycle')), handler: prepareGetBucketLifecycleConfiguration },
  DeleteBucketLifecycle: { route: r('DELETE', 'bucket', q('lifecycle')), handler: prepareDeleteBucketLifecycle },
  PutBucketVersioning: { route: r('PUT', 'bucket', q('versioning')), handler: preparePutBucketVersioning },
  GetBucketVersioning: { route: r('GET', 'bucket', q('versioning')), handler: prepareGetBucketVersioning },
  ListObjectVersions: { route: r('GET', 'bucket', q('versions')), handler: prepareListObjectVersions },
  PutBucketEncryption: { route: r('PUT', 'bucket', q('encryption')), handler: preparePutBucketEncryption },
  GetBucketEncryption: { route: r('GET', 'bucket', q('encryption')), handler: prepareGetBucketEncryption },
  DeleteBucketEncryption: { route: r('DELETE', 'bucket', q('encryption')), handler: prepareDeleteBucketEncryption },
  PutObjectLockConfiguration: { route: r('PUT', 'bucket', q('object-lock')), handler: preparePutObjectLockConfiguration },
  GetObjectLockConfiguration: { route: r('GET', 'bucket', q('object-lock')), handler: prepareGetObjectLockConfiguration },
  PutBucketLogging: { route: r('PUT', 'bucket', q('logging')), handler: preparePutBucketLogging },
  GetBucketLogging: { route: r('GET', 'bucket', q('logging')), handler: prepareGetBucketLogging },
  PutBucketWebsite: { route: r('PUT', 'bucket', q('website')), handler: preparePutBucketWebsite },
  GetBucketWebsite: { route: r('GET', 'bucket', q('website')), handler: prepareGetBucketWebsite },
  DeleteBucketWebsite: { route: r('DELETE', 'bucket', q('website')), handler: prepareDeleteBucketWebsite },
  PutBucketTagging: { route: r('PUT', 'bucket', q('tagging')), handler: preparePutBucketTagging },
  GetBucketTagging: { route: r('GET', 'bucket', q('tagging')), handler: prepareGetBucketTagging },
  DeleteBucketTagging: { route: r('DELETE', 'bucket', q('tagging')), handler: prepareDeleteBucketTagging },
  PutBucketAbac: { route: r('PUT', 'bucket', q('abac')), handler: preparePutBucketAbac },
  GetBucketAbac: { route: r('GET', 'bucket', q('abac')), handler: prepareGetBucketAbac },
  DeleteObjects: { route: r('POST', 'bucket', q('delete')), handler: prepareDeleteObjects },
  ListObjectsV2: { route: r('GET', 'bucket', { queryValue: ['list-type', '2'] }), handler: prepareListObjectsV2 },
  ListObjects: { route: r('GET', 'bucket'), handler: prepareListObjects },
  HeadBucket: { route: r('HEAD', 'bucket'), handler: prepareHeadBucket },
  CreateBucket: { route: r('PUT', 'bucket'), handler: prepareCreateBucket },
  DeleteBucket: { route: r('DELETE', 'bucket'), handler: prepareDeleteBucket },
  PostObject: { route: r('POST', 'bucket'), handler: preparePostObject },
  GetObjectTagging: { route: r('GET', 'object', q('tagging')), handler: prepareGetObjectTagging },
  PutObjectTagging: { route: r('PUT', 'object', q('tagging')), handler: preparePutObjectTagging },
  DeleteObjectTagging: { route: r('DELETE', 'object', q('tagging')), handler: prepareDeleteObjectTagging },
  GetObjectAttributes: { route: r('GET', 'object', q('attributes')), handler: prepareGetObjectAttributes },
  GetObjectAcl: { route: r('GET', 'object', q('acl')), handler: prepareGetObjectAcl },
  PutObjectAcl: { route: r('PUT', 'object', q('acl')), handler: preparePutObjectAcl },
  PutObjectRetention: { route: r('PUT', 'object', q('retention')), handler: preparePutObjectRetention },
  GetObjectRetention: { route: r('GET', 'object', q('retention')), handler: prepareGetObjectRetention },
  PutObjectLegalHold: { route: r('PUT', 'object', q('legal-hold')), handler: preparePutObjectLegalHold },
  GetObjectLegalHold: { route: r('GET', 'object', q('legal-hold')), handler: prepareGetObjectLegalHold },
  CreateMultipartUpload: { route: r('POST', 'object', q('uploads')), handler: prepareCreateMultipartUpload },
  CompleteMultipartUpload: { route: r('POST', 'object', q('uploadId')), handler: prepareCompleteMultipartUpload },
  UploadPartCopy: { route: r('PUT', 'object', { query: ['uploadId'], header: 'x-amz-copy-source' }), handler: prepareUploadPartCopy },
  UploadPart: { route: r('PUT', 'object', q('uploadId')), handler: prepareUploadPart },
  ListParts: { route: r('GET', 'object', q('uploadId')), handler: prepareListParts },
  AbortMultipartUpload: { route: r('DELETE', 'object', q('uploadId')), handler: prepareAbortMultipartUpload },
  CopyObject: { route: r('PUT', 'object', { header: 'x-amz-copy-source' }), handler: prepareCopyObject },
  PutObject: { route: r('PUT', 'object'), handler: preparePutObject },
  GetObject: { route: r('GET', 'object'), handler: prepareGetObject },
  HeadObject: { route: r('HEAD', 'object'), handler: prepareHeadObject },
  DeleteObject: { route: r('DELETE', 'object'), handler: prepareDeleteObject },
  OptionsObject: { route: [r('OPTIONS', 'bucket'), r('OPTIONS', 'object')], handler: prepareOptionsObject },
} satisfies Record<string, Declaration>;

export type S3OperationName = keyof typeof DECLARED;

export const IMPLEMENTED_OPERATIONS = Object.keys(DECLARED) as readonly S3OperationName[];

export function isImplemented(op: string): op is S3OperationName {
  return Object.hasOwn(DECLARED, op);
}

export function handlerOf(op: S3OperationName): OperationHandler {
  return DECLARED[op].handler;
}

/**
 * The router's rules, most specific first (the first match wins): a rule that names more of the
 * request (query parameters count double, then a header, then a query parameter's value) comes before
 * one that names less — UploadPartCopy before UploadPart before PutObject, a sub-resource before
 * ListObjectsV2 before ListObjects. Ties keep the table's order. Operations S3 has and Strongbox does
 * not implement are recognised too (they are authorized, then answered NotImplemented).
 */
export const ROUTES: readonly Rule[] = [
  ...Object.entries(DECLARED).flatMap(([op, d]) => (Array.isArray(d.route) ? d.route : [d.route]).map((spec: RouteSpec) => ({ ...spec, op }))),
  ...UNIMPLEMENTED_ROUTES,
]
  .map((rule, index) => ({ rule, index, score: specificity(rule) }))
  .sort((a, b) => b.score - a.score || a.index - b.index)
  .map((e) => e.rule);

function specificity(rule: Rule): number {
  return 2 * (rule.query?.length ?? 0) + (rule.header ? 1 : 0) + (rule.queryValue ? 1 : 0);
}
