// The simulated Office 365 Management Activity feed (manage.office.com): subscriptions per content type with an
// optional webhook, content blobs of audit records, and notifications POSTed to the webhook, as the real service
// does. Tests publish records with publish(); the feed stores a blob and notifies the subscribed webhook.
import { newGuid } from './ids.js';

export const CONTENT_TYPES = [
  'Audit.AzureActiveDirectory',
  'Audit.Exchange',
  'Audit.SharePoint',
  'Audit.General',
  'DLP.All',
] as const;

export interface FeedWebhook {
  address: string;
  authId?: string | undefined;
  expiration?: string | null | undefined;
}

export interface FeedSubscription {
  contentType: string;
  status: 'enabled' | 'disabled';
  webhook?: (FeedWebhook & { status: 'enabled' | 'disabled' }) | undefined;
}

export interface FeedContent {
  contentType: string;
  contentId: string;
  contentCreated: string;
  contentExpiration: string;
  records: Record<string, unknown>[];
}

export interface NotificationDelivery {
  contentId: string;
  address: string;
  status: number | 'network-error';
}

export class ActivityFeedState {
  readonly subscriptions = new Map<string, FeedSubscription>();
  readonly contents: FeedContent[] = [];
  /** Every webhook call the feed made (validation and notifications), for assertions. */
  readonly deliveries: NotificationDelivery[] = [];
  /** The simulator's base URL, learnt from the first request (content URIs point back at it). */
  baseUrl = '';
  /** Content blobs per page of a listing (more come through the NextPageUri header). */
  contentPageSize = 100;
  /** When the last subscription start succeeded (epoch ms), for the 15-minute AF429 rule. */
  lastStartAt: number | undefined = undefined;

  constructor(
    private readonly tenantId: string,
    private readonly clock: () => Date,
  ) {}

  contentUri(contentId: string): string {
    return `${this.baseUrl}/manage/api/v1.0/${this.tenantId}/activity/feed/audit/${contentId}`;
  }

  /**
   * Stores the records as one content blob and, when the content type has an enabled webhook, POSTs the
   * notification to it (Webhook-AuthID header). Returns the blob id and the webhook's HTTP status.
   */
  async publish(
    records: Record<string, unknown>[],
    contentType = 'Audit.General',
  ): Promise<{ contentId: string; status?: number | 'network-error' }> {
    const created = this.clock();
    const contentId = `${created.toISOString().replace(/\D/g, '').slice(0, 14)}$${newGuid()}$${contentType.replace('.', '_')}$na0001`;
    this.contents.push({
      contentType,
      contentId,
      contentCreated: created.toISOString(),
      contentExpiration: new Date(created.getTime() + 7 * 86_400_000).toISOString(),
      records,
    });
    const webhook = this.subscriptions.get(contentType)?.webhook;
    if (webhook?.status !== 'enabled') return { contentId };
    const status = await this.notify(webhook, [this.notification(contentId)]);
    this.deliveries.push({ contentId, address: webhook.address, status });
    return { contentId, status };
  }

  notification(contentId: string): Record<string, unknown> {
    const c = this.contents.find((x) => x.contentId === contentId);
    return {
      tenantId: this.tenantId,
      clientId: newGuid(),
      contentType: c?.contentType,
      contentId,
      contentUri: this.contentUri(contentId),
      contentCreated: c?.contentCreated,
      contentExpiration: c?.contentExpiration,
    };
  }

  /** The validation call made when a webhook is registered: 200 is required for the subscription to take it. */
  async validate(webhook: FeedWebhook): Promise<number | 'network-error'> {
    const code = newGuid();
    const status = await post(
      webhook.address,
      { validationCode: code },
      {
        'Webhook-ValidationCode': code,
        ...(webhook.authId ? { 'Webhook-AuthID': webhook.authId } : {}),
      },
    );
    this.deliveries.push({ contentId: '(validation)', address: webhook.address, status });
    return status;
  }

  private notify(webhook: FeedWebhook, body: unknown[]): Promise<number | 'network-error'> {
    return post(webhook.address, body, webhook.authId ? { 'Webhook-AuthID': webhook.authId } : {});
  }
}

async function post(url: string, body: unknown, headers: Record<string, string>): Promise<number | 'network-error'> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 'network-error';
  }
}
