import { createHash } from 'node:crypto';
import type { ConfigurationHistoryStore, ConfigurationItem } from '../auditor/configuration-history.js';
import { CONFIG_RESOURCE_TYPES } from '../auditor/configuration/configuration-types.js';
import { ServiceError } from '../errors/service-error.js';
import { createJsonProtocol } from '../json-protocol/json-protocol.js';
import type { JsonContext, JsonOperation } from '../json-protocol/types.js';
import type { AuthzCheck, ProtocolAdapter } from '../server/protocol.js';

/**
 * AWS Config's configuration history (issue #18), served from the auditor's history (src/auditor/
 * configuration-history.ts): GetResourceConfigHistory ("what did this bucket's policy look like last
 * Tuesday?": laterTime, limit 1), over the JSON 1.1 protocol
 * (`X-Amz-Target: StarlingDoveService.<Operation>`, SigV4 service `config`). Authorized as
 * `config:<Operation>` on `*`, as the Service Authorization Reference lists them.
 * https://docs.aws.amazon.com/config/latest/APIReference/API_GetResourceConfigHistory.html
 *
 * Deviations from AWS: there is no configuration recorder to set up (every change is recorded from the
 * audit trail, by the auditor); items carry Strongbox's diff and causing events in
 * `supplementaryConfiguration.StrongboxChange` (AWS Config sends diffs only in its notifications); an
 * item's configuration is JSON text as AWS Config sends it.
 */
export const CONFIG_SERVICE = 'config';
const TARGET_PREFIX = 'StarlingDoveService';
const RESOURCE_TYPES: readonly string[] = Object.values(CONFIG_RESOURCE_TYPES);

export interface ConfigProtocolDeps {
  readonly history: ConfigurationHistoryStore;
}

function anyResource(name: string): () => Promise<readonly AuthzCheck[]> {
  return async () => [{ action: `config:${name}`, resource: '*', resourceAccount: undefined, context: {} }];
}

function configError(code: string, message: string): ServiceError {
  return new ServiceError(code, message, 400);
}

/** ConfigurationItem as AWS Config returns it (configuration and supplementary values as JSON text). */
export function configurationItemJson(item: ConfigurationItem): Record<string, unknown> {
  const d = item.description;
  const supplementary: Record<string, string> = {};
  for (const [k, v] of Object.entries(d?.supplementaryConfiguration ?? {})) supplementary[k] = JSON.stringify(v);
  supplementary.StrongboxChange = JSON.stringify({ diff: item.diff, events: item.events });
  const configuration = d ? JSON.stringify(d.configuration) : null;
  return {
    version: '1.3',
    accountId: item.ref.accountId,
    configurationItemCaptureTime: item.captureTime,
    configurationItemStatus: item.status,
    configurationStateId: String(item.captureTime.getTime()),
    configurationItemMD5Hash: configuration === null ? '' : createHash('md5').update(configuration).digest('hex'),
    arn: d?.arn,
    resourceType: item.ref.resourceType,
    resourceId: item.resourceId,
    resourceName: d?.resourceName ?? item.ref.name,
    awsRegion: d?.awsRegion,
    resourceCreationTime: d?.resourceCreationTime,
    tags: d?.tags ?? {},
    relatedEvents: item.events.map((e) => e.eventId).filter((id) => id !== ''),
    relationships: [],
    configuration,
    supplementaryConfiguration: supplementary,
    recordingFrequency: 'CONTINUOUS',
  };
}

function pageToken(token: string | undefined, length: number): number {
  if (token === undefined) return 0;
  const start = Number(token);
  if (!Number.isSafeInteger(start) || start < 0 || start > length || String(start) !== token) {
    throw configError('InvalidNextTokenException', 'The specified next token is invalid.');
  }
  return start;
}

function limitOf(ctx: JsonContext): number {
  const limit = ctx.input.optionalInt('limit');
  if (limit !== undefined && (limit < 0 || limit > 100))
    throw configError('InvalidLimitException', 'The limit must be between 0 and 100.');
  return limit === undefined || limit === 0 ? 10 : limit;
}

function operations(deps: ConfigProtocolDeps): JsonOperation[] {
  return [
    {
      name: 'GetResourceConfigHistory',
      checks: anyResource('GetResourceConfigHistory'),
      async handler(ctx) {
        const { input } = ctx;
        const resourceType = input.requiredString('resourceType', { enum: RESOURCE_TYPES });
        const resourceId = input.requiredString('resourceId', { min: 1, max: 768 });
        const laterTime = input.optionalTimestamp('laterTime');
        const earlierTime = input.optionalTimestamp('earlierTime');
        if (laterTime && earlierTime && earlierTime > laterTime) {
          throw configError('InvalidTimeRangeException', 'The earlier time must be before the later time.');
        }
        const order = input.optionalString('chronologicalOrder', { enum: ['Reverse', 'Forward'] }) as
          'Reverse' | 'Forward' | undefined;
        const limit = limitOf(ctx);
        const id = deps.history.resourceId(ctx.accountId, resourceType, resourceId);
        if (id === undefined) {
          throw configError(
            'ResourceNotDiscoveredException',
            `Resource ${resourceId} of resourceType:${resourceType} is unknown or has not been discovered`,
          );
        }
        const items = deps.history.history({
          accountId: ctx.accountId,
          resourceType,
          resourceId: id,
          laterTime,
          earlierTime,
          chronologicalOrder: order ?? 'Reverse',
        });
        const start = pageToken(input.optionalString('nextToken'), items.length);
        const end = Math.min(items.length, start + limit);
        return {
          configurationItems: items.slice(start, end).map(configurationItemJson),
          nextToken: end < items.length ? String(end) : undefined,
        };
      },
    },
  ];
}

export function createConfigProtocol(deps: ConfigProtocolDeps): ProtocolAdapter {
  return createJsonProtocol({
    service: CONFIG_SERVICE,
    targetPrefix: TARGET_PREFIX,
    jsonVersion: '1.1',
    operations: operations(deps),
  });
}
