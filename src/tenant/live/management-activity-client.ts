// Office 365 Management Activity API (manage.office.com): start a subscription (with a webhook), list content,
// fetch content blobs. Tokens for https://manage.office.com (ActivityFeed.Read). Only URLs under the configured
// base ever get a token, so a forged contentUri in a webhook notification cannot pull a token elsewhere.
import type { Config } from '../../config/config.js';
import { createTokenProvider, type TenantAdminConfig } from './create-live-tenant-admin.js';
import { HttpClient, type HttpResponse, withQuery } from './http-client.js';
import { UnknownApiHostError } from './scopes.js';
import type { TokenProvider } from './token-provider.js';

export const MANAGE_SCOPE = 'https://manage.office.com/.default';

export interface ActivityWebhook {
  address: string;
  authId?: string | undefined;
  expiration?: string | undefined;
}

export interface ActivitySubscription {
  contentType: string;
  status: string;
  webhook?: { status?: string; address?: string; authId?: string; expiration?: string | null } | null;
}

export interface ContentNotification {
  tenantId?: string;
  clientId?: string;
  contentType: string;
  contentId: string;
  contentUri: string;
  contentCreated?: string;
  contentExpiration?: string;
}

/** One audit record as the feed serves it (common schema; Power Platform records add their own fields). */
export type ActivityRecord = Record<string, unknown> & {
  Id?: string;
  RecordType?: number;
  CreationTime?: string;
  Operation?: string;
  UserId?: string;
  Workload?: string;
};

export class ManagementActivityClient {
  private readonly root: string;

  constructor(
    private readonly http: HttpClient,
    baseUrl: string,
    readonly tenantId: string,
  ) {
    this.root = `${baseUrl.replace(/\/+$/, '')}/api/v1.0/${encodeURIComponent(tenantId)}/activity/feed`;
  }

  /**
   * PublisherIdentifier (the tenant GUID of whoever writes the code) goes on every call: without it requests share
   * one throttling quota with everyone else who leaves it out.
   */
  private publisher(query: Record<string, string | undefined> = {}): Record<string, string | undefined> {
    return { ...query, PublisherIdentifier: this.tenantId };
  }

  /** Starts (or updates) a subscription. Another start within 15 minutes may be refused with AF429: list first. */
  async startSubscription(contentType: string, webhook?: ActivityWebhook): Promise<ActivitySubscription> {
    const response = await this.http.request<ActivitySubscription>('POST', `${this.root}/subscriptions/start`, {
      query: this.publisher({ contentType }),
      body: webhook ? { webhook } : undefined,
    });
    return response.body as ActivitySubscription;
  }

  listSubscriptions(): Promise<ActivitySubscription[]> {
    return this.http.list<ActivitySubscription>(`${this.root}/subscriptions/list`, { query: this.publisher() });
  }

  /**
   * Available content blobs. A long listing is cut into pages, the next one named by the NextPageUri response
   * header (not in the body): every page is read until a response has none.
   */
  async listContent(contentType: string, startTime?: string, endTime?: string): Promise<ContentNotification[]> {
    const items: ContentNotification[] = [];
    const seen = new Set<string>();
    let url: string | undefined = withQuery(
      `${this.root}/subscriptions/content`,
      this.publisher({ contentType, startTime, endTime }),
    );
    while (url) {
      if (seen.has(url)) throw new Error('Paging loop in the activity content listing');
      seen.add(url);
      const response: HttpResponse<ContentNotification[]> = await this.http.request('GET', url);
      if (Array.isArray(response.body)) items.push(...response.body);
      const next = response.headers.get('NextPageUri');
      url = next ? this.withPublisher(new URL(next, url).toString()) : undefined;
    }
    return items;
  }

  /** A service-given URL with PublisherIdentifier added when it lacks one. */
  private withPublisher(url: string): string {
    return /[?&]PublisherIdentifier=/i.test(url) ? url : withQuery(url, { PublisherIdentifier: this.tenantId });
  }

  /** The records of one content blob. The URI must be under this client's base URL. */
  async fetchContent(contentUri: string): Promise<ActivityRecord[]> {
    if (!this.owns(contentUri)) throw new UnknownApiHostError(contentUri);
    const body = await this.http.get<unknown>(this.withPublisher(contentUri));
    return Array.isArray(body) ? (body as ActivityRecord[]) : [];
  }

  owns(url: string): boolean {
    return url.toLowerCase().startsWith(`${this.root.toLowerCase()}/`);
  }
}

export interface ManagementClientOptions {
  simulatorUrl?: string | undefined;
  tokenProvider?: TokenProvider | undefined;
  sleep?: ((ms: number) => Promise<void>) | undefined;
}

export function createManagementActivityClient(
  config: TenantAdminConfig & Pick<Config, 'MANAGE_BASE_URL'>,
  options: ManagementClientOptions = {},
): ManagementActivityClient {
  const base = options.simulatorUrl ? `${options.simulatorUrl.replace(/\/+$/, '')}/manage` : config.MANAGE_BASE_URL;
  const lowerBase = base.replace(/\/+$/, '').toLowerCase();
  const http = new HttpClient({
    tokens: options.tokenProvider ?? createTokenProvider(config, options.simulatorUrl),
    scopeFor: (url) => {
      if (url.toLowerCase().startsWith(`${lowerBase}/`)) return MANAGE_SCOPE;
      throw new UnknownApiHostError(url);
    },
    maxRetries: config.HTTP_MAX_RETRIES,
    sleep: options.sleep,
    userAgent: 'power-platform-governance-bot',
  });
  return new ManagementActivityClient(http, base, config.TENANT_ID);
}
