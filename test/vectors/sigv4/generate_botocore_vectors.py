#!/usr/bin/env python3
"""Generates SigV4 vectors with botocore (the reference signer of the AWS CLI and boto3).

Run from the repo root:  python3 test/vectors/sigv4/generate_botocore_vectors.py
Writes aws-sig-v4-test-suite.json and botocore-requests.json next to this script.

The aws-sig-v4-test-suite cases are recreated from their documented inputs (credentials
AKIDEXAMPLE, 20150830T123600Z, us-east-1, service "service"); where the official suite publishes
the signature, botocore's result is asserted equal to it before the vector is written.
"""
import base64
import datetime
import json
import os
from urllib.parse import urlsplit

import botocore.auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

HERE = os.path.dirname(os.path.abspath(__file__))
SUITE_TIME = datetime.datetime(2015, 8, 30, 12, 36, 0)
SUITE_CREDS = Credentials('AKIDEXAMPLE', 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY')
TOKEN = ('AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/'
         'qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==')


def at(when):
    botocore.auth.get_current_datetime = lambda: when


def header_list(req, host):
    out = [['Host', host]]
    for name, value in req.headers.raw_items():
        out.append([name, value if isinstance(value, str) else value.decode()])
    return out


def signature_of(authz):
    return authz.rsplit('Signature=', 1)[1]


def suite_case(name, method, path, headers=(), params=None, body=None, official=None, token=None, token_after=False):
    at(SUITE_TIME)
    url = 'https://example.amazonaws.com' + path
    req = AWSRequest(method=method, url=url, data=body, params=params or {})
    for k, v in headers:
        req.headers[k] = v
    req.headers['X-Amz-Date'] = '20150830T123600Z'
    creds = SUITE_CREDS
    if token is not None and not token_after:
        creds = Credentials(SUITE_CREDS.access_key, SUITE_CREDS.secret_key, token)
    signer = botocore.auth.SigV4Auth(creds, 'service', 'us-east-1')
    seen = []
    original = signer.canonical_request
    signer.canonical_request = lambda r: seen.append(original(r)) or seen[-1]
    signer.add_auth(req)
    canonical = seen[-1]
    if token_after:
        req.headers['X-Amz-Security-Token'] = token
    authz = req.headers['Authorization']
    sig = signature_of(authz)
    if official is not None:
        assert sig == official, f'{name}: botocore {sig} != official {official}'
    prepared = req.prepare()
    query = urlsplit(prepared.url).query
    raw_path = path  # the suite's request line carries the path unencoded
    return {
        'name': name,
        'source': 'aws-sig-v4-test-suite' if official else 'botocore (normalize-path inputs of the suite)',
        'service': 'service',
        'region': 'us-east-1',
        'method': method,
        'rawPath': raw_path,
        'rawQuery': query,
        'headers': header_list(req, 'example.amazonaws.com'),
        'bodyBase64': base64.b64encode(body.encode() if isinstance(body, str) else (body or b'')).decode(),
        'securityToken': token,
        'expectedSignature': sig,
        'canonicalRequest': canonical,
    }


def suite():
    cases = [
        suite_case('get-vanilla', 'GET', '/', official='5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'),
        suite_case('get-header-key-duplicate', 'GET', '/', [('My-Header1', 'value2'), ('My-Header1', 'value2'), ('My-Header1', 'value1')],
                   official='c9d5ea9f3f72853aea855b47ea873832890dbdd183b4468f858259531a5138ea'),
        suite_case('get-header-value-order', 'GET', '/', [('My-Header1', 'value4'), ('My-Header1', 'value1'), ('My-Header1', 'value3'), ('My-Header1', 'value2')],
                   official='08c7e5a9acfcfeb3ab6b2185e75ce8b1deb5e634ec47601a50643f830c755c01'),
        suite_case('get-header-value-trim', 'GET', '/', [('My-Header1', ' value1'), ('My-Header2', ' "a   b   c"')],
                   official='acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736'),
        suite_case('get-unreserved', 'GET', '/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
                   official='07ef7494c76fa4850883e2b006601f940f8a34d404d0cfa977f52a65bbf5f24f'),
        suite_case('get-utf8', 'GET', '/\u1234', official='8318018e0b0f223aa2bbf98705b62bb787dc9c0e678f255a891fd03141be5d85'),
        suite_case('get-vanilla-empty-query-key', 'GET', '/', params={'Param1': 'value1'},
                   official='a67d582fa61cc504c4bae71f336f98b97f1ea3c7a6bfe1b6e45aec72011b9aeb'),
        suite_case('get-vanilla-query-order-key-case', 'GET', '/', params=[('Param2', 'value2'), ('Param1', 'value1')],
                   official='b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'),
        suite_case('get-vanilla-query-unreserved', 'GET', '/', params={
            '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz': '-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'},
                   official='9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197'),
        suite_case('get-vanilla-utf8-query', 'GET', '/', params={'\u1234': 'bar'},
                   official='2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04'),
        suite_case('post-header-key-case', 'POST', '/', official='5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'),
        suite_case('post-header-key-sort', 'POST', '/', [('My-Header1', 'value1')],
                   official='c5410059b04c1ee005303aed430f6e6645f61f4dc9e1461ec8f8916fdf18852c'),
        suite_case('post-header-value-case', 'POST', '/', [('My-Header1', 'VALUE1')],
                   official='cdbc9802e29d2942e5e10b5bccfdd67c5f22c7c4e8ae67b53629efa58b974b7d'),
        suite_case('post-sts-header-before', 'POST', '/', token=TOKEN,
                   official='85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead'),
        suite_case('post-sts-header-after', 'POST', '/', token=TOKEN, token_after=True,
                   official='5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'),
        suite_case('post-vanilla', 'POST', '/', official='5da7c1a2acd57cee7505fc6676e4e544621c30862966e37dddb68e92efbe5d6b'),
        suite_case('post-vanilla-query', 'POST', '/', params={'Param1': 'value1'},
                   official='28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11'),
        suite_case('post-vanilla-query-nonunreserved', 'POST', '/', params=[('@#$%^', ''), ('+', '/,?><`";:\\|][{}')],
                   official='66c82657c86e26fb25238d0e69f011edc4c6df5ae71119d7cb98ed9b87393c1e'),
        suite_case('post-x-www-form-urlencoded', 'POST', '/', [('Content-Type', 'application/x-www-form-urlencoded')], body='Param1=value1',
                   official='ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a'),
        suite_case('post-x-www-form-urlencoded-parameters', 'POST', '/', [('Content-Type', 'application/x-www-form-urlencoded; charset=utf8')],
                   body='Param1=value1', official='1a72ec8f64bd914b0e42e42607c7fbce7fb2c7465f63e3092b3b0d39fa77a6fe'),
        # normalize-path cases: the suite documents the inputs; botocore computes the signatures.
        suite_case('normalize-path/get-relative', 'GET', '/example/..'),
        suite_case('normalize-path/get-relative-relative', 'GET', '/example1/example2/../..'),
        suite_case('normalize-path/get-slash', 'GET', '//'),
        suite_case('normalize-path/get-slash-dot-slash', 'GET', '/./'),
        suite_case('normalize-path/get-slash-pointless-dot', 'GET', '/./example'),
        suite_case('normalize-path/get-slashes', 'GET', '//example//'),
        suite_case('normalize-path/get-space', 'GET', '/example space/'),
    ]
    return cases


S3_TIME = datetime.datetime(2026, 1, 15, 10, 0, 0)
S3_CREDS = Credentials('AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')
ENDPOINT = 'http://127.0.0.1:9000'
HOST = '127.0.0.1:9000'


def record(name, service, req, signer_kind, body=b'', host=HOST, token=None, note=''):
    prepared_url = req.url
    parts = urlsplit(prepared_url)
    return {
        'name': name,
        'source': f'botocore {botocore.__version__} {signer_kind}',
        'note': note,
        'service': service,
        'region': 'us-east-1',
        'now': '2026-01-15T10:00:00Z',
        'method': req.method,
        'rawPath': parts.path,
        'rawQuery': parts.query,
        'headers': header_list(req, host),
        'bodyBase64': base64.b64encode(body).decode(),
        'securityToken': token,
    }


def s3_header(name, method, path, body=b'', headers=(), unsigned=False, query=''):
    at(S3_TIME)
    scheme_endpoint = ENDPOINT.replace('http://', 'https://') if unsigned else ENDPOINT
    url = scheme_endpoint + path + (('?' + query) if query else '')
    req = AWSRequest(method=method, url=url, data=body)
    for k, v in headers:
        req.headers[k] = v
    if unsigned:
        req.context['client_config'] = Config(s3={'payload_signing_enabled': False})
    botocore.auth.S3SigV4Auth(S3_CREDS, 's3', 'us-east-1').add_auth(req)
    return record(name, 's3', req, 'S3SigV4Auth', body)


def s3_presigned(name, method, path, expires=3600, query=''):
    at(S3_TIME)
    req = AWSRequest(method=method, url=ENDPOINT + path + (('?' + query) if query else ''))
    botocore.auth.S3SigV4QueryAuth(S3_CREDS, 's3', 'us-east-1', expires=expires).add_auth(req)
    return record(name, 's3', req, 'S3SigV4QueryAuth')


def query_protocol(name, service, body, token=None, date_header=False):
    at(S3_TIME)
    creds = Credentials(S3_CREDS.access_key, S3_CREDS.secret_key, token) if token else S3_CREDS
    req = AWSRequest(method='POST', url=ENDPOINT + '/', data=body.encode())
    req.headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8'
    if date_header:
        # botocore then signs with the HTTP Date header and sends no X-Amz-Date.
        req.headers['Date'] = 'placeholder'
    botocore.auth.SigV4Auth(creds, service, 'us-east-1').add_auth(req)
    return record(name, service, req, 'SigV4Auth', body.encode(), token=token)


def sts_presigned(name):
    at(S3_TIME)
    req = AWSRequest(method='GET', url=ENDPOINT + '/', params={'Action': 'GetCallerIdentity', 'Version': '2011-06-15'})
    botocore.auth.SigV4QueryAuth(S3_CREDS, 'sts', 'us-east-1', expires=60).add_auth(req)
    req.url = req.prepare().url
    return record(name, 'sts', req, 'SigV4QueryAuth')


def botocore_requests():
    return [
        s3_header('s3-get-object', 'GET', '/bucket/photos/2026/cat.jpg', headers=[('Range', 'bytes=0-9')]),
        s3_header('s3-get-object-encoded-key', 'GET', '/bucket/a%20b/%C3%A9t%C3%A9%2Bplus%3Dequals~tilde'),
        s3_header('s3-get-object-dot-segments-key', 'GET', '/bucket/x/../y//z/./w'),
        s3_header('s3-put-object-signed-payload', 'PUT', '/bucket/hello.txt', body=b'Hello, Strongbox!\n',
                  headers=[('Content-Type', 'text/plain'), ('x-amz-meta-color', 'blue'), ('x-amz-storage-class', 'STANDARD')]),
        s3_header('s3-put-object-unsigned-payload', 'PUT', '/bucket/big.bin', body=b'x' * 1000, unsigned=True,
                  headers=[('Content-MD5', base64.b64encode(__import__('hashlib').md5(b'x' * 1000).digest()).decode())]),
        s3_header('s3-list-objects-v2', 'GET', '/bucket', query='list-type=2&prefix=photos%2F&delimiter=%2F&max-keys=100'),
        s3_header('s3-get-bucket-acl', 'GET', '/bucket', query='acl'),
        s3_presigned('s3-presigned-get', 'GET', '/bucket/report.pdf', expires=3600),
        s3_presigned('s3-presigned-put-week', 'PUT', '/bucket/upload.bin', expires=604800),
        s3_presigned('s3-presigned-get-with-query', 'GET', '/bucket/report.pdf', expires=900,
                     query='response-content-disposition=attachment%3B%20filename%3D%22r.pdf%22&versionId=3%2FL4kqtJl'),
        query_protocol('iam-list-users', 'iam', 'Action=ListUsers&Version=2010-05-08'),
        query_protocol('iam-list-users-date-header', 'iam', 'Action=ListUsers&Version=2010-05-08', date_header=True),
        query_protocol('iam-create-user-path', 'iam', 'Action=CreateUser&UserName=alice&Path=%2Fdivision_abc%2F&Version=2010-05-08'),
        query_protocol('sts-get-caller-identity-with-token', 'sts', 'Action=GetCallerIdentity&Version=2011-06-15', token=TOKEN),
        sts_presigned('sts-presigned-get-caller-identity'),
    ]


def main():
    with open(os.path.join(HERE, 'aws-sig-v4-test-suite.json'), 'w') as f:
        json.dump({'credentials': {'accessKeyId': 'AKIDEXAMPLE', 'secretAccessKey': 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'},
                   'now': '2015-08-30T12:36:00Z', 'cases': suite()}, f, indent=2, ensure_ascii=False)
        f.write('\n')
    with open(os.path.join(HERE, 'botocore-requests.json'), 'w') as f:
        json.dump({'credentials': {'accessKeyId': S3_CREDS.access_key, 'secretAccessKey': S3_CREDS.secret_key},
                   'sessionToken': TOKEN, 'cases': botocore_requests()}, f, indent=2, ensure_ascii=False)
        f.write('\n')


if __name__ == '__main__':
    main()
