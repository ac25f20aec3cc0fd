/**
 * The shape of a bucket's lifecycle rules as stored (`BucketRecord.lifecycle`, JSON in the bucket
 * row): what PutBucketLifecycleConfiguration accepted, validated, with AWS's element names in
 * camelCase. Dates are ISO 8601 strings (always a midnight UTC), so the record survives JSON.
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_LifecycleRule.html
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/intro-lifecycle-rules.html
 */

export type LifecycleRuleStatus = 'Enabled' | 'Disabled';

/** The storage classes a transition may name (botocore `TransitionStorageClass`). */
export const TRANSITION_STORAGE_CLASSES = [
  'GLACIER',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
] as const;
export type TransitionStorageClass = (typeof TRANSITION_STORAGE_CLASSES)[number];

/** `x-amz-transition-default-minimum-object-size` (PutBucketLifecycleConfiguration). */
export type TransitionDefaultMinimumObjectSize = 'all_storage_classes_128K' | 'varies_by_storage_class';

export interface LifecycleTag {
  readonly key: string;
  readonly value: string;
}

/**
 * Which element the `<Filter>` held, so GetBucketLifecycleConfiguration answers the filter as it was
 * written: `Empty` (`<Filter/>`: every object), one predicate, or `And`.
 */
export type LifecycleFilterForm = 'Empty' | 'Prefix' | 'Tag' | 'ObjectSizeGreaterThan' | 'ObjectSizeLessThan' | 'And';

/** A rule's `Filter`: every predicate present must hold (a lone predicate, or those of `And`). */
export interface LifecycleRuleFilter {
  readonly form: LifecycleFilterForm;
  readonly prefix?: string;
  readonly tags?: readonly LifecycleTag[];
  /** Bytes; the object must be strictly larger. */
  readonly objectSizeGreaterThan?: number;
  /** Bytes; the object must be strictly smaller. */
  readonly objectSizeLessThan?: number;
}

/** `Expiration`: exactly one of `days`, `date`, `expiredObjectDeleteMarker`. */
export interface LifecycleExpiration {
  readonly days?: number;
  /** ISO 8601, midnight UTC. */
  readonly date?: string;
  readonly expiredObjectDeleteMarker?: boolean;
}

export interface LifecycleNoncurrentVersionExpiration {
  readonly noncurrentDays: number;
  /** How many of the newest noncurrent versions are kept whatever their age. */
  readonly newerNoncurrentVersions?: number;
}

export interface LifecycleTransition {
  readonly days?: number;
  readonly date?: string;
  readonly storageClass: TransitionStorageClass;
}

export interface LifecycleNoncurrentVersionTransition {
  readonly noncurrentDays: number;
  readonly newerNoncurrentVersions?: number;
  readonly storageClass: TransitionStorageClass;
}

export interface LifecycleRule {
  /** As given, or generated when the rule had none (AWS assigns one too). */
  readonly id: string;
  readonly status: LifecycleRuleStatus;
  /** The legacy top-level `Prefix` (a configuration whose rules have no `Filter`). */
  readonly prefix?: string;
  readonly filter?: LifecycleRuleFilter;
  readonly expiration?: LifecycleExpiration;
  readonly noncurrentVersionExpiration?: LifecycleNoncurrentVersionExpiration;
  readonly abortIncompleteMultipartUpload?: { readonly daysAfterInitiation: number };
  /** Accepted and recorded; Strongbox has one storage class, so nothing ever transitions. */
  readonly transitions: readonly LifecycleTransition[];
  readonly noncurrentVersionTransitions: readonly LifecycleNoncurrentVersionTransition[];
}
