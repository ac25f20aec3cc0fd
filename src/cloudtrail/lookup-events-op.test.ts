import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ACCOUNT, cloudTrailTestBed, T0, testEvent } from './cloudtrail-test-bed.js';
import { recorded } from '../audit/testing/recorded-events.js';

describe('LookupEvents', () => {
  it("answers the Event shape, newest first, the caller's account only", async () => {
    const t = cloudTrailTestBed();
    const a = testEvent();
    const b = testEvent({
      eventName: 'AssumeRole', eventSource: 'sts.amazonaws.com', readOnly: true, resources: undefined,
      userIdentity: {
        type: 'AssumedRole', principalId: 'AROAX:ops', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/admin/ops`,
        accountId: ACCOUNT, accessKeyId: 'ASIAOPS',
      },
    });
    t.store.events.append(recorded([a, b, testEvent({ recipientAccountId: '444455556666' })]));
    const r = await t.call('LookupEvents');
    assert.equal(r.status, 200, r.body);
    assert.deepEqual(r.json, {
      Events: [
        {
          EventId: b.eventID, EventName: 'AssumeRole', ReadOnly: 'true', AccessKeyId: 'ASIAOPS',
          EventTime: Date.parse(b.eventTime) / 1000, EventSource: 'sts.amazonaws.com', Username: 'ops', Resources: [],
          CloudTrailEvent: JSON.stringify(b),
        },
        {
          EventId: a.eventID, EventName: 'CreateUser', ReadOnly: 'false', AccessKeyId: 'AKIAALICE',
          EventTime: Date.parse(a.eventTime) / 1000, EventSource: 'iam.amazonaws.com', Username: 'alice',
          Resources: [{ ResourceType: 'AWS::IAM::User', ResourceName: 'bob' }], CloudTrailEvent: JSON.stringify(a),
        },
      ],
    });
    assert.deepEqual(r.checks.map((c) => [c.action, c.resource, c.resourceAccount]), [['cloudtrail:LookupEvents', '*', ACCOUNT]]);
    assert.equal(((await t.ok('LookupEvents', {}, t.otherRoot)).Events as unknown[]).length, 1);
  });

  it('filters by one attribute and a time range; pages with NextToken', async () => {
    const t = cloudTrailTestBed();
    const events = Array.from({ length: 5 }, () => testEvent());
    t.store.events.append(recorded(events));
    const byUser = await t.ok('LookupEvents', { LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: 'bob' }] });
    assert.equal((byUser.Events as unknown[]).length, 5);
    const range = await t.ok('LookupEvents', {
      StartTime: Date.parse(events[1].eventTime) / 1000, EndTime: Date.parse(events[2].eventTime) / 1000,
    });
    assert.deepEqual((range.Events as { EventId: string }[]).map((e) => e.EventId), [events[2].eventID, events[1].eventID]);
    const first = await t.ok('LookupEvents', { MaxResults: 2 });
    assert.equal((first.Events as unknown[]).length, 2);
    assert.equal(typeof first.NextToken, 'string');
    const second = await t.ok('LookupEvents', { MaxResults: 3, NextToken: first.NextToken });
    assert.deepEqual((second.Events as { EventId: string }[]).map((e) => e.EventId), [events[2], events[1], events[0]].map((e) => e.eventID));
    assert.equal(second.NextToken, undefined);
    const other = { NextToken: first.NextToken, LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'CreateUser' }] };
    assert.equal(await t.code('LookupEvents', other), 'InvalidNextTokenException');
  });

  it('refuses bad attributes, ranges, page sizes and categories with their codes', async () => {
    const t = cloudTrailTestBed();
    const attr = (AttributeKey: string, AttributeValue: string) => ({ LookupAttributes: [{ AttributeKey, AttributeValue }] });
    assert.equal(await t.code('LookupEvents', {
      LookupAttributes: [{ AttributeKey: 'EventName', AttributeValue: 'a' }, { AttributeKey: 'EventSource', AttributeValue: 'b' }],
    }), 'InvalidLookupAttributesException');
    assert.equal(await t.code('LookupEvents', attr('Bogus', 'x')), 'InvalidLookupAttributesException');
    assert.equal(await t.code('LookupEvents', attr('ReadOnly', 'yes')), 'InvalidLookupAttributesException');
    assert.equal(await t.code('LookupEvents', attr('EventName', '')), 'InvalidLookupAttributesException');
    assert.equal(await t.code('LookupEvents', { StartTime: T0 / 1000 + 10, EndTime: T0 / 1000 }), 'InvalidTimeRangeException');
    assert.equal(await t.code('LookupEvents', { MaxResults: 51 }), 'InvalidMaxResultsException');
    assert.equal(await t.code('LookupEvents', { MaxResults: 0 }), 'InvalidMaxResultsException');
    assert.equal(await t.code('LookupEvents', { NextToken: 'nope' }), 'InvalidNextTokenException');
    assert.equal(await t.code('LookupEvents', { EventCategory: 'data' }), 'InvalidEventCategoryException');
    assert.equal(await t.code('LookupEvents', { StartTime: 'yesterday' }), 'SerializationException');
    t.store.events.append(recorded([testEvent()]));
    assert.deepEqual((await t.ok('LookupEvents', { EventCategory: 'insight' })).Events, []);
  });
});
