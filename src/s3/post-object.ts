/**
 * PostObject: browser uploads with an HTML form (multipart/form-data), authenticated by a signed POST
 * policy in the form rather than by the request's headers
 * (https://docs.aws.amazon.com/AmazonS3/latest/developerguide/RESTObjectPOST.html). The fields before
 * the file are read at route time (they carry the credentials, so the caller is known before
 * authorization); the file itself streams into the blob store after authorization.
 */
import type { PostPolicyVerification } from '../auth/post-policy.js';
import { UNSIGNED_FACTS } from '../auth/types.js';
import { ANONYMOUS } from '../identity/caller.js';
import type { ObjectRecord } from '../storage/ports.js';
import { objectCheck, prepared, requireBucket, type OperationHandler, type S3Context, type S3Response } from './context.js';
import { ServiceError } from '../errors/service-error.js';
import { s3Error } from './errors.js';
import { STORAGE_CLASSES, parseStorageClass, quoteEtag, MAX_USER_METADATA_BYTES } from './headers.js';
import { assertKeyLength } from './names.js';
import { readForm, formBoundary, type ParsedForm } from './multipart-form.js';
import { requestedAclFromHeaders } from './acl-request.js';
import { newObjectAcl } from './new-object-acl.js';
import { objectAclWriteChecks } from './object-write.js';
import { newObjectLock } from './object-lock.js';
import { commitObject, newObjectRecord, writeConditionContext, writtenVersionHeader } from './object-write.js';
import { emptyResponse } from './render.js';
import { encryptionResponseHeaders, newObjectCipher, planNewObjectEncryption, type NewObjectEncryptionPlan } from './object-encryption.js';
import { parseWriteEncryption } from './sse-headers.js';
import { parseTaggingDocument, requestTagContext, type TagSet } from './tag-set.js';
import { MAX_PUT_BYTES, declaredChecksum, parseContentMd5, receivePayload } from './upload.js';
import { parseXml } from './xml-parse.js';
import { WEBSITE_REDIRECT_HEADER, websiteRedirectField } from './website-redirect-location.js';
import { toXml } from '../protocol/xml.js';

/**
 * Verifies the signed POST policy of a form (src/auth `verifyPostPolicy` bound to the credential
 * provider and region): signature, key and expiration now; `checkConditions` once the file is read.
 * Throws the ServiceError S3 answers (SignatureDoesNotMatch, AccessDenied "Invalid according to
 * Policy: ...", InvalidPolicyDocument, ...). Fields without any signature field are anonymous.
 */
export type PostPolicyVerifier = (fields: Readonly<Record<string, string>>, now: Date) => Promise<PostPolicyVerification>;

const SIGNATURE_FIELDS = ['policy', 'x-amz-signature', 'x-amz-credential', 'x-amz-algorithm', 'x-amz-date', 'signature', 'awsaccesskeyid'];

/** `${filename}` → the file name's last path component; kept literally when the part has no filename. */
export function expandFilename(value: string, filename: string | undefined): string {
  if (filename === undefined) return value;
  const base = filename.split(/[/\\]/).pop() ?? '';
  return value.split('${filename}').join(base);
}

export function preparePostObjectWith(verify: PostPolicyVerifier | undefined): OperationHandler {
  return async (ctx) => {
    const bucket = requireBucket(ctx);
    const boundary = formBoundary(ctx.header('content-type'));
    if (boundary === undefined) {
      const condition = 'Bucket POST must be of the enclosure-type multipart/form-data';
      throw s3Error('PreconditionFailed', { fields: { Condition: condition } });
    }
    const form = await readForm(ctx.auth.body, boundary);
    const fields = new Map(form.fields);
    for (const [k, v] of fields) fields.set(k, expandFilename(v, form.file.filename));
    const key = fields.get('key');
    if (key === undefined) {
      throw s3Error('InvalidArgument', {
        message: "Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.",
        fields: { ArgumentName: 'key', ArgumentValue: '' },
      });
    }
    if (key === '') throw s3Error('InvalidArgument', { message: 'User key must have a length greater than 0.', fields: { ArgumentName: 'key', ArgumentValue: '' } });
    assertKeyLength(key);
    const flat = Object.fromEntries(fields);
    let verification: PostPolicyVerification | undefined;
    if (verify !== undefined) verification = await verify(flat, ctx.deps.now());
    else if (SIGNATURE_FIELDS.some((f) => fields.has(f))) throw s3Error('NotImplemented', { message: 'Signed POST policies are not supported by this server' });
    const tags = parseTagging(fields.get('tagging'));
    const context: Record<string, string | readonly string[]> = {
      ...requestTagContext(tags),
      ...writeConditionContext(ctx),
    };
    for (const f of ['acl', 'x-amz-server-side-encryption', 'x-amz-storage-class', WEBSITE_REDIRECT_HEADER]) {
      const v = fields.get(f);
      if (v !== undefined) context[f === 'acl' ? 's3:x-amz-acl' : `s3:${f}`] = v;
    }
    const checks = [objectCheck(ctx, 's3:PutObject', context, { bucket, key })];
    if (tags !== undefined && tags.length > 0) checks.push(objectCheck(ctx, 's3:PutObjectTagging', requestTagContext(tags), { bucket, key }));
    checks.push(...objectAclWriteChecks(ctx, formAclField(fields), { bucket, key }));
    // The form's encryption fields (names of any case), as PutObject's headers.
    const formFields = new Map([...fields].map(([k, v]) => [k.toLowerCase(), v]));
    const sse = await planNewObjectEncryption(ctx, { bucket, key }, parseWriteEncryption((n) => formFields.get(n), { secure: ctx.info.secureTransport }));
    checks.push(...sse.checks);
    // The form, not the request's headers, authenticated the caller: its facts (s3:authType POST,
    // s3:signatureAge) are the ones policies see.
    return prepared(checks, () => postObject(ctx, form, fields, key, tags ?? [], verification, sse), {
      caller: verification?.caller ?? ANONYMOUS,
      facts: verification?.facts ?? UNSIGNED_FACTS,
    });
  };
}

/** Without a verifier only anonymous POSTs (to a bucket whose policy allows them) can succeed. */
export const preparePostObject: OperationHandler = (ctx) => preparePostObjectWith(ctx.deps.verifyPostPolicy)(ctx);

/** The form's `acl` field, read as the `x-amz-acl` header of other writes (forms have no grant fields). */
function formAclField(fields: ReadonlyMap<string, string>): (name: string) => string | undefined {
  return (name) => (name === 'x-amz-acl' ? fields.get('acl') : undefined);
}

function parseTagging(value: string | undefined): TagSet | undefined {
  if (value === undefined) return undefined;
  return parseTaggingDocument(parseXml(value, 'Tagging', ['Tag', 'TagSet']));
}

function fieldMetadata(fields: ReadonlyMap<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  let size = 0;
  for (const [k, v] of fields) {
    if (!k.startsWith('x-amz-meta-')) continue;
    const name = k.slice('x-amz-meta-'.length);
    out[name] = v;
    size += Buffer.byteLength(name) + Buffer.byteLength(v);
  }
  if (size > MAX_USER_METADATA_BYTES) throw s3Error('MetadataTooLarge');
  return out;
}

async function postObject(
  ctx: S3Context,
  form: ParsedForm,
  fields: ReadonlyMap<string, string>,
  key: string,
  tags: TagSet,
  verification: PostPolicyVerification | undefined,
  sse: NewObjectEncryptionPlan,
): Promise<S3Response> {
  const bucket = requireBucket(ctx);
  const requested = requestedAclFromHeaders(formAclField(fields));
  const owner = await newObjectAcl(ctx, { bucket, requested, caller: verification?.caller ?? ANONYMOUS });
  const storageClass = fields.has('x-amz-storage-class') ? parseStorageClass(fields.get('x-amz-storage-class')) : STORAGE_CLASSES[0];
  const userMetadata = fieldMetadata(fields);
  // The form's x-amz-website-redirect-location field, as PutObject's header (RESTObjectPOST.html).
  const redirect = websiteRedirectField(fields.get(WEBSITE_REDIRECT_HEADER));
  const range = verification?.policy?.conditions.find((c) => c.op === 'content-length-range');
  const checksumFields: Record<string, string> = {};
  for (const [k, v] of fields) if (k.startsWith('x-amz-checksum-') && k !== 'x-amz-checksum-algorithm') checksumFields[k] = v;
  const cipher = await newObjectCipher(ctx, bucket, sse);
  const received = await receivePayload({
    encryption: cipher.payload,
    source: form.file.stream,
    blobs: ctx.deps.storage.blobs,
    // Stop reading as soon as the policy's content-length-range is exceeded.
    maxBytes: Math.min(MAX_PUT_BYTES, range?.op === 'content-length-range' ? range.max : MAX_PUT_BYTES),
    expectedBytes: undefined,
    contentMd5: parseContentMd5(fields.get('content-md5')),
    checksum: declaredChecksum(checksumFields),
    defaultAlgorithm: 'CRC64NVME',
    trailers: () => ({}),
  }).catch((e: unknown) => {
    if (e instanceof ServiceError && e.code === 'EntityTooLarge' && range?.op === 'content-length-range') {
      throw s3Error('EntityTooLarge', { message: 'Your proposed upload exceeds the maximum allowed size', fields: { MaxSizeAllowed: String(range.max) } });
    }
    throw e;
  });
  const record = newObjectRecord(ctx, bucket, key, received, {
    // The form's Content-Type field wins; S3's default otherwise (the file part's own type is not used).
    contentType: fields.get('content-type'),
    contentEncoding: fields.get('content-encoding'),
    contentDisposition: fields.get('content-disposition'),
    contentLanguage: undefined,
    cacheControl: fields.get('cache-control'),
    expires: fields.get('expires'),
    userMetadata,
    tags,
    storageClass,
    encryption: cipher.encryption,
    // A form sets no lock of its own; the bucket's default retention applies.
    objectLock: newObjectLock(bucket, {}, ctx.deps.now()),
    ...redirect,
  }, owner);

  try {
    verification?.checkConditions({ fields: Object.fromEntries(fields), contentLength: received.size, bucket: bucket.name });
  } catch (e) {
    await ctx.deps.objects.discard(record.segments);
    throw e;
  }
  const versionId = await commitObject(ctx, record, undefined);
  await form.drain();
  const response = postResponse(ctx, fields, record);
  const encryption = encryptionResponseHeaders(record.encryption, { contextHeader: sse.kms?.contextHeader });
  return { ...response, headers: { ...response.headers, ...writtenVersionHeader(versionId), ...encryption } };
}

/** success_action_redirect (303), else success_action_status 200 / 201 (PostResponse) / 204 (default). */
function postResponse(ctx: S3Context, fields: ReadonlyMap<string, string>, obj: ObjectRecord): S3Response {
  const host = ctx.header('host') ?? 'localhost';
  const location =
    ctx.target.style === 'path' ? `http://${host}/${obj.bucket}/${encodeURIComponent(obj.key)}` : `http://${host}/${encodeURIComponent(obj.key)}`;
  const etag = quoteEtag(obj.etag);
  const redirect = fields.get('success_action_redirect') ?? fields.get('redirect');
  if (redirect !== undefined && /^https?:\/\//i.test(redirect)) {
    try {
      const url = new URL(redirect);
      url.searchParams.set('bucket', obj.bucket);
      url.searchParams.set('key', obj.key);
      url.searchParams.set('etag', etag);
      return emptyResponse(303, { location: url.toString(), etag });
    } catch {
      // "If Amazon S3 cannot interpret the URL, it acts as if the field is not present."
    }
  }
  const status = fields.get('success_action_status');
  if (status === '201') {
    const body = toXml('PostResponse', { Location: location, Bucket: obj.bucket, Key: obj.key, ETag: etag });
    return { status: 201, headers: { 'content-type': 'application/xml', etag, location }, body };
  }
  return emptyResponse(status === '200' ? 200 : 204, { etag, location });
}
