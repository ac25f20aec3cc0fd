import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT, cloudTrailTestBed, REGION } from './cloudtrail-test-bed.js';

const ARN = `arn:aws:cloudtrail:${REGION}:${ACCOUNT}:trail/main`;
const DEFAULT = [{ ReadWriteType: 'All', IncludeManagementEvents: true, DataResources: [], ExcludeManagementEventSources: [] }];

async function bed() {
  const t = cloudTrailTestBed();
  await t.ok('CreateTrail', { Name: 'main', S3BucketName: 'logs' });
  return t;
}

describe('PutEventSelectors / GetEventSelectors', () => {
  it('a new trail has the default selector; basic selectors replace it and are filled with defaults', async () => {
    const t = await bed();
    assert.deepEqual(await t.ok('GetEventSelectors', { TrailName: 'main' }), { TrailARN: ARN, EventSelectors: DEFAULT });
    const put = await t.ok('PutEventSelectors', {
      TrailName: ARN,
      EventSelectors: [{ ReadWriteType: 'WriteOnly', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::photos/'] }] }],
    });
    const selectors = [{
      ReadWriteType: 'WriteOnly', IncludeManagementEvents: true,
      DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::photos/'] }], ExcludeManagementEventSources: [],
    }];
    assert.deepEqual(put, { TrailARN: ARN, EventSelectors: selectors });
    assert.deepEqual(await t.ok('GetEventSelectors', { TrailName: 'main' }), put);
    assert.equal(((await t.ok('GetTrail', { Name: 'main' })).Trail as Record<string, unknown>).HasCustomEventSelectors, true);
    const checks = (await t.call('PutEventSelectors', { TrailName: 'main', EventSelectors: DEFAULT })).checks;
    assert.deepEqual(checks.map((c) => [c.action, c.resource]), [['cloudtrail:PutEventSelectors', ARN]]);
  });

  it('advanced selectors replace basic ones, and back', async () => {
    const t = await bed();
    const advanced = [
      { Name: 'management', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      {
        Name: 'writes to photos',
        FieldSelectors: [
          { Field: 'eventCategory', Equals: ['Data'] },
          { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
          { Field: 'eventName', Equals: ['PutObject', 'DeleteObject'] },
          { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::photos/'] },
        ],
      },
    ];
    assert.deepEqual(await t.ok('PutEventSelectors', { TrailName: 'main', AdvancedEventSelectors: advanced }),
      { TrailARN: ARN, AdvancedEventSelectors: advanced });
    assert.deepEqual(await t.ok('GetEventSelectors', { TrailName: 'main' }), { TrailARN: ARN, AdvancedEventSelectors: advanced });
    await t.ok('PutEventSelectors', { TrailName: 'main', EventSelectors: DEFAULT });
    assert.deepEqual(await t.ok('GetEventSelectors', { TrailName: 'main' }), { TrailARN: ARN, EventSelectors: DEFAULT });
    assert.equal(((await t.ok('GetTrail', { Name: 'main' })).Trail as Record<string, unknown>).HasCustomEventSelectors, false);
  });

  it('InvalidEventSelectorsException for what CloudTrail refuses', async () => {
    const t = await bed();
    const put = (input: Record<string, unknown>) => t.code('PutEventSelectors', { TrailName: 'main', ...input });
    const sel = (o: Record<string, unknown>) => ({ EventSelectors: [o] });
    const adv = (...fields: Record<string, unknown>[]) => ({ AdvancedEventSelectors: [{ FieldSelectors: fields }] });
    const data = { Field: 'eventCategory', Equals: ['Data'] };
    const s3 = { Field: 'resources.type', Equals: ['AWS::S3::Object'] };
    const cases: [string, Record<string, unknown>][] = [
      ['both kinds', { ...sel({}), ...adv({ Field: 'eventCategory', Equals: ['Management'] }) }],
      ['neither', {}],
      ['no selector', { EventSelectors: [] }],
      ['six selectors', { EventSelectors: Array.from({ length: 6 }, () => ({})) }],
      ['bad ReadWriteType', sel({ ReadWriteType: 'read-only' })],
      ['bad excluded source', sel({ ExcludeManagementEventSources: ['iam.amazonaws.com'] })],
      ['bad data type', sel({ DataResources: [{ Type: 'AWS::S3::Bucket', Values: ['arn:aws:s3:::b/'] }] })],
      ['bad S3 value', sel({ DataResources: [{ Type: 'AWS::S3::Object', Values: ['photos'] }] })],
      ['251 data resources', sel({ DataResources: Array.from({ length: 251 }, (_, i) => ({ Type: 'AWS::S3::Object', Values: [`arn:aws:s3:::b${i}x/`] })) })],
      ['no eventCategory', adv({ Field: 'eventName', Equals: ['PutObject'] })],
      ['category not Equals', adv({ Field: 'eventCategory', StartsWith: ['Man'] })],
      ['bad category', adv({ Field: 'eventCategory', Equals: ['Insight'] })],
      ['data without resources.type', adv(data)],
      ['field not for management', adv({ Field: 'eventCategory', Equals: ['Management'] }, { Field: 'eventName', Equals: ['x'] })],
      ['readOnly not boolean', adv(data, s3, { Field: 'readOnly', Equals: ['yes'] })],
      ['field twice', adv(data, s3, { Field: 'eventName', Equals: ['a'] }, { Field: 'eventName', Equals: ['b'] })],
      ['no operator', adv(data, s3, { Field: 'eventName' })],
      ['empty operator', adv(data, s3, { Field: 'eventName', Equals: [] })],
      ['501 values', adv(data, s3, { Field: 'eventName', Equals: Array.from({ length: 499 }, (_, i) => `e${i}`) })],
    ];
    for (const [why, input] of cases) assert.equal(await put(input), 'InvalidEventSelectorsException', why);
    assert.equal(await put(adv(data, s3, { Field: 'eventName', Equals: Array.from({ length: 498 }, (_, i) => `e${i}`) })), undefined, '500 values');
    assert.equal(await t.code('PutEventSelectors', { TrailName: 'nope', EventSelectors: [{}] }), 'TrailNotFoundException');
    assert.equal(await t.code('GetEventSelectors', { TrailName: 'nope' }), 'TrailNotFoundException');
  });
});
