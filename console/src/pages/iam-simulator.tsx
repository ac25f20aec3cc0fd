import { useState } from 'preact/hooks';
import { iam, iamAll, members, str, type Xml } from '../api.js';
import { Badge, Button, ErrorBox, Field, Loaded, PageHeader, Table, useAction, useAsync } from '../ui.js';

/** Policy simulator: SimulatePrincipalPolicy for a user or role, with the statements that decided. */

export function Simulator() {
  const principals = useAsync(async () => {
    const [users, roles] = await Promise.all([iamAll('ListUsers', 'Users'), iamAll('ListRoles', 'Roles')]);
    return [
      ...users.map((u) => ({ kind: 'User', name: str(u.UserName), arn: str(u.Arn) })),
      ...roles.map((r) => ({ kind: 'Role', name: str(r.RoleName), arn: str(r.Arn) })),
    ];
  }, []);
  const [principal, setPrincipal] = useState('');
  const [actions, setActions] = useState('s3:GetObject');
  const [resource, setResource] = useState('*');
  const [results, setResults] = useState<Xml[] | undefined>();
  const act = useAction();
  const run = () =>
    void act.run(async () => {
      const names = actions
        .split(',')
        .map((a) => a.trim())
        .filter((a) => a !== '');
      const params: Record<string, string> = {
        PolicySourceArn: principal,
        'ResourceArns.member.1': resource.trim() || '*',
      };
      names.forEach((a, i) => (params[`ActionNames.member.${i + 1}`] = a));
      const out: Xml[] = [];
      let marker: string | undefined;
      do {
        const r = await iam('SimulatePrincipalPolicy', { ...params, Marker: marker });
        out.push(...members(r.EvaluationResults));
        marker = str(r.IsTruncated) === 'true' ? str(r.Marker) : undefined;
      } while (marker);
      setResults(out);
    });
  return (
    <>
      <PageHeader title="Policy simulator" />
      <section class="panel">
        <h2>Simulate</h2>
        <Loaded state={principals} what="users and roles">
          {(ps) => (
            <Field label="Principal">
              <select value={principal} onChange={(e) => setPrincipal(e.currentTarget.value)}>
                <option value="">Choose a user or role</option>
                {ps.map((p) => (
                  <option value={p.arn}>
                    {p.kind}: {p.name} ({p.arn})
                  </option>
                ))}
              </select>
            </Field>
          )}
        </Loaded>
        <Field label="Actions" hint="Comma-separated, e.g. s3:GetObject, s3:PutObject">
          <input value={actions} onInput={(e) => setActions(e.currentTarget.value)} />
        </Field>
        <Field label="Resource ARN">
          <input value={resource} onInput={(e) => setResource(e.currentTarget.value)} />
        </Field>
        <ErrorBox error={act.error} />
        <Button kind="primary" disabled={act.busy || principal === '' || actions.trim() === ''} onClick={run}>
          {act.busy ? 'Running…' : 'Run simulation'}
        </Button>
      </section>
      {results && (
        <section class="panel">
          <h2>Results</h2>
          <Table
            label="Simulation results"
            empty="No results."
            rows={results}
            columns={[
              { title: 'Action', render: (r) => <code>{str(r.EvalActionName)}</code> },
              { title: 'Resource', render: (r) => <code>{str(r.EvalResourceName)}</code> },
              {
                title: 'Decision',
                render: (r) => {
                  const d = str(r.EvalDecision);
                  return (
                    <Badge kind={d === 'allowed' ? 'good' : 'bad'}>
                      {d === 'allowed' ? 'Allowed' : d === 'explicitDeny' ? 'Denied (explicit)' : 'Denied (implicit)'}
                    </Badge>
                  );
                },
              },
              {
                title: 'Decided by',
                render: (r) => {
                  const ms = members(r.MatchedStatements);
                  if (ms.length === 0)
                    return str(r.EvalDecision) === 'implicitDeny' ? 'No statement allows this action' : '—';
                  return (
                    <ul class="plain">
                      {ms.map((m) => {
                        const line = str((m.StartPosition as Xml | undefined)?.Line);
                        return (
                          <li>
                            {str(m.SourcePolicyId)}
                            {str(m.SourcePolicyType) && <span class="muted"> ({str(m.SourcePolicyType)})</span>}
                            {line && `, line ${line}`}
                          </li>
                        );
                      })}
                    </ul>
                  );
                },
              },
            ]}
          />
        </section>
      )}
    </>
  );
}
