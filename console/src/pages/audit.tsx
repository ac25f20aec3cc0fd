import { useState } from 'preact/hooks';
import { jsonCall, restJson } from '../api.js';
import type { SectionProps } from '../main.js';
import {
  Badge,
  Button,
  Dialog,
  ErrorBox,
  Field,
  Loaded,
  LoadedTable,
  PageHeader,
  Table,
  formatDate,
  useAction,
  useAsync,
} from '../ui.js';

/**
 * Audit and governance: CloudTrail's event history (LookupEvents), IAM Access Analyzer's findings,
 * AWS Config's configuration history with diffs, and Organizations (accounts, OUs, SCPs and RCPs and
 * where they are attached). Read-only but for archiving findings.
 */
export default function AuditSection({ route }: SectionProps) {
  const [page = 'events'] = route;
  if (page === 'findings') return <Findings />;
  if (page === 'history') return <ConfigHistory />;
  if (page === 'organization') return <Organization />;
  return <EventHistory />;
}

const TRAIL = 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101';

interface TrailEvent {
  EventId: string;
  EventName: string;
  EventTime: number;
  EventSource: string;
  Username?: string;
  ReadOnly?: string;
  CloudTrailEvent: string;
  Resources?: { ResourceType?: string; ResourceName?: string }[];
}

const ATTRIBUTES = [
  'EventName',
  'Username',
  'EventSource',
  'ResourceName',
  'ResourceType',
  'ReadOnly',
  'AccessKeyId',
  'EventId',
] as const;

function EventHistory() {
  const [attribute, setAttribute] = useState<string>('EventName');
  const [value, setValue] = useState('');
  const [applied, setApplied] = useState<{ attribute: string; value: string }>({ attribute: 'EventName', value: '' });
  const [open, setOpen] = useState<TrailEvent | undefined>();
  const events = useAsync(async () => {
    const body: Record<string, unknown> = { MaxResults: 50 };
    if (applied.value !== '')
      body.LookupAttributes = [{ AttributeKey: applied.attribute, AttributeValue: applied.value }];
    return (await jsonCall<{ Events?: TrailEvent[] }>('cloudtrail', `${TRAIL}.LookupEvents`, body)).Events ?? [];
  }, [applied.attribute, applied.value]);
  return (
    <>
      <PageHeader title="Event history">
        <Button onClick={events.reload}>Refresh</Button>
      </PageHeader>
      <form
        class="panel filters"
        aria-label="Filter events"
        onSubmit={(e) => {
          e.preventDefault();
          setApplied({ attribute, value });
        }}
      >
        <div class="grid">
          <Field label="Lookup attribute">
            <select value={attribute} onChange={(e) => setAttribute(e.currentTarget.value)}>
              {ATTRIBUTES.map((a) => (
                <option value={a}>{a}</option>
              ))}
            </select>
          </Field>
          <Field label="Attribute value">
            <input value={value} onInput={(e) => setValue(e.currentTarget.value)} placeholder="e.g. PutBucketPolicy" />
          </Field>
        </div>
        <Button kind="primary" type="submit">
          Apply filter
        </Button>
      </form>
      <LoadedTable
        state={events}
        what="events"
        label="Events"
        empty="No events match."
        columns={[
          {
            title: 'Event name',
            render: (e) => (
              <Button class="link" onClick={() => setOpen(e)}>
                {e.EventName}
              </Button>
            ),
          },
          { title: 'Event time', render: (e) => formatDate(new Date(e.EventTime * 1000).toISOString()) },
          { title: 'User name', render: (e) => e.Username ?? '—' },
          { title: 'Event source', render: (e) => e.EventSource },
          {
            title: 'Resources',
            render: (e) =>
              (e.Resources ?? [])
                .map((r) => r.ResourceName)
                .filter(Boolean)
                .join(', ') || '—',
          },
          { title: 'Error', render: (e) => errorOfEvent(e) ?? '—' },
        ]}
      />
      {open && (
        <Dialog
          title={open.EventName}
          confirmLabel="Close"
          onConfirm={() => setOpen(undefined)}
          onCancel={() => setOpen(undefined)}
        >
          <pre class="event-json">{JSON.stringify(JSON.parse(open.CloudTrailEvent), null, 2)}</pre>
        </Dialog>
      )}
    </>
  );
}

function errorOfEvent(e: TrailEvent): string | undefined {
  try {
    const j = JSON.parse(e.CloudTrailEvent) as { errorCode?: string };
    return j.errorCode;
  } catch {
    return undefined;
  }
}

interface Analyzer {
  arn: string;
  name: string;
  type: string;
  status: string;
}

interface FindingSummary {
  id: string;
  resource?: string;
  resourceType: string;
  status: string;
  findingType?: string;
  updatedAt: string;
}

function Findings() {
  const analyzers = useAsync(
    async () => (await restJson<{ analyzers: Analyzer[] }>('access-analyzer', 'GET', '/analyzer')).analyzers,
    [],
  );
  const [chosen, setChosen] = useState<string | undefined>();
  const [status, setStatus] = useState('ACTIVE');
  return (
    <>
      <PageHeader title="Access findings" />
      <Loaded state={analyzers} what="analyzers">
        {(list) => {
          if (list.length === 0)
            return (
              <p>
                No analyzer yet: create one with <code>aws accessanalyzer create-analyzer</code>, and its findings
                appear here.
              </p>
            );
          const arn = chosen ?? list[0].arn;
          return (
            <>
              <div class="grid">
                <Field label="Analyzer">
                  <select value={arn} onChange={(e) => setChosen(e.currentTarget.value)}>
                    {list.map((a) => (
                      <option value={a.arn}>
                        {a.name} ({a.type})
                      </option>
                    ))}
                  </select>
                </Field>
                <Field label="Status">
                  <select value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
                    {['ACTIVE', 'ARCHIVED', 'RESOLVED'].map((s) => (
                      <option value={s}>{s}</option>
                    ))}
                  </select>
                </Field>
              </div>
              <FindingList analyzerArn={arn} status={status} />
            </>
          );
        }}
      </Loaded>
    </>
  );
}

function FindingList({ analyzerArn, status }: { analyzerArn: string; status: string }) {
  const findings = useAsync(async () => {
    const body = { analyzerArn, maxResults: 100, filter: { status: { eq: [status] } } };
    return (await restJson<{ findings: FindingSummary[] }>('access-analyzer', 'POST', '/findingv2', body)).findings;
  }, [analyzerArn, status]);
  const [detail, setDetail] = useState<Record<string, unknown> | undefined>();
  const action = useAction();
  const show = (id: string) =>
    void action.run(async () =>
      setDetail(
        await restJson('access-analyzer', 'GET', `/findingv2/${encodeURIComponent(id)}`, undefined, { analyzerArn }),
      ),
    );
  const archive = (id: string, to: string) =>
    void action
      .run(() => restJson('access-analyzer', 'PUT', '/finding', { analyzerArn, ids: [id], status: to }))
      .then((ok) => ok && findings.reload());
  return (
    <>
      <ErrorBox error={action.error} />
      <LoadedTable
        state={findings}
        what="findings"
        label="Findings"
        empty="No findings with this status."
        columns={[
          {
            title: 'Resource',
            render: (f) => (
              <Button class="link" onClick={() => show(f.id)}>
                {f.resource ?? f.id}
              </Button>
            ),
          },
          { title: 'Type', render: (f) => f.resourceType },
          { title: 'Finding', render: (f) => f.findingType ?? '—' },
          {
            title: 'Status',
            render: (f) => <Badge kind={f.status === 'ACTIVE' ? 'bad' : 'neutral'}>{f.status}</Badge>,
          },
          { title: 'Updated', render: (f) => formatDate(f.updatedAt) },
          {
            title: 'Action',
            render: (f) =>
              f.status === 'ACTIVE' ? (
                <Button aria-label={`Archive ${f.id}`} onClick={() => archive(f.id, 'ARCHIVED')}>
                  Archive
                </Button>
              ) : f.status === 'ARCHIVED' ? (
                <Button aria-label={`Unarchive ${f.id}`} onClick={() => archive(f.id, 'ACTIVE')}>
                  Unarchive
                </Button>
              ) : null,
          },
        ]}
      />
      {detail && (
        <Dialog
          title="Finding"
          confirmLabel="Close"
          onConfirm={() => setDetail(undefined)}
          onCancel={() => setDetail(undefined)}
        >
          <pre class="event-json">{JSON.stringify(detail, null, 2)}</pre>
        </Dialog>
      )}
    </>
  );
}

const CONFIG = 'StarlingDoveService';
const RESOURCE_TYPES = [
  'AWS::S3::Bucket',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::IAM::Role',
  'AWS::IAM::Policy',
  'AWS::KMS::Key',
];

interface ConfigItem {
  configurationItemCaptureTime: number;
  configurationItemStatus: string;
  resourceName?: string;
  configuration?: string;
  supplementaryConfiguration?: Record<string, string>;
}

function ConfigHistory() {
  const [type, setType] = useState(RESOURCE_TYPES[0]);
  const [id, setId] = useState('');
  const [asked, setAsked] = useState<{ type: string; id: string } | undefined>();
  const history = useAsync(async () => {
    if (!asked) return undefined;
    const r = await jsonCall<{ configurationItems?: ConfigItem[] }>('config', `${CONFIG}.GetResourceConfigHistory`, {
      resourceType: asked.type,
      resourceId: asked.id,
      limit: 20,
    });
    return r.configurationItems ?? [];
  }, [asked?.type, asked?.id]);
  return (
    <>
      <PageHeader title="Configuration history" />
      <form
        class="panel"
        aria-label="Resource"
        onSubmit={(e) => {
          e.preventDefault();
          setAsked({ type, id });
        }}
      >
        <div class="grid">
          <Field label="Resource type">
            <select value={type} onChange={(e) => setType(e.currentTarget.value)}>
              {RESOURCE_TYPES.map((t) => (
                <option value={t}>{t}</option>
              ))}
            </select>
          </Field>
          <Field label="Resource ID" hint="A bucket name; the unique id of a user, group, role or policy; a key id.">
            <input value={id} onInput={(e) => setId(e.currentTarget.value)} />
          </Field>
        </div>
        <Button kind="primary" type="submit">
          Show history
        </Button>
      </form>
      {asked && (
        <Loaded state={history} what="the history">
          {(items) =>
            items === undefined || items.length === 0 ? (
              <p>No configuration recorded for this resource.</p>
            ) : (
              <Timeline items={items} />
            )
          }
        </Loaded>
      )}
    </>
  );
}

/** Newest first; each configuration beside the one before it, changed lines marked. */
function Timeline({ items }: { items: ConfigItem[] }) {
  const pretty = (i: ConfigItem | undefined) =>
    i
      ? JSON.stringify({ configuration: parse(i.configuration), supplementary: i.supplementaryConfiguration }, null, 2)
      : '';
  return (
    <>
      {items.map((item, n) => (
        <section class="panel">
          <h2>
            {formatDate(new Date(item.configurationItemCaptureTime * 1000).toISOString())}{' '}
            <Badge kind="neutral">{item.configurationItemStatus}</Badge>
          </h2>
          <LineDiff before={pretty(items[n + 1])} after={pretty(item)} />
        </section>
      ))}
    </>
  );
}

function parse(s: string | undefined): unknown {
  if (s === undefined) return undefined;
  try {
    return JSON.parse(s);
  } catch {
    return s;
  }
}

/** Two texts side by side: lines only in the left are removed, only in the right added. */
export function LineDiff({ before, after }: { before: string; after: string }) {
  const a = before.split('\n');
  const b = after.split('\n');
  const inB = new Set(b);
  const inA = new Set(a);
  return (
    <div class="diff" aria-label="Changes">
      <pre aria-label="Before">
        {a.map((l) => (
          <div class={inB.has(l) ? '' : 'del'}>{l || ' '}</div>
        ))}
      </pre>
      <pre aria-label="After">
        {b.map((l) => (
          <div class={inA.has(l) ? '' : 'add'}>{l || ' '}</div>
        ))}
      </pre>
    </div>
  );
}

const ORGS = 'AWSOrganizationsV20161128';

interface OrgAccount {
  Id: string;
  Name: string;
  Email: string;
  Status?: string;
}

interface OrgPolicy {
  Id: string;
  Name: string;
  Type: string;
  Description?: string;
}

function Organization() {
  const org = useAsync(async () => {
    const { Organization } = await jsonCall<{
      Organization: { Id: string; MasterAccountId: string; FeatureSet: string };
    }>('organizations', `${ORGS}.DescribeOrganization`);
    const { Accounts = [] } = await jsonCall<{ Accounts?: OrgAccount[] }>('organizations', `${ORGS}.ListAccounts`);
    const { Roots = [] } = await jsonCall<{ Roots?: { Id: string; Name: string }[] }>(
      'organizations',
      `${ORGS}.ListRoots`,
    );
    const policies: (OrgPolicy & { targets: string[] })[] = [];
    for (const filter of ['SERVICE_CONTROL_POLICY', 'RESOURCE_CONTROL_POLICY']) {
      const listed = await jsonCall<{ Policies?: OrgPolicy[] }>('organizations', `${ORGS}.ListPolicies`, {
        Filter: filter,
      }).catch(() => ({ Policies: [] }));
      for (const p of listed.Policies ?? []) {
        const { Targets = [] } = await jsonCall<{ Targets?: { Name: string; Type: string }[] }>(
          'organizations',
          `${ORGS}.ListTargetsForPolicy`,
          { PolicyId: p.Id },
        );
        policies.push({
          ...p,
          Type: filter === 'SERVICE_CONTROL_POLICY' ? 'SCP' : 'RCP',
          targets: Targets.map((t) => `${t.Name} (${t.Type})`),
        });
      }
    }
    const units: { Id: string; Name: string; Parent: string }[] = [];
    const walk = async (parent: string, depth: number) => {
      if (depth > 5) return;
      const { OrganizationalUnits = [] } = await jsonCall<{ OrganizationalUnits?: { Id: string; Name: string }[] }>(
        'organizations',
        `${ORGS}.ListOrganizationalUnitsForParent`,
        { ParentId: parent },
      );
      for (const ou of OrganizationalUnits) {
        units.push({ ...ou, Parent: parent });
        await walk(ou.Id, depth + 1);
      }
    };
    for (const r of Roots) await walk(r.Id, 0);
    return { organization: Organization, accounts: Accounts, roots: Roots, units, policies };
  }, []);
  return (
    <>
      <PageHeader title="Organization" />
      <Loaded state={org} what="the organization">
        {(o) => (
          <>
            <section class="panel">
              <h2>Organization {o.organization.Id}</h2>
              <dl class="kv grid">
                <div>
                  <dt>Management account</dt>
                  <dd>{o.organization.MasterAccountId}</dd>
                </div>
                <div>
                  <dt>Feature set</dt>
                  <dd>{o.organization.FeatureSet}</dd>
                </div>
                <div>
                  <dt>Organizational units</dt>
                  <dd>{o.units.length === 0 ? 'none' : o.units.map((u) => u.Name).join(', ')}</dd>
                </div>
              </dl>
            </section>
            <h2>Accounts</h2>
            <Table
              label="Accounts"
              empty="No accounts."
              rows={o.accounts}
              columns={[
                { title: 'Name', render: (a) => a.Name },
                { title: 'Account ID', render: (a) => a.Id },
                { title: 'E-mail', render: (a) => a.Email },
                { title: 'Status', render: (a) => a.Status ?? '—' },
              ]}
            />
            <h2>Policies</h2>
            <Table
              label="Organization policies"
              empty="No service or resource control policies."
              rows={o.policies}
              columns={[
                { title: 'Name', render: (p) => p.Name },
                { title: 'Type', render: (p) => p.Type },
                { title: 'Attached to', render: (p) => p.targets.join(', ') || '—' },
                { title: 'Description', render: (p) => p.Description ?? '' },
              ]}
            />
          </>
        )}
      </Loaded>
    </>
  );
}
