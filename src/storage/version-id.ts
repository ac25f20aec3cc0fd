/**
 * Object version ids. AWS's are opaque, URL-safe strings of 32 characters
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/versioning-workflows.html: "Version IDs are
 * Unicode, UTF-8 encoded, URL-ready, opaque strings that are no more than 1,024 bytes long") made of
 * letters, digits, `.` and `_`; ours are 24 random bytes in base64url with `.` for `-`, as AWS's
 * alphabet has it (and so that no id starts with `-`, which command lines would take for an option).
 * 32 characters, never `null` (the null version's name on the wire).
 */
import { randomBytes } from 'node:crypto';

const VERSION_ID = /^[A-Za-z0-9._]{32}$/;

/** A fresh version id (192 random bits). */
export function newVersionId(): string {
  return randomBytes(24).toString('base64url').replace(/-/g, '.');
}

/** Whether `value` is a version id this store could have issued (the null version's `null` aside). */
export function isVersionId(value: string): boolean {
  return VERSION_ID.test(value);
}
