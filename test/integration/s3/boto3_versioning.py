"""boto3 against a Strongbox server, versioning: python3 boto3_versioning.py <scenario> <bucket>.

Reads the endpoint from STRONGBOX_ENDPOINT and credentials from the standard AWS_* variables (see
test/integration/harness.ts). Each scenario asserts as it goes and prints a JSON summary last.
"""
import json
import os
import sys

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ENDPOINT = os.environ["STRONGBOX_ENDPOINT"]
s3 = boto3.client("s3", endpoint_url=ENDPOINT, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}, retries={"max_attempts": 1}))


def failure(fn, **kwargs):
    """The error code, HTTP status and headers of a call that must fail."""
    try:
        fn(**kwargs)
    except ClientError as e:
        meta = e.response["ResponseMetadata"]
        return e.response["Error"].get("Code"), meta["HTTPStatusCode"], meta["HTTPHeaders"]
    raise AssertionError(f"{fn.__name__} did not fail")


def history(bucket, key=None):
    r = s3.list_object_versions(Bucket=bucket, **({"Prefix": key} if key else {}))
    rows = [(v["Key"], v["VersionId"], "V", v["IsLatest"]) for v in r.get("Versions", [])]
    rows += [(m["Key"], m["VersionId"], "M", m["IsLatest"]) for m in r.get("DeleteMarkers", [])]
    return rows


def suspended(bucket):
    """A suspended bucket writes the null version, replacing the one before; versioned ones stay."""
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"v1")["VersionId"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Suspended"})
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Suspended"
    put = s3.put_object(Bucket=bucket, Key="k", Body=b"null-1")
    assert "VersionId" not in put, put
    got = s3.get_object(Bucket=bucket, Key="k")
    assert got["Body"].read() == b"null-1" and got["VersionId"] == "null", got
    s3.put_object(Bucket=bucket, Key="k", Body=b"null-2")
    rows = history(bucket)
    assert sorted(rows) == sorted([("k", "null", "V", True), ("k", v1, "V", False)]), rows
    assert s3.get_object(Bucket=bucket, Key="k", VersionId="null")["Body"].read() == b"null-2"
    deleted = s3.delete_object(Bucket=bucket, Key="k")
    assert deleted["DeleteMarker"] is True and deleted["VersionId"] == "null", deleted
    rows = history(bucket)
    assert sorted(rows) == sorted([("k", "null", "M", True), ("k", v1, "V", False)]), rows
    code, status, headers = failure(s3.get_object, Bucket=bucket, Key="k", VersionId="null")
    assert (code, status, headers.get("x-amz-delete-marker")) == ("MethodNotAllowed", 405, "true"), (code, status, headers)
    assert s3.get_object(Bucket=bucket, Key="k", VersionId=v1)["Body"].read() == b"v1"
    # Back to Enabled: the null marker stays in the history under new versions.
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"v2")["VersionId"]
    assert [r[1] for r in history(bucket) if r[3]] == [v2]
    print(json.dumps({"versions": len(history(bucket))}))


def headers(bucket):
    """x-amz-version-id / x-amz-delete-marker on reads and deletes; tagging and attributes of versions."""
    s3.create_bucket(Bucket=bucket)
    unversioned = s3.put_object(Bucket=bucket, Key="plain", Body=b"x")
    assert "VersionId" not in unversioned
    assert "x-amz-version-id" not in s3.head_object(Bucket=bucket, Key="plain")["ResponseMetadata"]["HTTPHeaders"]
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    assert s3.head_object(Bucket=bucket, Key="plain")["VersionId"] == "null"
    v1 = s3.put_object(Bucket=bucket, Key="k", Body=b"one", Tagging="gen=1")["VersionId"]
    v2 = s3.put_object(Bucket=bucket, Key="k", Body=b"two!", Tagging="gen=2")["VersionId"]
    assert s3.head_object(Bucket=bucket, Key="k", VersionId=v1)["ContentLength"] == 3
    assert s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=v1)["TagSet"] == [{"Key": "gen", "Value": "1"}]
    s3.put_object_tagging(Bucket=bucket, Key="k", VersionId=v1, Tagging={"TagSet": [{"Key": "old", "Value": "yes"}]})
    assert s3.get_object_tagging(Bucket=bucket, Key="k")["TagSet"] == [{"Key": "gen", "Value": "2"}]
    assert s3.get_object_tagging(Bucket=bucket, Key="k", VersionId=v1)["TagSet"] == [{"Key": "old", "Value": "yes"}]
    attrs = s3.get_object_attributes(Bucket=bucket, Key="k", VersionId=v1, ObjectAttributes=["ETag", "ObjectSize", "StorageClass", "Checksum"])
    assert attrs["ObjectSize"] == 3 and attrs["VersionId"] == v1 and not attrs["ETag"].startswith('"'), attrs
    assert attrs["StorageClass"] == "STANDARD" and attrs["Checksum"]["ChecksumType"] == "FULL_OBJECT", attrs
    marker = s3.delete_object(Bucket=bucket, Key="k")
    assert marker["DeleteMarker"] is True
    code, status, h = failure(s3.get_object, Bucket=bucket, Key="k")
    assert (code, status, h.get("x-amz-delete-marker"), h.get("x-amz-version-id")) == ("NoSuchKey", 404, "true", marker["VersionId"]), (code, h)
    code, status, h = failure(s3.head_object, Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert (status, h.get("x-amz-delete-marker"), "last-modified" in h) == (405, "true", True), (status, h)
    code, status, h = failure(s3.get_object_attributes, Bucket=bucket, Key="k", ObjectAttributes=["ETag"])
    assert (code, h.get("x-amz-delete-marker")) == ("NoSuchKey", "true"), (code, h)
    assert failure(s3.get_object, Bucket=bucket, Key="k", VersionId="nope")[0] == "InvalidArgument"
    assert failure(s3.get_object, Bucket=bucket, Key="k", VersionId="A" * 32)[0] == "NoSuchVersion"
    # Conditional deletes look at the current version: a delete marker is no object.
    assert failure(s3.delete_object, Bucket=bucket, Key="k", IfMatch="*")[0] == "NoSuchKey"
    undone = s3.delete_object(Bucket=bucket, Key="k", VersionId=marker["VersionId"])
    assert undone["DeleteMarker"] is True and undone["VersionId"] == marker["VersionId"], undone
    assert s3.get_object(Bucket=bucket, Key="k")["VersionId"] == v2
    assert failure(s3.delete_object, Bucket=bucket, Key="k", IfMatch='"0000"')[0] == "PreconditionFailed"
    # DeleteObjects with versions: a version removed, a marker created, a marker removed.
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "k", "VersionId": v1}, {"Key": "plain"}]})
    by_key = {d["Key"]: d for d in r["Deleted"]}
    assert by_key["k"] == {"Key": "k", "VersionId": v1}, by_key
    assert by_key["plain"]["DeleteMarker"] is True and len(by_key["plain"]["DeleteMarkerVersionId"]) == 32, by_key
    r = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "plain", "VersionId": by_key["plain"]["DeleteMarkerVersionId"]}]})
    assert r["Deleted"][0]["DeleteMarker"] is True, r
    assert s3.get_object(Bucket=bucket, Key="plain")["Body"].read() == b"x"
    # GetObjectAttributes of a multipart object: its parts.
    up = s3.create_multipart_upload(Bucket=bucket, Key="mp", ChecksumAlgorithm="CRC32")
    parts = []
    for n, body in ((1, b"a" * 5 * 1024 * 1024), (2, b"tail")):
        p = s3.upload_part(Bucket=bucket, Key="mp", UploadId=up["UploadId"], PartNumber=n, Body=body, ChecksumAlgorithm="CRC32")
        parts.append({"PartNumber": n, "ETag": p["ETag"], "ChecksumCRC32": p["ChecksumCRC32"]})
    done = s3.complete_multipart_upload(Bucket=bucket, Key="mp", UploadId=up["UploadId"], MultipartUpload={"Parts": parts})
    assert len(done["VersionId"]) == 32, done
    attrs = s3.get_object_attributes(Bucket=bucket, Key="mp", ObjectAttributes=["ObjectParts", "ObjectSize"], MaxParts=1)
    op = attrs["ObjectParts"]
    assert (op["TotalPartsCount"], op["IsTruncated"], op["Parts"][0]["Size"]) == (2, True, 5 * 1024 * 1024), op
    print(json.dumps({"ok": True}))


if __name__ == "__main__":
    {"suspended": suspended, "headers": headers}[sys.argv[1]](sys.argv[2])
