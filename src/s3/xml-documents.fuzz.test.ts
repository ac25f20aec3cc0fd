/**
 * Fuzzing every S3 XML request-body parser (bounded: a fixed number of runs per property). Whatever
 * the body, a parser returns its document or throws a ServiceError with a client status: a TypeError,
 * a RangeError or the XML library's own Error would be a 500 InternalError on the wire.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseBucketLoggingStatus } from '../audit/access-log-config.js';
import { ServiceError } from '../errors/service-error.js';
import { parseLifecycleDocument } from '../lifecycle/lifecycle-xml.js';
import { validateLifecycleRules } from '../lifecycle/validate-lifecycle.js';
import { parseWebsiteConfiguration } from '../website/website-configuration.js';
import { parseAccessControlPolicy } from './acl-xml.js';
import { parseAbacStatus } from './bucket-abac.js';
import { parseEncryptionConfiguration } from './bucket-encryption.js';
import { parseBucketTagging } from './bucket-tagging.js';
import { parseCorsDocument } from './cors.js';
import { parseDeleteDocument } from './delete-objects.js';
import { parseCompleteDocument } from './multipart-complete.js';
import { parseObjectLockConfiguration } from './object-lock-config.js';
import { parseLegalHold, parseRetention } from './object-lock.js';
import { parseOwnershipControls } from './ownership.js';
import { parsePublicAccessBlockConfiguration } from './public-access-block.js';
import { parseTaggingDocument } from './tag-set.js';
import { parseVersioningConfiguration } from './versioning.js';
import { childText, parseXml } from './xml-parse.js';
import { DEFAULT_MAX_XML_DEPTH } from './xml-reader.js';

const RUNS = 300;
/**
 * Mutants per parser. Only 1–2 % of the mutants of the shortest samples (PutBucketVersioning,
 * PutBucketAbac, PutPublicAccessBlock) are still valid: with 300 of them, none was now and then (CI
 * failed once so); with 900 about 12 are expected, and none about once in 160,000 runs.
 */
const MUTANT_RUNS = 3 * RUNS;
const NOW = new Date('2026-01-01T00:00:00Z');
const BASE_ENCRYPTION = { sseAlgorithm: 'AES256', bucketKeyEnabled: false, blockedEncryptionTypes: [] } as const;

interface DocumentParser {
  readonly root: string;
  /** Element names of the document's schema: generated trees use them so parsers get past the root. */
  readonly names: readonly string[];
  /** A valid document, the seed of the mutation property. */
  readonly sample: string;
  readonly parse: (xml: string) => unknown;
}

const PARSERS: Readonly<Record<string, DocumentParser>> = {
  DeleteObjects: {
    root: 'Delete',
    names: ['Object', 'Key', 'VersionId', 'ETag', 'Quiet', 'LastModifiedTime', 'Size'],
    sample: '<Delete><Object><Key>a b&amp;c</Key><VersionId>null</VersionId></Object><Quiet>true</Quiet></Delete>',
    parse: parseDeleteDocument,
  },
  CompleteMultipartUpload: {
    root: 'CompleteMultipartUpload',
    names: ['Part', 'PartNumber', 'ETag', 'ChecksumCRC32', 'ChecksumSHA256'],
    sample:
      '<CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"abc"</ETag></Part>' +
      '<Part><PartNumber>2</PartNumber><ETag>def</ETag><ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>' +
      '</CompleteMultipartUpload>',
    parse: parseCompleteDocument,
  },
  PutBucketCors: {
    root: 'CORSConfiguration',
    names: ['CORSRule', 'AllowedOrigin', 'AllowedMethod', 'AllowedHeader', 'ExposeHeader', 'MaxAgeSeconds', 'ID'],
    sample:
      '<CORSConfiguration><CORSRule><ID>r</ID><AllowedOrigin>https://*.example.com</AllowedOrigin>' +
      '<AllowedMethod>GET</AllowedMethod><AllowedHeader>*</AllowedHeader><MaxAgeSeconds>30</MaxAgeSeconds>' +
      '</CORSRule></CORSConfiguration>',
    parse: parseCorsDocument,
  },
  PutBucketLifecycleConfiguration: {
    root: 'LifecycleConfiguration',
    names: [
      'Rule', 'ID', 'Status', 'Prefix', 'Filter', 'And', 'Tag', 'Key', 'Value', 'ObjectSizeGreaterThan',
      'ObjectSizeLessThan', 'Expiration', 'Days', 'Date', 'ExpiredObjectDeleteMarker', 'Transition', 'StorageClass',
      'NoncurrentVersionExpiration', 'NoncurrentDays', 'NewerNoncurrentVersions', 'NoncurrentVersionTransition',
      'AbortIncompleteMultipartUpload', 'DaysAfterInitiation',
    ],
    sample:
      '<LifecycleConfiguration><Rule><ID>r1</ID><Filter><And><Prefix>logs/</Prefix>' +
      '<ObjectSizeGreaterThan>10</ObjectSizeGreaterThan></And></Filter><Status>Enabled</Status><Expiration>' +
      '<Days>30</Days>' +
      '</Expiration><Transition><Days>10</Days><StorageClass>GLACIER</StorageClass></Transition>' +
      '</Rule><Rule><Status>Disabled</Status><Filter></Filter><AbortIncompleteMultipartUpload>' +
      '<DaysAfterInitiation>2</DaysAfterInitiation></AbortIncompleteMultipartUpload></Rule></LifecycleConfiguration>',
    // Distinct generated IDs: a mutant may leave several rules without one, and the validator draws
    // IDs until one is free (a constant here looped forever).
    parse: (xml) => {
      let n = 0;
      return validateLifecycleRules(parseLifecycleDocument(xml), () => `generated-${n++}`);
    },
  },
  PutBucketVersioning: {
    root: 'VersioningConfiguration',
    names: ['Status', 'MfaDelete'],
    sample:
      '<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Disabled</MfaDelete>' +
      '</VersioningConfiguration>',
    parse: parseVersioningConfiguration,
  },
  PutObjectLockConfiguration: {
    root: 'ObjectLockConfiguration',
    names: ['ObjectLockEnabled', 'Rule', 'DefaultRetention', 'Mode', 'Days', 'Years'],
    sample:
      '<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention>' +
      '<Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>',
    parse: parseObjectLockConfiguration,
  },
  PutObjectRetention: {
    root: 'Retention',
    names: ['Mode', 'RetainUntilDate'],
    sample: '<Retention><Mode>COMPLIANCE</Mode><RetainUntilDate>2030-01-01T00:00:00Z</RetainUntilDate></Retention>',
    parse: (xml) => parseRetention(xml, NOW),
  },
  PutObjectLegalHold: {
    root: 'LegalHold',
    names: ['Status'],
    sample: '<LegalHold><Status>ON</Status></LegalHold>',
    parse: parseLegalHold,
  },
  PutBucketEncryption: {
    root: 'ServerSideEncryptionConfiguration',
    names: [
      'Rule', 'ApplyServerSideEncryptionByDefault', 'SSEAlgorithm', 'KMSMasterKeyID', 'BucketKeyEnabled',
      'BlockedEncryptionTypes', 'EncryptionType',
    ],
    sample:
      '<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault>' +
      '<SSEAlgorithm>aws:kms</SSEAlgorithm>' +
      '<KMSMasterKeyID>alias/k</KMSMasterKeyID></ApplyServerSideEncryptionByDefault>' +
      '<BucketKeyEnabled>true</BucketKeyEnabled>' +
      '<BlockedEncryptionTypes><EncryptionType>SSE-C</EncryptionType></BlockedEncryptionTypes></Rule>' +
      '</ServerSideEncryptionConfiguration>',
    parse: (xml) => parseEncryptionConfiguration(xml, BASE_ENCRYPTION),
  },
  PutBucketOwnershipControls: {
    root: 'OwnershipControls',
    names: ['Rule', 'ObjectOwnership'],
    sample:
      '<OwnershipControls><Rule><ObjectOwnership>BucketOwnerEnforced</ObjectOwnership></Rule>' +
      '</OwnershipControls>',
    parse: parseOwnershipControls,
  },
  PutPublicAccessBlock: {
    root: 'PublicAccessBlockConfiguration',
    names: ['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'],
    sample:
      '<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls>' +
      '<IgnorePublicAcls>false</IgnorePublicAcls>' +
      '</PublicAccessBlockConfiguration>',
    parse: parsePublicAccessBlockConfiguration,
  },
  PutBucketLogging: {
    root: 'BucketLoggingStatus',
    names: [
      'LoggingEnabled', 'TargetBucket', 'TargetPrefix', 'TargetGrants', 'Grant', 'Grantee', 'ID', 'URI', 'EmailAddress',
      'Permission', 'TargetObjectKeyFormat', 'SimplePrefix', 'PartitionedPrefix', 'PartitionDateSource',
    ],
    sample:
      '<BucketLoggingStatus><LoggingEnabled><TargetBucket>logs</TargetBucket>' +
      '<TargetPrefix>p/</TargetPrefix><TargetGrants>' +
      '<Grant><Grantee><URI>http://acs.amazonaws.com/groups/global/AllUsers</URI></Grantee>' +
      '<Permission>READ</Permission></Grant>' +
      '</TargetGrants><TargetObjectKeyFormat><PartitionedPrefix><PartitionDateSource>EventTime</PartitionDateSource>' +
      '</PartitionedPrefix></TargetObjectKeyFormat></LoggingEnabled></BucketLoggingStatus>',
    parse: parseBucketLoggingStatus,
  },
  PutBucketAcl: {
    root: 'AccessControlPolicy',
    names: ['Owner', 'ID', 'DisplayName', 'AccessControlList', 'Grant', 'Grantee', 'URI', 'EmailAddress', 'Permission'],
    sample:
      '<AccessControlPolicy><Owner><ID>abc</ID></Owner><AccessControlList><Grant>' +
      '<Grantee xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:type="CanonicalUser"><ID>abc</ID></Grantee>' +
      '<Permission>FULL_CONTROL</Permission></Grant></AccessControlList></AccessControlPolicy>',
    parse: parseAccessControlPolicy,
  },
  PutObjectTagging: {
    root: 'Tagging',
    names: ['TagSet', 'Tag', 'Key', 'Value'],
    sample: '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag></TagSet></Tagging>',
    parse: (xml) => parseTaggingDocument(parseXml(xml, 'Tagging', ['Tag', 'TagSet'])),
  },
  PutBucketTagging: {
    root: 'Tagging',
    names: ['TagSet', 'Tag', 'Key', 'Value'],
    sample:
      '<Tagging><TagSet><Tag><Key>k</Key><Value>v</Value></Tag><Tag><Key>k2</Key><Value></Value></Tag>' +
      '</TagSet></Tagging>',
    parse: parseBucketTagging,
  },
  PutBucketAbac: {
    root: 'AbacStatus',
    names: ['Status'],
    sample: '<AbacStatus><Status>Enabled</Status></AbacStatus>',
    parse: parseAbacStatus,
  },
  PutBucketWebsite: {
    root: 'WebsiteConfiguration',
    names: [
      'IndexDocument', 'Suffix', 'ErrorDocument', 'Key', 'RedirectAllRequestsTo', 'HostName', 'Protocol',
      'RoutingRules',
      'RoutingRule', 'Condition', 'KeyPrefixEquals', 'HttpErrorCodeReturnedEquals', 'Redirect', 'ReplaceKeyPrefixWith',
      'ReplaceKeyWith', 'HttpRedirectCode',
    ],
    sample:
      '<WebsiteConfiguration><IndexDocument><Suffix>index.html</Suffix></IndexDocument><ErrorDocument>' +
      '<Key>error.html</Key>' +
      '</ErrorDocument><RoutingRules><RoutingRule><Condition><KeyPrefixEquals>docs/</KeyPrefixEquals>' +
      '</Condition><Redirect>' +
      '<ReplaceKeyPrefixWith>documents/</ReplaceKeyPrefixWith></Redirect></RoutingRule></RoutingRules>' +
      '</WebsiteConfiguration>',
    parse: parseWebsiteConfiguration,
  },
  CreateBucket: {
    root: 'CreateBucketConfiguration',
    names: ['LocationConstraint', 'Location', 'Bucket', 'Tags', 'Tag', 'Key', 'Value'],
    sample: '<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>',
    parse: (xml) => childText(parseXml(xml, 'CreateBucketConfiguration', ['Tag']), 'LocationConstraint'),
  },
};

/** Runs `parse`; anything thrown must be a client-fault ServiceError. True when the document was accepted. */
function onlyAwsErrors(parse: (xml: string) => unknown, xml: string): boolean {
  try {
    parse(xml);
    return true;
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    assert.ok(e.status >= 400 && e.status < 500, `${e.code} (${e.status})`);
    return false;
  }
}

const TEXT_PIECES = [
  '', ' ', '\r\n', '\t', 'true', 'false', 'Enabled', 'Suspended', 'ON', 'GOVERNANCE', 'COMPLIANCE', '0', '1', '-1',
  '10000', '99999999999999999999', '1e3', 'NaN', '2030-01-01T00:00:00Z', '2001-02-30', 'GET', '*', '**', 'a*b*c',
  '&amp;', '&lt;', '&gt;', '&quot;', '&apos;', '&#65;', '&#x1F600;', '&#0;', '&#xD800;', '&#x110000;', '&#99999999999;',
  '&bogus;', '&', '&#;', '&#x;', ']]>', '<![CDATA[a<b&c]]>', '<!-- c -->', '<?pi x?>', '"', "'", '\u0000', '\uFFFF',
  '\uD800', 'é', '😀', '__proto__', 'constructor', 'toString', 'aws:kms', 'SSE-C', 'AES256', 'http://x/',
  'a'.repeat(300),
];

const nameArb = (names: readonly string[]) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...names) },
    { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'hasOwnProperty', 'x:Key', 'xsi:type', 'a-b') },
    { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
  );

const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.constantFrom(...TEXT_PIECES), { maxLength: 3 }).map((a) => a.join('')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
);

const attrArb = fc.oneof(
  fc.constant(' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"'),
  fc.constant(' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'),
  fc.constantFrom('CanonicalUser', 'Group', 'AmazonCustomerByEmail', 'Robot', '').map((t) => ` xsi:type="${t}"`),
  fc.tuple(fc.string({ maxLength: 5 }), textArb).map(([n, v]) => ` ${n}="${v}"`),
);

type Tree = { readonly name: string; readonly attrs: readonly string[]; readonly body: string | readonly Tree[] };

function treeArb(names: readonly string[]): fc.Arbitrary<Tree> {
  const { node } = fc.letrec<{ node: Tree }>((tie) => ({
    node: fc.record({
      name: nameArb(names),
      attrs: fc.array(attrArb, { maxLength: 2 }),
      body: fc.oneof({ depthSize: 'small', withCrossShrink: true }, textArb, fc.array(tie('node'), { maxLength: 4 })),
    }),
  }));
  return node;
}

function serialize(t: Tree): string {
  const open = `<${t.name}${t.attrs.join('')}`;
  if (t.body === '') return `${open}/>`;
  const inner = typeof t.body === 'string' ? t.body : t.body.map(serialize).join('');
  return `${open}>${inner}</${t.name}>`;
}

/** A document whose root is the parser's, with generated content (now and then a prolog or trailing junk). */
function documentArb(p: DocumentParser): fc.Arbitrary<string> {
  const declaration = '<?xml version="1.0" encoding="UTF-8"?>\n';
  const prolog = fc.constantFrom('', declaration, '\uFEFF', '<!DOCTYPE x>', ' ', '<!-- c -->');
  const epilog = fc.constantFrom('', '\n', '<!-- c -->', '<x/>', 'junk', '</' + p.root + '>');
  const children = fc.array(treeArb(p.names), { maxLength: 5 });
  return fc
    .tuple(prolog, fc.array(attrArb, { maxLength: 2 }), children, epilog)
    .map(([pre, attrs, kids, post]) => `${pre}${serialize({ name: p.root, attrs, body: kids })}${post}`);
}

/** The sample with a random slice replaced by random text or a piece of markup. */
function mutationArb(p: DocumentParser): fc.Arbitrary<string> {
  const insert = fc.oneof(textArb, fc.constantFrom('<', '>', '</', '/>', '<a>', '</a>', `<${p.root}>`, '"', '='));
  return fc
    .tuple(fc.nat({ max: p.sample.length }), fc.nat({ max: 8 }), insert)
    .map(([at, cut, text]) => p.sample.slice(0, at) + text + p.sample.slice(Math.min(p.sample.length, at + cut)));
}

describe('S3 XML parsers: any body yields the document or an AWS error', () => {
  for (const [operation, p] of Object.entries(PARSERS)) {
    it(`${operation}`, () => {
      // The sample itself is valid: the properties below start from a document the parser accepts.
      p.parse(p.sample);
      const check = (xml: string) => void onlyAwsErrors(p.parse, xml);
      fc.assert(fc.property(fc.string({ maxLength: 200 }), check), { numRuns: RUNS / 3 });
      fc.assert(fc.property(documentArb(p), check), { numRuns: RUNS });
      let accepted = 0;
      const count = (xml: string) => void (accepted += onlyAwsErrors(p.parse, xml) ? 1 : 0);
      fc.assert(fc.property(mutationArb(p), count), { numRuns: MUTANT_RUNS });
      // Mutants of a valid document are often still valid: the parser's success path is fuzzed too.
      assert.ok(accepted > 0);
    });
  }

  it('any nesting depth is MalformedXML or a document, never a crash', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.constantFrom(...Object.values(PARSERS)), (depth, p) => {
        const xml = `<${p.root}>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</${p.root}>`;
        const accepted = onlyAwsErrors(p.parse, xml);
        // The root is depth 1: `depth` elements under it fit while depth + 1 <= DEFAULT_MAX_XML_DEPTH.
        assert.ok(!accepted || depth < DEFAULT_MAX_XML_DEPTH, `accepted at depth ${depth}`);
      }),
      { numRuns: 60 },
    );
  });
});
