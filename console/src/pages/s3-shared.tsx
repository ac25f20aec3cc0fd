/** Shared S3 building blocks: a settings panel's save (notice + reload), its action bar, drafts, tags. */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { s3 } from '../api.js';
import { Badge, Button, ErrorBox, Field, Loaded, Notice, useAction, useAsync, type Async } from '../ui.js';
import { doc, sendXml, tagSetXml, type Tag } from './s3-xml.js';

export interface Save extends ReturnType<typeof useAction> {
  /** The success notice of the last save ('' for none). */
  readonly saved: string;
  setSaved(message: string): void;
  /** Runs `f`; on success shows `message` (none when ''), calls `after` and reloads the panel's state. */
  save(f: () => Promise<unknown>, message: string, after?: () => void): void;
}

/** A settings panel's save action: the busy flag and error, the "… saved." notice, the reload after success. */
export function useSave(...reload: readonly Async<unknown>[]): Save {
  const action = useAction();
  const [saved, setSaved] = useState('');
  const save = (f: () => Promise<unknown>, message: string, after?: () => void) =>
    void action
      .run(async () => {
        setSaved('');
        await f();
      })
      .then((ok) => {
        if (ok) {
          setSaved(message);
          after?.();
          for (const s of reload) s.reload();
        }
      });
  return { ...action, saved, setSaved, save };
}

/** The save's error and notice, then the panel's buttons. */
export function SaveBar({ save, children }: { save: Save; children: ComponentChildren }) {
  return (
    <>
      <ErrorBox error={save.error} />
      {save.saved && <Notice kind="success">{save.saved}</Notice>}
      <div class="s3-form-actions">{children}</div>
    </>
  );
}

/** An editable copy of the loaded value, reset whenever it (re)loads. */
export function useDraft<T>(state: Async<T>, initial: T): [T, (v: T) => void] {
  const [draft, setDraft] = useState<T>(initial);
  useEffect(() => {
    if (state.data) setDraft(state.data);
  }, [state.data]);
  return [draft, setDraft];
}

export function EnabledBadge({ on }: { on: boolean }) {
  return on ? <Badge kind="good">Enabled</Badge> : <Badge kind="neutral">Disabled</Badge>;
}

/** Saves a bucket's (key '') or an object's tags; no tags left: DeleteBucketTagging / DeleteObjectTagging. */
export async function putTags(bucket: string, key: string, region: string, draft: readonly Tag[]): Promise<void> {
  const tags = draft.filter((t) => t.key !== '' || t.value !== '');
  if (tags.length === 0) await s3('DELETE', bucket, key, { region, query: { tagging: '' } });
  else await sendXml('PUT', bucket, key, { tagging: '' }, doc('Tagging', tagSetXml(tags)), region);
}

/** Editable Key/Value rows (tags of an object or a bucket). */
export function TagEditor({ tags, onChange }: { tags: Tag[]; onChange: (t: Tag[]) => void }) {
  const set = (i: number, patch: Partial<Tag>) => onChange(tags.map((t, j) => (j === i ? { ...t, ...patch } : t)));
  return (
    <div class="s3-tags">
      {tags.map((t, i) => (
        <div class="s3-tag-row">
          <Field label="Key">
            <input value={t.key} onInput={(e) => set(i, { key: e.currentTarget.value })} />
          </Field>
          <Field label="Value">
            <input value={t.value} onInput={(e) => set(i, { value: e.currentTarget.value })} />
          </Field>
          <Button aria-label={`Remove tag ${t.key || i + 1}`} onClick={() => onChange(tags.filter((_, j) => j !== i))}>
            Remove
          </Button>
        </div>
      ))}
      <Button onClick={() => onChange([...tags, { key: '', value: '' }])}>Add tag</Button>
    </div>
  );
}

/** "Tags" of a bucket (objectKey '') or an object: `intro` (what is saved), the editor, "Save tags". */
export function TagsPanel({
  bucket,
  objectKey,
  region,
  load,
  intro,
}: {
  bucket: string;
  objectKey: string;
  region: string;
  load: () => Promise<Tag[]>;
  intro: (tags: Tag[], draft: Tag[]) => ComponentChildren;
}) {
  const state = useAsync(load, [bucket, objectKey, region]);
  const [draft, setDraft] = useDraft<Tag[]>(state, []);
  const action = useSave(state);
  const save = () => action.save(() => putTags(bucket, objectKey, region, draft), 'Tags saved.');
  return (
    <section class="panel">
      <h2>Tags</h2>
      <Loaded state={state} what="tags">
        {(tags) => (
          <>
            {intro(tags, draft)}
            <TagEditor tags={draft} onChange={setDraft} />
            <SaveBar save={action}>
              <Button kind="primary" onClick={save} disabled={action.busy}>
                Save tags
              </Button>
            </SaveBar>
          </>
        )}
      </Loaded>
    </section>
  );
}
