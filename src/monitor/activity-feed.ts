// Intake of the Office 365 Management Activity webhook: answers the validation handshake, checks Webhook-AuthID,
// and for each content notification fetches the blob, keeps the Power Platform records and posts the interesting
// ones to the notifications channel. Each blob is handled once (its contentId is remembered in the same
// transaction as the posts). Anything that fails answers 500, so the feed delivers the notification again.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Store } from '../requests/ports/store.js';
import type { ContentNotification, ManagementActivityClient } from '../tenant/live/management-activity-client.js';
import { activityEvent } from './activity-records.js';
import { type EventFilter, type GovernanceEvent, keepEvent } from './events.js';
import { postEvents } from './monitor.js';

export interface ActivityFeedOptions {
  store: Store;
  client: ManagementActivityClient;
  /** Expected Webhook-AuthID; without one every call is refused. */
  authId: string | undefined;
  clock: () => Date;
  filter: EventFilter;
  onError?: (error: unknown) => void;
}

export interface FeedAnswer {
  status: number;
  body?: unknown;
}

export interface FeedIntakeResult {
  blobs: number;
  duplicates: number;
  records: number;
  posted: GovernanceEvent[];
}

const refuse = (status: number, code: string, message: string): FeedAnswer => ({
  status,
  body: { error: { code, message } },
});

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ActivityFeedIntake {
  /** The last notification batch's outcome (tests and logs). */
  last: FeedIntakeResult | undefined;

  constructor(private readonly options: ActivityFeedOptions) {}

  async handle(headers: IncomingHttpHeaders, body: unknown): Promise<FeedAnswer> {
    const expected = this.options.authId;
    if (!expected)
      return refuse(503, 'NotConfigured', 'The activity feed webhook is not configured (ACTIVITY_FEED_AUTH_ID).');
    const given = header(headers, 'Webhook-AuthID');
    if (!given || !sameSecret(given, expected))
      return refuse(401, 'Unauthorized', 'Webhook-AuthID is missing or wrong.');

    if (body && typeof body === 'object' && !Array.isArray(body) && 'validationCode' in body) return { status: 200 };
    if (!Array.isArray(body)) return refuse(400, 'BadNotification', 'Expected an array of content notifications.');
    const notifications = body.filter(isNotification);
    if (notifications.length !== body.length)
      return refuse(400, 'BadNotification', 'A content notification is malformed.');
    const { client } = this.options;
    if (
      notifications.some(
        (n) => !client.owns(n.contentUri) || (n.tenantId && n.tenantId.toLowerCase() !== client.tenantId.toLowerCase()),
      )
    )
      return refuse(400, 'BadNotification', 'A content notification names another tenant or host.');
    try {
      this.last = await this.ingest(notifications);
      return { status: 200 };
    } catch (error) {
      this.options.onError?.(error);
      return refuse(500, 'IntakeFailed', 'The content could not be processed; deliver it again later.');
    }
  }

  async ingest(notifications: ContentNotification[]): Promise<FeedIntakeResult> {
    const { store, client, clock, filter } = this.options;
    const result: FeedIntakeResult = { blobs: 0, duplicates: 0, records: 0, posted: [] };
    for (const n of notifications) {
      const key = `activity-feed:content:${n.contentId}`;
      if ((n.tenantId && n.tenantId.toLowerCase() !== client.tenantId.toLowerCase()) || !client.owns(n.contentUri))
        throw new Error(`notification for another tenant or host: ${n.contentId}`);
      if ((await store.kv.get(key)) !== undefined) {
        result.duplicates++;
        continue;
      }
      const records = await client.fetchContent(n.contentUri);
      const events = records
        .map(activityEvent)
        .filter((e): e is GovernanceEvent => e !== undefined)
        .filter((e) => keepEvent(e, filter, () => undefined));
      const fresh = await store.transaction(async (s) => {
        if (!(await s.kv.setIfAbsent(key, { at: clock().toISOString(), records: records.length }))) return false;
        await postEvents(s, events, `activity:${n.contentId}`, clock(), (id) => id);
        return true;
      });
      if (!fresh) {
        result.duplicates++;
        continue;
      }
      result.blobs++;
      result.records += records.length;
      result.posted.push(...events);
    }
    return result;
  }
}

function isNotification(x: unknown): x is ContentNotification {
  const n = x as Partial<ContentNotification> | null;
  return (
    !!n &&
    typeof n === 'object' &&
    typeof n.contentId === 'string' &&
    n.contentId.length > 0 &&
    n.contentId.length < 300 &&
    typeof n.contentUri === 'string'
  );
}
