/**
 * The delivery log's lines (issue #16). Trails select an event once, when it is recorded (as CloudTrail
 * applies a trail's selectors to events as they happen); the event is stored once, rendered, behind a
 * short header naming the trails that deliver it and what delivery groups and dates files by. Delivery
 * then copies the rendered JSON into log files without parsing a single event.
 *
 *   <trail key>[ <trail key>...] TAB <awsRegion> TAB <eventTime> TAB <event JSON> LF
 *
 * JSON.stringify escapes tab and line feed inside strings and emits no whitespace between tokens, so
 * neither character occurs in the JSON; a trail key is `<account id>/<trail name>`, and trail names
 * are letters, digits, `.`, `_` and `-` (trail-names.ts).
 */
import type { RecordedEvent, TrailRecord } from './audit-ports.js';

/** A trail's name in the delivery log. */
export function trailKey(trail: Pick<TrailRecord, 'accountId' | 'name'>): string {
  return `${trail.accountId}/${trail.name}`;
}

export function deliveryLine(recorded: RecordedEvent): string {
  const e = recorded.event;
  return `${recorded.trails.join(' ')}\t${e.awsRegion}\t${e.eventTime}\t${recorded.json}\n`;
}

/** One event a trail delivers: its Region and time (from the header) and its JSON, as recorded. */
export interface DeliveryEntry {
  readonly region: string;
  readonly eventTime: string;
  readonly json: string;
}

/** The entries of `lines` (whole lines, as deliveryLine wrote them) that the trail named `key` delivers. */
export function deliveryEntries(lines: string, key: string): DeliveryEntry[] {
  const out: DeliveryEntry[] = [];
  for (let at = 0; at < lines.length;) {
    const end = lines.indexOf('\n', at);
    const stop = end === -1 ? lines.length : end;
    const keysEnd = lines.indexOf('\t', at);
    if (keysEnd !== -1 && keysEnd < stop && namesKey(lines.slice(at, keysEnd), key)) {
      const regionEnd = lines.indexOf('\t', keysEnd + 1);
      const timeEnd = lines.indexOf('\t', regionEnd + 1);
      out.push({ region: lines.slice(keysEnd + 1, regionEnd), eventTime: lines.slice(regionEnd + 1, timeEnd),
        json: lines.slice(timeEnd + 1, stop) });
    }
    at = stop + 1;
  }
  return out;
}

/** Whether the space-separated keys include `key`. */
function namesKey(keys: string, key: string): boolean {
  return keys === key || keys.split(' ').includes(key);
}

/** How many events a batch of lines holds. */
export function lineCount(lines: string): number {
  let n = 0;
  for (let at = lines.indexOf('\n'); at !== -1; at = lines.indexOf('\n', at + 1)) n++;
  return n;
}
