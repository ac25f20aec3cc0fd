"""Lifecycle configuration scenarios with boto3 against a running Strongbox (lifecycle.test.ts).

usage: boto3_lifecycle.py SCENARIO BUCKET; prints one JSON line of results (error codes, header values).
"""
import email.utils
import json
import os
import re
import sys
import time

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

s3 = boto3.client("s3", endpoint_url=os.environ["STRONGBOX_ENDPOINT"],
                  config=Config(s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def code_of(fn):
    try:
        fn()
        return "OK"
    except ClientError as e:
        return e.response["Error"]["Code"]


def put(bucket, rules):
    return code_of(lambda: s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": rules}))


def validation(bucket):
    s3.create_bucket(Bucket=bucket)
    exp = {"Days": 1}
    everything = {"Prefix": ""}
    cases = {
        "duplicate_ids": [{"ID": "a", "Status": "Enabled", "Filter": everything, "Expiration": exp},
                          {"ID": "a", "Status": "Enabled", "Filter": everything, "Expiration": exp}],
        "no_action": [{"ID": "a", "Status": "Enabled", "Filter": everything}],
        "zero_days": [{"ID": "a", "Status": "Enabled", "Filter": everything, "Expiration": {"Days": 0}}],
        "not_midnight": [{"ID": "a", "Status": "Enabled", "Filter": everything,
                          "Expiration": {"Date": "2030-01-01T12:00:00Z"}}],
        "marker_with_days": [{"ID": "a", "Status": "Enabled", "Filter": everything,
                              "Expiration": {"Days": 1, "ExpiredObjectDeleteMarker": True}}],
        "abort_with_tag": [{"ID": "a", "Status": "Enabled", "Filter": {"Tag": {"Key": "k", "Value": "v"}},
                            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}],
        "noncurrent_zero": [{"ID": "a", "Status": "Enabled", "Filter": everything,
                             "NoncurrentVersionExpiration": {"NoncurrentDays": 0}}],
        "size_order": [{"ID": "a", "Status": "Enabled",
                        "Filter": {"And": {"ObjectSizeGreaterThan": 10, "ObjectSizeLessThan": 5}}, "Expiration": exp}],
        "ia_too_soon": [{"ID": "a", "Status": "Enabled", "Filter": everything,
                         "Transitions": [{"Days": 1, "StorageClass": "STANDARD_IA"}]}],
        "valid": [{"ID": "a", "Status": "Enabled", "Filter": {"And": {"Prefix": "logs/", "Tags": [
            {"Key": "k", "Value": "v"}], "ObjectSizeGreaterThan": 1}}, "Expiration": {"Days": 30},
            "Transitions": [{"Days": 10, "StorageClass": "GLACIER"}]}],
    }
    out = {name: put(bucket, rules) for name, rules in cases.items()}
    # A configuration that failed validation left the last valid one in place.
    got = s3.get_bucket_lifecycle_configuration(Bucket=bucket)
    out["kept_rule"] = got["Rules"][0]["ID"]
    out["minimum_size"] = got.get("TransitionDefaultMinimumObjectSize", "")
    out["bad_minimum_size"] = code_of(lambda: s3.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": cases["valid"]},
        TransitionDefaultMinimumObjectSize="bogus"))
    return out


def expiry_of(header):
    m = re.fullmatch(r'expiry-date="([^"]+)", rule-id="([^"]+)"', header)
    assert m, header
    return email.utils.parsedate_to_datetime(m.group(1)).timestamp(), m.group(2)


def expiration_header(bucket):
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_lifecycle_configuration(Bucket=bucket, LifecycleConfiguration={"Rules": [
        {"ID": "expire-tmp", "Status": "Enabled", "Filter": {"Prefix": "tmp/"}, "Expiration": {"Days": 30}}]})
    before = time.time()
    put_resp = s3.put_object(Bucket=bucket, Key="tmp/a", Body=b"x")
    head = s3.head_object(Bucket=bucket, Key="tmp/a")
    get = s3.get_object(Bucket=bucket, Key="tmp/a")
    other = s3.put_object(Bucket=bucket, Key="keep/b", Body=b"y")
    copy = s3.copy_object(Bucket=bucket, Key="tmp/copy", CopySource={"Bucket": bucket, "Key": "keep/b"})
    upload = s3.create_multipart_upload(Bucket=bucket, Key="tmp/multi")
    part = s3.upload_part(Bucket=bucket, Key="tmp/multi", UploadId=upload["UploadId"], PartNumber=1, Body=b"z")
    done = s3.complete_multipart_upload(Bucket=bucket, Key="tmp/multi", UploadId=upload["UploadId"],
                                        MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]})
    put_at, rule = expiry_of(put_resp["Expiration"])
    assert head["Expiration"] == put_resp["Expiration"] == get["Expiration"], (head, get)
    assert expiry_of(copy["Expiration"])[1] == expiry_of(done["Expiration"])[1] == rule, (copy, done)
    # Seconds until the expiry date: 30 days of the server's length, rounded up to the next boundary.
    return {"rule": rule, "seconds": put_at - before, "other_has_header": "Expiration" in other}


SCENARIOS = {"validation": validation, "expiration_header": expiration_header}

if __name__ == "__main__":
    print(json.dumps(SCENARIOS[sys.argv[1]](sys.argv[2])))
