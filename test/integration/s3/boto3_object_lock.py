"""boto3 against a Strongbox server, Object Lock: python3 boto3_object_lock.py <scenario> <bucket> [args].

Reads the endpoint from STRONGBOX_ENDPOINT and credentials from the standard AWS_* variables (see
test/integration/harness.ts). Each scenario asserts as it goes and prints a JSON summary last.
Error codes and statuses follow AWS (and ceph s3-tests' object-lock tests, which pass against AWS).
"""
import base64
import datetime
import hashlib
import json
import os
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["STRONGBOX_ENDPOINT"]
CONFIG = dict(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1})
s3 = boto3.client("s3", endpoint_url=ENDPOINT, config=Config(**CONFIG))
UTC = datetime.timezone.utc


def failure(fn, **kwargs):
    """(error code, HTTP status) of a call that must fail."""
    try:
        fn(**kwargs)
    except ClientError as e:
        return e.response["Error"].get("Code"), e.response["ResponseMetadata"]["HTTPStatusCode"]
    raise AssertionError(f"{fn.__name__} did not fail")


def in_days(n):
    return datetime.datetime.now(UTC) + datetime.timedelta(days=n)


def compliance(bucket):
    """COMPLIANCE refuses everyone, root included, until its date; the bucket's rules and errors."""
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == {"ObjectLockEnabled": "Enabled"}
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "COMPLIANCE", "Days": 1}}}
    s3.put_object_lock_configuration(Bucket=bucket, ObjectLockConfiguration=conf)
    assert s3.get_object_lock_configuration(Bucket=bucket)["ObjectLockConfiguration"] == conf
    # The default retention applies to a new version: a day from now.
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"locked")["VersionId"]
    head = s3.head_object(Bucket=bucket, Key="k")
    assert head["ObjectLockMode"] == "COMPLIANCE", head
    left = head["ObjectLockRetainUntilDate"] - datetime.datetime.now(UTC)
    assert datetime.timedelta(hours=23) < left <= datetime.timedelta(days=1), left
    # Nobody deletes it or shortens it: not the root, not with the governance bypass.
    assert failure(s3.delete_object, Bucket=bucket, Key="k", VersionId=v1) == ("AccessDenied", 403)
    assert failure(s3.delete_object, Bucket=bucket, Key="k", VersionId=v1, BypassGovernanceRetention=True) == ("AccessDenied", 403)
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": v1}]})
    assert [e["Code"] for e in r.get("Errors", [])] == ["AccessDenied"], r
    shorter = {"Mode": "COMPLIANCE", "RetainUntilDate": in_days(0.5)}
    assert failure(s3.put_object_retention, Bucket=bucket, Key="k", Retention=shorter, BypassGovernanceRetention=True) == ("AccessDenied", 403)
    weaker = {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(2)}
    assert failure(s3.put_object_retention, Bucket=bucket, Key="k", Retention=weaker) == ("AccessDenied", 403)
    longer = {"Mode": "COMPLIANCE", "RetainUntilDate": in_days(2).replace(microsecond=0)}
    s3.put_object_retention(Bucket=bucket, Key="k", Retention=longer)
    assert s3.get_object_retention(Bucket=bucket, Key="k", VersionId=v1)["Retention"] == longer
    # A delete without a version id only adds a marker; the locked version stays readable.
    assert s3.delete_object(Bucket=bucket, Key="k")["DeleteMarker"] is True
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read() == b"locked"
    assert failure(s3.put_bucket_versioning, Bucket=bucket, VersioningConfiguration={"Status": "Suspended"}) == ("InvalidBucketState", 409)
    # A retention of two seconds: refused before, allowed after.
    until = datetime.datetime.now(UTC) + datetime.timedelta(seconds=2)
    short = s3.put_object(Bucket=bucket, Key="short", Body=b"x", ObjectLockMode="COMPLIANCE", ObjectLockRetainUntilDate=until)["VersionId"]
    assert failure(s3.delete_object, Bucket=bucket, Key="short", VersionId=short) == ("AccessDenied", 403)
    time.sleep(max(0.0, (until - datetime.datetime.now(UTC)).total_seconds()) + 0.3)
    s3.delete_object(Bucket=bucket, Key="short", VersionId=short)
    # A write with a retention needs Content-MD5 or a checksum (a client that sends neither is refused).
    bare = boto3.client("s3", endpoint_url=ENDPOINT, config=Config(**CONFIG, request_checksum_calculation="when_required"))
    assert failure(bare.put_object, Bucket=bucket, Key="bare", Body=b"x") == ("InvalidRequest", 400)
    bare.put_object(Bucket=bucket, Key="bare", Body=b"x", ContentMD5=base64.b64encode(hashlib.md5(b"x").digest()).decode())
    print(json.dumps({"ok": True}))


def errors(bucket):
    """The request errors of Object Lock, with AWS's codes."""
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    put_conf = lambda conf: failure(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration=conf)
    rule = lambda retention: {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": retention}}
    assert put_conf(rule({"Mode": "GOVERNANCE", "Days": 1, "Years": 1})) == ("MalformedXML", 400)
    assert put_conf(rule({"Mode": "GOVERNANCE", "Days": 0})) == ("InvalidRetentionPeriod", 400)
    assert put_conf(rule({"Mode": "GOVERNANCE", "Years": -1})) == ("InvalidRetentionPeriod", 400)
    assert put_conf(rule({"Mode": "governance", "Years": 1})) == ("MalformedXML", 400)
    assert put_conf({"ObjectLockEnabled": "Disabled"}) == ("MalformedXML", 400)
    s3.put_object(Bucket=bucket, Key="k", Body=b"x")
    assert failure(s3.get_object_retention, Bucket=bucket, Key="k") == ("NoSuchObjectLockConfiguration", 404)
    assert failure(s3.get_object_legal_hold, Bucket=bucket, Key="k") == ("NoSuchObjectLockConfiguration", 404)
    bad = {"Mode": "governance", "RetainUntilDate": in_days(1)}
    assert failure(s3.put_object_retention, Bucket=bucket, Key="k", Retention=bad) == ("MalformedXML", 400)
    past = {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(-1)}
    assert failure(s3.put_object_retention, Bucket=bucket, Key="k", Retention=past) == ("InvalidArgument", 400)
    assert failure(s3.put_object_legal_hold, Bucket=bucket, Key="k", LegalHold={"Status": "abc"}) == ("MalformedXML", 400)
    assert failure(s3.put_object, Bucket=bucket, Key="m", Body=b"x", ObjectLockMode="GOVERNANCE") == ("InvalidArgument", 400)
    assert failure(s3.put_object, Bucket=bucket, Key="m", Body=b"x", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=in_days(-1)) == ("InvalidArgument", 400)
    assert failure(s3.get_object_retention, Bucket=bucket, Key="missing") == ("NoSuchKey", 404)
    # A bucket without Object Lock.
    plain = bucket + "-plain"
    s3.create_bucket(Bucket=plain)
    s3.put_object(Bucket=plain, Key="k", Body=b"x")
    assert failure(s3.get_object_lock_configuration, Bucket=plain) == ("ObjectLockConfigurationNotFoundError", 404)
    assert put_conf_on(plain) == ("InvalidBucketState", 409)
    retention = {"Mode": "GOVERNANCE", "RetainUntilDate": in_days(1)}
    assert failure(s3.put_object_retention, Bucket=plain, Key="k", Retention=retention) == ("InvalidRequest", 400)
    assert failure(s3.get_object_legal_hold, Bucket=plain, Key="k") == ("InvalidRequest", 400)
    assert failure(s3.put_object, Bucket=plain, Key="m", Body=b"x", ObjectLockLegalHoldStatus="ON") == ("InvalidRequest", 400)
    # Enabling it on an existing bucket takes versioning Enabled first.
    s3.put_bucket_versioning(Bucket=plain, VersioningConfiguration={"Status": "Enabled"})
    s3.put_object_lock_configuration(Bucket=plain, ObjectLockConfiguration={"ObjectLockEnabled": "Enabled"})
    v = s3.put_object(Bucket=plain, Key="later", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert failure(s3.delete_object, Bucket=plain, Key="later", VersionId=v) == ("AccessDenied", 403)
    print(json.dumps({"ok": True}))


def put_conf_on(bucket):
    conf = {"ObjectLockEnabled": "Enabled", "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 1}}}
    return failure(s3.put_object_lock_configuration, Bucket=bucket, ObjectLockConfiguration=conf)


def legal_hold(bucket):
    """A legal hold keeps a version until it is turned off, whatever the retention."""
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    v = s3.put_object(Bucket=bucket, Key="k", Body=b"x", ObjectLockLegalHoldStatus="ON")["VersionId"]
    assert s3.get_object_legal_hold(Bucket=bucket, Key="k")["LegalHold"] == {"Status": "ON"}
    assert s3.head_object(Bucket=bucket, Key="k")["ObjectLockLegalHoldStatus"] == "ON"
    assert failure(s3.delete_object, Bucket=bucket, Key="k", VersionId=v, BypassGovernanceRetention=True) == ("AccessDenied", 403)
    s3.put_object_legal_hold(Bucket=bucket, Key="k", VersionId=v, LegalHold={"Status": "OFF"})
    assert s3.get_object_legal_hold(Bucket=bucket, Key="k")["LegalHold"] == {"Status": "OFF"}
    s3.delete_object(Bucket=bucket, Key="k", VersionId=v)
    print(json.dumps({"ok": True}))


def governance_setup(bucket):
    """A bucket with one version under GOVERNANCE retention for a year; prints its version id."""
    s3.create_bucket(Bucket=bucket, ObjectLockEnabledForBucket=True)
    v = s3.put_object(Bucket=bucket, Key="k", Body=b"g", ObjectLockMode="GOVERNANCE", ObjectLockRetainUntilDate=in_days(365))["VersionId"]
    print(json.dumps({"versionId": v}))


def governance_try(bucket, version_id):
    """As the caller: the delete without the bypass, then with it; prints what each did, and the head's lock headers."""
    head = s3.head_object(Bucket=bucket, Key="k", VersionId=version_id)
    out = {"sees_mode": "ObjectLockMode" in head}
    for bypass in (False, True):
        try:
            s3.delete_object(Bucket=bucket, Key="k", VersionId=version_id, **({"BypassGovernanceRetention": True} if bypass else {}))
            out["bypass" if bypass else "plain"] = "Deleted"
        except ClientError as e:
            out["bypass" if bypass else "plain"] = e.response["Error"]["Code"]
    print(json.dumps(out))


if __name__ == "__main__":
    scenario, args = sys.argv[1], sys.argv[2:]
    {"compliance": compliance, "errors": errors, "legal-hold": legal_hold, "governance-setup": governance_setup, "governance-try": governance_try}[scenario](*args)
