"""boto3 against a Strongbox server: python3 boto3_s3.py <scenario> <bucket>.

Reads the endpoint from STRONGBOX_ENDPOINT and credentials from the standard AWS_* variables (see
test/integration/harness.ts). Each scenario asserts as it goes and prints a JSON summary last.
"""
import hashlib
import io
import json
import os
import sys
import time
import urllib.error
import urllib.request

import boto3
from boto3.s3.transfer import TransferConfig
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["STRONGBOX_ENDPOINT"]
# SigV4 everywhere: botocore still presigns S3 URLs with SigV2 unless told otherwise, and
# Strongbox (like every AWS region opened since 2014) accepts only AWS4-HMAC-SHA256.
s3 = boto3.client("s3", endpoint_url=ENDPOINT, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def error_code(fn, *args, **kwargs):
    try:
        fn(*args, **kwargs)
    except ClientError as e:
        return e.response["Error"]["Code"]
    raise AssertionError(f"{fn.__name__} did not fail")


def basics(bucket):
    s3.create_bucket(Bucket=bucket)
    put = s3.put_object(Bucket=bucket, Key="docs/readme.txt", Body=b"read me", Metadata={"lang": "en"}, Tagging="kind=doc")
    assert put["ETag"] == '"%s"' % hashlib.md5(b"read me").hexdigest(), put
    got = s3.get_object(Bucket=bucket, Key="docs/readme.txt")
    assert got["Body"].read() == b"read me"
    assert got["Metadata"] == {"lang": "en"}
    head = s3.head_object(Bucket=bucket, Key="docs/readme.txt", ChecksumMode="ENABLED")
    assert head["ContentLength"] == 7 and "ChecksumCRC32" in head, head
    for i in range(7):
        s3.put_object(Bucket=bucket, Key=f"many/{i:02d}", Body=str(i).encode())
    keys = [o["Key"] for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix="many/", PaginationConfig={"PageSize": 3}) for o in page.get("Contents", [])]
    assert keys == [f"many/{i:02d}" for i in range(7)], keys
    v1 = [o["Key"] for page in s3.get_paginator("list_objects").paginate(Bucket=bucket, Prefix="many/", PaginationConfig={"PageSize": 2}) for o in page.get("Contents", [])]
    assert v1 == keys, v1
    prefixes = s3.list_objects_v2(Bucket=bucket, Delimiter="/")["CommonPrefixes"]
    assert [p["Prefix"] for p in prefixes] == ["docs/", "many/"], prefixes
    s3.copy_object(Bucket=bucket, Key="copy.txt", CopySource={"Bucket": bucket, "Key": "docs/readme.txt"}, MetadataDirective="REPLACE", Metadata={"copied": "1"})
    assert s3.head_object(Bucket=bucket, Key="copy.txt")["Metadata"] == {"copied": "1"}
    s3.put_object_tagging(Bucket=bucket, Key="copy.txt", Tagging={"TagSet": [{"Key": "x", "Value": "y z"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="copy.txt")["TagSet"] == [{"Key": "x", "Value": "y z"}]
    codes = {
        "missing_key": error_code(s3.get_object, Bucket=bucket, Key="nope"),
        "missing_bucket": error_code(s3.list_objects_v2, Bucket=bucket + "-none"),
        "bad_name": error_code(s3.create_bucket, Bucket="No_Such..Name"),
        "not_empty": error_code(s3.delete_bucket, Bucket=bucket),
        "if_none_match": error_code(s3.put_object, Bucket=bucket, Key="copy.txt", Body=b"x", IfNoneMatch="*"),
        "bad_range": error_code(s3.get_object, Bucket=bucket, Key="copy.txt", Range="bytes=100-"),
        "too_many_tags": error_code(s3.put_object_tagging, Bucket=bucket, Key="copy.txt", Tagging={"TagSet": [{"Key": f"k{i}", "Value": "v"} for i in range(11)]}),
    }
    deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": k} for k in keys + ["docs/readme.txt", "copy.txt"]]})
    assert len(deleted["Deleted"]) == 9, deleted
    s3.delete_bucket(Bucket=bucket)
    return codes


def multipart(bucket):
    s3.create_bucket(Bucket=bucket)
    data = os.urandom(12 * 1024 * 1024 + 17)
    cfg = TransferConfig(multipart_threshold=5 * 1024 * 1024, multipart_chunksize=5 * 1024 * 1024, max_concurrency=4)
    s3.upload_fileobj(io.BytesIO(data), bucket, "managed.bin", Config=cfg)
    head = s3.head_object(Bucket=bucket, Key="managed.bin")
    assert head["ETag"].endswith('-3"'), head["ETag"]
    out = io.BytesIO()
    s3.download_fileobj(bucket, "managed.bin", out, Config=cfg)
    assert out.getvalue() == data
    up = s3.create_multipart_upload(Bucket=bucket, Key="sha.bin", ChecksumAlgorithm="SHA256")
    parts = []
    for n, chunk in enumerate([data[: 5 * 1024 * 1024], data[5 * 1024 * 1024 : 5 * 1024 * 1024 + 100]], start=1):
        r = s3.upload_part(Bucket=bucket, Key="sha.bin", UploadId=up["UploadId"], PartNumber=n, Body=chunk, ChecksumAlgorithm="SHA256")
        parts.append({"PartNumber": n, "ETag": r["ETag"], "ChecksumSHA256": r["ChecksumSHA256"]})
    listed = s3.list_multipart_uploads(Bucket=bucket)
    assert [u["UploadId"] for u in listed["Uploads"]] == [up["UploadId"]]
    done = s3.complete_multipart_upload(Bucket=bucket, Key="sha.bin", UploadId=up["UploadId"], MultipartUpload={"Parts": parts})
    assert done["ChecksumSHA256"].endswith("-2"), done
    small = s3.create_multipart_upload(Bucket=bucket, Key="small.bin")
    p1 = s3.upload_part(Bucket=bucket, Key="small.bin", UploadId=small["UploadId"], PartNumber=1, Body=b"too small")
    p2 = s3.upload_part(Bucket=bucket, Key="small.bin", UploadId=small["UploadId"], PartNumber=2, Body=b"last")
    codes = {
        "too_small": error_code(
            s3.complete_multipart_upload, Bucket=bucket, Key="small.bin", UploadId=small["UploadId"],
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": p1["ETag"]}, {"PartNumber": 2, "ETag": p2["ETag"]}]},
        ),
        "bad_part_number": error_code(s3.upload_part, Bucket=bucket, Key="small.bin", UploadId=small["UploadId"], PartNumber=0, Body=b"x"),
    }
    s3.abort_multipart_upload(Bucket=bucket, Key="small.bin", UploadId=small["UploadId"])
    codes["aborted"] = error_code(s3.list_parts, Bucket=bucket, Key="small.bin", UploadId=small["UploadId"])
    return codes


def presigned(bucket):
    s3.create_bucket(Bucket=bucket)
    put_url = s3.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "shared file.txt"}, ExpiresIn=300)
    urllib.request.urlopen(urllib.request.Request(put_url, data=b"shared via url", method="PUT")).read()
    get_url = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared file.txt"}, ExpiresIn=300)
    body = urllib.request.urlopen(get_url).read()
    assert body == b"shared via url", body
    short = s3.generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "shared file.txt"}, ExpiresIn=1)
    time.sleep(2)
    try:
        urllib.request.urlopen(short)
        raise AssertionError("expired URL was accepted")
    except urllib.error.HTTPError as e:
        status = e.code
        code = e.read().decode().split("<Code>")[1].split("</Code>")[0]
    return {"expired_status": status, "expired_code": code}


if __name__ == "__main__":
    scenario, bucket = sys.argv[1], sys.argv[2]
    print(json.dumps(globals()[scenario](bucket)))
