/** `#/s3/buckets/<bucket>[/<prefix>]`: one bucket, its tabs Objects, Properties and Permissions. */
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { s3, type SessionInfo } from '../api.js';
import { link } from '../router.js';
import { Loaded, PageHeader, Tabs, useAsync } from '../ui.js';
import { ObjectsTab } from './s3-objects.js';
import { PermissionsTab } from './s3-permissions.js';
import { PropertiesTab } from './s3-properties.js';

/** GetBucketLocation answers `<LocationConstraint>region</LocationConstraint>`: read the root's text. */
export async function locationOf(bucket: string): Promise<string> {
  const res = await s3('GET', bucket, '', { query: { location: '' } });
  const text = await res.text();
  const d = new DOMParser().parseFromString(text, 'application/xml');
  const region = d.documentElement?.textContent?.trim() ?? '';
  return region === '' ? 'us-east-1' : region === 'EU' ? 'eu-west-1' : region;
}

export function useBucketRegion(bucket: string) {
  return useAsync(() => locationOf(bucket), [bucket]);
}

/** `Buckets › bucket › a › b ›` with every level but the last a link. */
export function Breadcrumbs({ bucket, prefix, last }: { bucket: string; prefix: string; last?: string }) {
  const parts = prefix.split('/').filter((p) => p !== '');
  const items: ComponentChildren[] = [<a href={link('s3', 'buckets')}>Buckets</a>];
  const atBucket = parts.length === 0 && last === undefined;
  items.push(atBucket ? <span>{bucket}</span> : <a href={link('s3', 'buckets', bucket)}>{bucket}</a>);
  parts.forEach((p, i) => {
    const isLast = i === parts.length - 1 && last === undefined;
    const to = parts.slice(0, i + 1).join('/') + '/';
    items.push(isLast ? <span>{p}</span> : <a href={link('s3', 'buckets', bucket, to)}>{p}</a>);
  });
  if (last !== undefined) items.push(<span>{last}</span>);
  return (
    <nav class="breadcrumbs" aria-label="Breadcrumbs">
      {items.map((it, i) => (
        <>
          {i > 0 && ' › '}
          {it}
        </>
      ))}
      {parts.length > 0 && last === undefined && ' ›'}
    </nav>
  );
}

type Tab = 'objects' | 'properties' | 'permissions';

export function BucketPage({ bucket, prefix, session }: { bucket: string; prefix: string; session: SessionInfo }) {
  const region = useBucketRegion(bucket);
  const [tab, setTab] = useState<Tab>('objects');
  void session;
  return (
    <>
      <Breadcrumbs bucket={bucket} prefix={prefix} />
      <PageHeader title={prefix === '' ? bucket : prefix.split('/').filter(Boolean).pop()! + '/'}>
        {region.data && <span class="s3-region">Region: {region.data}</span>}
      </PageHeader>
      <Loaded state={region} what="the bucket">
        {(r) => (
          <>
            <Tabs<Tab>
              tabs={[
                ['objects', 'Objects'],
                ['properties', 'Properties'],
                ['permissions', 'Permissions'],
              ]}
              current={tab}
              onSelect={setTab}
            />
            {tab === 'objects' && <ObjectsTab bucket={bucket} region={r} prefix={prefix} />}
            {tab === 'properties' && <PropertiesTab bucket={bucket} region={r} />}
            {tab === 'permissions' && <PermissionsTab bucket={bucket} region={r} />}
          </>
        )}
      </Loaded>
    </>
  );
}
