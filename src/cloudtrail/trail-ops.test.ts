import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT, cloudTrailTestBed, REGION, T0, testEvent } from './cloudtrail-test-bed.js';
import { recorded } from '../audit/testing/recorded-events.js';

const ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/main`;

describe('CloudTrail trails', () => {
  it('CreateTrail answers the settings, checks the bucket with the trail ARN, and is authorized on the trail', async () => {
    const t = cloudTrailTestBed();
    const r = await t.call('CreateTrail', { Name: 'main', S3BucketName: 'logs', S3KeyPrefix: 'ct', EnableLogFileValidation: true });
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json, {
      Name: 'main', S3BucketName: 'logs', S3KeyPrefix: 'ct', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: false,
      TrailARN: ARN, LogFileValidationEnabled: true, IsOrganizationTrail: false,
    });
    assert.deepEqual(t.bucketChecks, [{ bucket: 'logs', keyPrefix: 'ct', accountId: ACCOUNT, region: REGION, trailArn: ARN }]);
    assert.deepEqual(r.checks.map((c) => [c.action, c.resource, c.resourceAccount]), [['cloudtrail:CreateTrail', ARN, ACCOUNT]]);
    const tagged = await t.call('CreateTrail', { Name: 'two', S3BucketName: 'logs', TagsList: [{ Key: 'team', Value: 'sec' }] });
    assert.deepEqual(tagged.checks[0].context, { 'aws:TagKeys': ['team'], 'aws:RequestTag/team': 'sec' });
  });

  it('CreateTrail errors, with the codes of the model', async () => {
    const t = cloudTrailTestBed();
    await t.ok('CreateTrail', { Name: 'main', S3BucketName: 'logs' });
    const code = (input: Record<string, unknown>) => t.code('CreateTrail', { S3BucketName: 'logs', ...input });
    assert.equal(await code({ Name: 'main' }), 'TrailAlreadyExistsException');
    for (const bad of ['ab', 'my--trail', 'my-_trail', '-trail', 'trail.', '192.168.5.4', 'a'.repeat(129), 'tr ail']) {
      assert.equal(await code({ Name: bad }), 'InvalidTrailNameException', bad);
    }
    assert.equal(await code({ Name: 'trail1', S3BucketName: 'nope' }), 'S3BucketDoesNotExistException');
    assert.equal(await code({ Name: 'trail1', S3BucketName: 'locked' }), 'InsufficientS3BucketPolicyException');
    assert.equal(await code({ Name: 'trail1', S3BucketName: 'Bad_Bucket' }), 'InvalidS3BucketNameException');
    assert.equal(await code({ Name: 'trail1', S3KeyPrefix: 'p'.repeat(201) }), 'InvalidS3PrefixException');
    assert.equal(await code({ Name: 'trail1', IsMultiRegionTrail: true, IncludeGlobalServiceEvents: false }), 'InvalidParameterCombinationException');
    assert.equal(await code({ Name: 'trail1', SnsTopicName: 'topic' }), 'InsufficientSnsTopicPolicyException');
    assert.equal(await code({ Name: 'trail1', CloudWatchLogsLogGroupArn: 'arn:aws:logs:us-east-1:1:log-group:x' }), 'CloudWatchLogsDeliveryUnavailableException');
    assert.equal(await code({ Name: 'trail1', IsOrganizationTrail: true }), 'UnsupportedOperationException');
    assert.equal(await code({ Name: 'trail1', TagsList: [{ Key: 'aws:x', Value: 'y' }] }), 'InvalidTagParameterException');
    assert.equal(await code({ Name: 'trail1', TagsList: Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}` })) }), 'TagsLimitExceededException');
    assert.equal(await code({ Name: 'trail1', IsMultiRegionTrail: 'yes' }), 'SerializationException');
    assert.equal(await t.code('CreateTrail', { Name: 'trail1' }), 'InvalidParameterException', 'S3BucketName is required');
    for (const n of ['trail2', 'trail3', 'trail4', 'trail5']) await t.ok('CreateTrail', { Name: n, S3BucketName: 'logs' });
    assert.equal(await code({ Name: 'trail6' }), 'MaximumNumberOfTrailsExceededException');
    assert.equal(await code({ Name: 'other' }), 'MaximumNumberOfTrailsExceededException');
    assert.equal(await t.code('CreateTrail', { Name: 'main', S3BucketName: 'logs' }, t.otherRoot), undefined, 'names are per account');
  });

  it('GetTrail, DescribeTrails and ListTrails by name or ARN; unknown trails', async () => {
    const t = cloudTrailTestBed();
    await t.ok('CreateTrail', { Name: 'main', S3BucketName: 'logs', IsMultiRegionTrail: true });
    await t.ok('CreateTrail', { Name: 'second', S3BucketName: 'logs' });
    const trail = {
      Name: 'main', S3BucketName: 'logs', IncludeGlobalServiceEvents: true, IsMultiRegionTrail: true, HomeRegion: REGION,
      TrailARN: ARN, LogFileValidationEnabled: false, HasCustomEventSelectors: false, HasInsightSelectors: false,
      IsOrganizationTrail: false,
    };
    assert.deepEqual((await t.ok('GetTrail', { Name: 'main' })).Trail, trail);
    assert.deepEqual((await t.ok('GetTrail', { Name: ARN })).Trail, trail);
    assert.equal(await t.code('GetTrail', { Name: 'nope' }), 'TrailNotFoundException');
    assert.equal(await t.code('GetTrail', { Name: 'arn:aws:cloudtrail:us-east-1:bad' }), 'CloudTrailARNInvalidException');
    assert.equal(await t.code('GetTrail', { Name: ARN.replace(ACCOUNT, '444455556666') }), 'TrailNotFoundException');
    assert.equal(await t.code('GetTrail', { Name: 'main' }, t.otherRoot), 'TrailNotFoundException');
    const all = (await t.ok('DescribeTrails')).trailList as { Name: string }[];
    assert.deepEqual(all.map((x) => x.Name), ['main', 'second']);
    const some = await t.ok('DescribeTrails', { trailNameList: [ARN, 'missing'], includeShadowTrails: true });
    assert.deepEqual(some.trailList, [trail]);
    assert.equal(await t.code('DescribeTrails', { trailNameList: ['a--b'] }), 'InvalidTrailNameException');
    assert.deepEqual((await t.ok('ListTrails')).Trails, [
      { TrailARN: ARN, Name: 'main', HomeRegion: REGION },
      { TrailARN: ARN.replace('main', 'second'), Name: 'second', HomeRegion: REGION },
    ]);
    assert.deepEqual((await t.ok('ListTrails', {}, t.otherRoot)).Trails, []);
    const checks = (await t.call('DescribeTrails')).checks;
    assert.deepEqual(checks.map((c) => [c.action, c.resource]), [['cloudtrail:DescribeTrails', '*']]);
  });

  it('UpdateTrail changes what it is given, checks a new bucket, keeps delivery state', async () => {
    const t = cloudTrailTestBed();
    await t.ok('CreateTrail', { Name: 'main', S3BucketName: 'logs', S3KeyPrefix: 'a' });
    t.store.trails.update(ACCOUNT, 'main', (x) => ({ ...x, delivery: { ...x.delivery, deliveredSeq: 42 } }));
    t.bucketChecks.length = 0;
    const r = await t.ok('UpdateTrail', { Name: ARN, EnableLogFileValidation: true });
    assert.equal(r.LogFileValidationEnabled, true);
    assert.equal(r.S3KeyPrefix, 'a');
    assert.equal(t.bucketChecks.length, 0, 'the bucket did not change');
    assert.equal(await t.code('UpdateTrail', { Name: 'main', S3BucketName: 'locked' }), 'InsufficientS3BucketPolicyException');
    assert.equal(await t.code('UpdateTrail', { Name: 'main', S3BucketName: 'gone' }), 'S3BucketDoesNotExistException');
    t.buckets.set('other', 'Allowed');
    const moved = await t.ok('UpdateTrail', { Name: 'main', S3BucketName: 'other', S3KeyPrefix: '' });
    assert.equal(moved.S3BucketName, 'other');
    assert.equal(moved.S3KeyPrefix, undefined, 'an empty prefix removes it');
    assert.equal(t.store.trails.get(ACCOUNT, 'main')?.delivery.deliveredSeq, 42);
    assert.equal(await t.code('UpdateTrail', { Name: 'nope' }), 'TrailNotFoundException');
    assert.equal(await t.code('UpdateTrail', { Name: 'main', IncludeGlobalServiceEvents: false, IsMultiRegionTrail: true }), 'InvalidParameterCombinationException');
    const checks = (await t.call('UpdateTrail', { Name: 'main' })).checks;
    assert.deepEqual(checks.map((c) => [c.action, c.resource]), [['cloudtrail:UpdateTrail', ARN]]);
  });

  it('a new trail is not logging until StartLogging; GetTrailStatus reports both times', async () => {
    const t = cloudTrailTestBed();
    await t.ok('CreateTrail', { Name: 'main', S3BucketName: 'logs' });
    assert.deepEqual(await t.ok('GetTrailStatus', { Name: 'main' }), {
      IsLogging: false, LatestDeliveryAttemptTime: '', LatestNotificationAttemptTime: '',
      LatestNotificationAttemptSucceeded: '', LatestDeliveryAttemptSucceeded: '', TimeLoggingStarted: '', TimeLoggingStopped: '',
    });
    assert.deepEqual(t.store.trails.logging(), []);
    t.store.events.append(recorded([testEvent(), testEvent()], [`${ACCOUNT}/other`]));
    t.store.events.append(recorded([testEvent()], [`${ACCOUNT}/other`]));
    t.advance(60_000);
    assert.deepEqual(await t.ok('StartLogging', { Name: 'main' }), {});
    assert.equal(t.store.trails.get(ACCOUNT, 'main')?.delivery.deliveredSeq, 2, 'delivery starts after the events stored so far');
    t.advance(60_000);
    await t.ok('StartLogging', { Name: ARN });
    let s = await t.ok('GetTrailStatus', { Name: 'main' });
    assert.equal(s.IsLogging, true);
    assert.equal(s.StartLoggingTime, (T0 + 60_000) / 1000, 'starting again keeps the first start');
    assert.equal(s.TimeLoggingStarted, '2026-03-01T10:01:00Z');
    assert.deepEqual(t.store.trails.logging().map((x) => x.name), ['main']);
    await t.ok('StopLogging', { Name: 'main' });
    s = await t.ok('GetTrailStatus', { Name: 'main' });
    assert.equal(s.IsLogging, false);
    assert.equal(s.TimeLoggingStopped, '2026-03-01T10:02:00Z');
    assert.equal(await t.code('StartLogging', { Name: 'nope' }), 'TrailNotFoundException');
    assert.equal(await t.code('StopLogging', { Name: 'nope' }), 'TrailNotFoundException');
    const checks = (await t.call('StartLogging', { Name: 'main' })).checks;
    assert.deepEqual(checks.map((c) => [c.action, c.resource]), [['cloudtrail:StartLogging', ARN]]);
  });

  it('DeleteTrail', async () => {
    const t = cloudTrailTestBed();
    await t.ok('CreateTrail', { Name: 'main', S3BucketName: 'logs' });
    assert.deepEqual(await t.ok('DeleteTrail', { Name: ARN }), {});
    assert.equal(await t.code('GetTrail', { Name: 'main' }), 'TrailNotFoundException');
    assert.equal(await t.code('DeleteTrail', { Name: 'main' }), 'TrailNotFoundException');
  });

  it('ListPublicKeys: keys whose validity overlaps the range, Value in base64', async () => {
    const t = cloudTrailTestBed();
    const day = 86_400_000;
    t.keys.push(
      { value: Buffer.from('old'), validityStartTime: new Date(T0 - 10 * day), validityEndTime: new Date(T0 - 5 * day), fingerprint: 'f1' },
      { value: Buffer.from('new'), validityStartTime: new Date(T0 - 5 * day), validityEndTime: new Date(T0 + 25 * day), fingerprint: 'f2' },
    );
    const now = await t.ok('ListPublicKeys');
    assert.deepEqual(now.PublicKeyList, [{
      Value: Buffer.from('new').toString('base64'), ValidityStartTime: (T0 - 5 * day) / 1000,
      ValidityEndTime: (T0 + 25 * day) / 1000, Fingerprint: 'f2',
    }]);
    const both = await t.ok('ListPublicKeys', { StartTime: (T0 - 8 * day) / 1000, EndTime: T0 / 1000 });
    assert.deepEqual((both.PublicKeyList as { Fingerprint: string }[]).map((k) => k.Fingerprint), ['f1', 'f2']);
    assert.equal(await t.code('ListPublicKeys', { StartTime: T0 / 1000, EndTime: T0 / 1000 - 1 }), 'InvalidTimeRangeException');
    assert.deepEqual((await t.call('ListPublicKeys')).checks.map((c) => c.resource), ['*']);
  });
});
