/**
 * Signature Version 2 (issue #17) with a real v2 signer: botocore's `s3` signature version
 * (`HmacV1Auth`), its v2 presigned URLs (`HmacV1QueryAuth`) and v2 POST forms (`HmacV1PostAuth`),
 * through boto3. Allowed with `--allow-sigv2` and authorized like SigV4 (identity policies, STS
 * session keys, a bucket policy on `s3:signatureversion`); refused without it, as AWS refuses SigV2
 * where it is not supported.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { python, startServer, uniqueName, type TestServer } from './harness.js';

/** `python3 -c SCRIPT scenario bucket`: asserts as it goes, prints a JSON summary of outcomes last. */
const SCRIPT = String.raw`
import base64, json, os, re, sys, urllib.error, urllib.request
import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

endpoint = os.environ['STRONGBOX_ENDPOINT']
scenario, bucket = sys.argv[1], sys.argv[2]
path_style = {'addressing_style': 'path'}
V2 = Config(signature_version='s3', s3=path_style)
V4 = Config(signature_version='s3v4', s3=path_style)

def client(service='s3', config=V4, **creds):
    return boto3.client(service, endpoint_url=endpoint, config=config, **creds)

def code(call):
    try:
        call()
        return 'ok'
    except ClientError as e:
        return e.response['Error']['Code']

def http(method, url, data=None, headers=None):
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        body = e.read()
        m = re.search(rb'<Code>([^<]+)</Code>', body)
        return e.code, (m.group(1).decode() if m else body)

def post_form(presigned, content):
    boundary = 'sigv2-form-boundary'
    parts = [('--%s\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (boundary, k, v)).encode()
             for k, v in presigned['fields'].items()]
    parts.append(('--%s\r\nContent-Disposition: form-data; name="file"; filename="f.txt"\r\n'
                  'Content-Type: text/plain\r\n\r\n' % boundary).encode() + content + b'\r\n')
    parts.append(('--%s--\r\n' % boundary).encode())
    headers = {'Content-Type': 'multipart/form-data; boundary=' + boundary}
    return http('POST', presigned['url'], b''.join(parts), headers)

def v2_outcomes(s3, key):
    """Header, presigned GET and PUT, POST form: each outcome, the requests proven to be v2."""
    out = {'header_put': code(lambda: s3.put_object(Bucket=bucket, Key=key, Body=b'v2 body', Metadata={'who': 'v2'}))}
    get_url = s3.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': key}, ExpiresIn=300)
    assert 'AWSAccessKeyId=' in get_url and 'X-Amz-' not in get_url, get_url
    out['presigned_get'] = http('GET', get_url)[0]
    # The signed Content-Type travels in the URL too; the uploader sends the same header.
    put_params = {'Bucket': bucket, 'Key': key + '.presigned', 'ContentType': 'text/plain'}
    put_url = s3.generate_presigned_url('put_object', Params=put_params, ExpiresIn=300)
    out['presigned_put'] = http('PUT', put_url, b'presigned body', {'Content-Type': 'text/plain'})[0]
    form = s3.generate_presigned_post(bucket, key + '.form', ExpiresIn=300)
    assert 'AWSAccessKeyId' in form['fields'] and 'signature' in form['fields'], form['fields']
    out['post'] = post_form(form, b'form body')[0]
    return out

summary = {}
if scenario == 'allowed':
    client().create_bucket(Bucket=bucket)
    s3 = client(config=V2)
    key = 'dir/a b+c.txt'
    summary.update(v2_outcomes(s3, key))
    got = s3.get_object(Bucket=bucket, Key=key, ResponseContentType='text/x-v2')
    assert got['Body'].read() == b'v2 body' and got['Metadata'] == {'who': 'v2'}, got
    assert got['ContentType'] == 'text/x-v2', got['ContentType']
    assert client().get_object(Bucket=bucket, Key=key + '.presigned')['Body'].read() == b'presigned body'
    assert client().get_object(Bucket=bucket, Key=key + '.form')['Body'].read() == b'form body'
    listed = [o['Key'] for o in s3.list_objects(Bucket=bucket, Prefix='dir/')['Contents']]
    assert sorted(listed) == [key, key + '.form', key + '.presigned'], listed
    summary['get_bucket_acl'] = code(lambda: s3.get_bucket_acl(Bucket=bucket))
    gone = {'Objects': [{'Key': key + '.form'}]}
    summary['delete_objects'] = code(lambda: s3.delete_objects(Bucket=bucket, Delete=gone))
    expired = s3.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': key}, ExpiresIn=-60)
    summary['expired'] = http('GET', expired)
    wrong = client(config=V2, aws_access_key_id=os.environ['AWS_ACCESS_KEY_ID'], aws_secret_access_key='not-the-secret')
    summary['wrong_secret'] = code(lambda: wrong.list_objects(Bucket=bucket))
    unknown = client(config=V2, aws_access_key_id='AKIANOSUCHKEY0000000', aws_secret_access_key='x')
    summary['unknown_key'] = code(lambda: unknown.list_objects(Bucket=bucket))
    # STS session keys sign v2 requests too (x-amz-security-token signed as an amz header / query parameter).
    c = client('sts').get_session_token()['Credentials']
    temp = client(config=V2, aws_access_key_id=c['AccessKeyId'], aws_secret_access_key=c['SecretAccessKey'],
                  aws_session_token=c['SessionToken'])
    summary['session_header'] = code(lambda: temp.get_object(Bucket=bucket, Key=key))
    url = temp.generate_presigned_url('get_object', Params={'Bucket': bucket, 'Key': key}, ExpiresIn=300)
    summary['session_presigned'] = http('GET', url)[0]
    # An IAM user's v2 requests meet its identity policy as SigV4 requests do.
    iam = client('iam')
    user = bucket + '-user'
    iam.create_user(UserName=user)
    read = {'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': 'arn:aws:s3:::%s/*' % bucket}
    iam.put_user_policy(UserName=user, PolicyName='read',
                        PolicyDocument=json.dumps({'Version': '2012-10-17', 'Statement': [read]}))
    k = iam.create_access_key(UserName=user)['AccessKey']
    alice = client(config=V2, aws_access_key_id=k['AccessKeyId'], aws_secret_access_key=k['SecretAccessKey'])
    summary['user_get'] = code(lambda: alice.get_object(Bucket=bucket, Key=key))
    summary['user_put'] = code(lambda: alice.put_object(Bucket=bucket, Key='denied', Body=b'x'))
elif scenario == 'refused':
    client().create_bucket(Bucket=bucket)
    summary.update(v2_outcomes(client(config=V2), 'k'))
    summary['sigv4_put'] = code(lambda: client().put_object(Bucket=bucket, Key='k4', Body=b'x'))
elif scenario == 'policy':
    client().create_bucket(Bucket=bucket)
    client().put_bucket_policy(Bucket=bucket, Policy=json.dumps({'Version': '2012-10-17', 'Statement': [{
        'Sid': 'NoSigV2', 'Effect': 'Deny', 'Principal': '*', 'Action': 's3:*',
        'Resource': ['arn:aws:s3:::' + bucket, 'arn:aws:s3:::%s/*' % bucket],
        'Condition': {'StringEquals': {'s3:signatureversion': 'AWS'}}}]}))
    # SigV4 first: an allow remembered for it must not let the same caller in with SigV2.
    summary['sigv4_put'] = code(lambda: client().put_object(Bucket=bucket, Key='k', Body=b'x'))
    summary.update(v2_outcomes(client(config=V2), 'k'))
    client().delete_bucket_policy(Bucket=bucket)
    summary['header_put_after'] = code(lambda: client(config=V2).put_object(Bucket=bucket, Key='k', Body=b'x'))
elif scenario == 'trail':
    client(config=V2).create_bucket(Bucket=bucket)
    by_bucket = [{'AttributeKey': 'ResourceName', 'AttributeValue': bucket}]
    events = client('cloudtrail').lookup_events(LookupAttributes=by_bucket)['Events']
    created = [json.loads(e['CloudTrailEvent']) for e in events if e['EventName'] == 'CreateBucket']
    summary['signature_version'] = created[0]['additionalEventData']['SignatureVersion'] if created else 'no event'
print(json.dumps(summary))
`;

async function scenario(server: TestServer, name: string): Promise<Record<string, unknown>> {
  const r = await python(server, SCRIPT, { args: [name, uniqueName('sigv2')], timeoutMs: 120_000 });
  assert.equal(r.code, 0, `${name}:\n${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop() as string) as Record<string, unknown>;
}

describe('SigV2 allowed (--allow-sigv2)', { concurrency: 2 }, () => {
  let server: TestServer;
  before(async () => {
    server = await startServer({ extraArgs: ['--allow-sigv2'] });
  });
  after(async () => {
    await server?.stop();
  });

  test('header, presigned and POST clients are served; IAM users, session keys and errors as SigV4', async () => {
    assert.deepEqual(await scenario(server, 'allowed'), {
      header_put: 'ok',
      presigned_get: 200,
      presigned_put: 200,
      post: 204,
      get_bucket_acl: 'ok',
      delete_objects: 'ok',
      expired: [403, 'AccessDenied'],
      wrong_secret: 'SignatureDoesNotMatch',
      unknown_key: 'InvalidAccessKeyId',
      session_header: 'ok',
      session_presigned: 200,
      user_get: 'ok',
      user_put: 'AccessDenied',
    });
  });

  test('a bucket policy denying s3:signatureversion AWS refuses every SigV2 form, not SigV4', async () => {
    assert.deepEqual(await scenario(server, 'policy'), {
      header_put: 'AccessDenied',
      presigned_get: 403,
      presigned_put: 403,
      post: 403,
      sigv4_put: 'ok',
      header_put_after: 'ok',
    });
  });

  test('the audit trail records the request as SigV2', async () => {
    assert.deepEqual(await scenario(server, 'trail'), { signature_version: 'SigV2' });
  });
});

describe('SigV2 refused by default', () => {
  let server: TestServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.stop();
  });

  test('header, presigned and POST clients get InvalidRequest (400); SigV4 is served', async () => {
    assert.deepEqual(await scenario(server, 'refused'), {
      header_put: 'InvalidRequest',
      presigned_get: 400,
      presigned_put: 400,
      post: 400,
      sigv4_put: 'ok',
    });
  });
});
