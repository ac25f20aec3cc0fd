/** Events as the recorder hands them to the store (tests): rendered, with the trails that selected them. */
import type { RecordedEvent } from '../audit-ports.js';
import type { CloudTrailEvent } from '../cloudtrail-event.js';

export function recorded(events: readonly CloudTrailEvent[], trails: readonly string[] = []): RecordedEvent[] {
  return events.map((event) => ({ event, json: JSON.stringify(event), trails }));
}
