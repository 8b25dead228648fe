import { CONTENT_TYPES, type FeedSubscription } from '../activity-feed.js';
import { HttpError } from '../errors.js';
import { sameId } from '../ids.js';
import {
  isRecord,
  jsonBody,
  type RequestContext,
  type RouteOptions,
  type Router,
  type SimResponse,
} from '../router.js';

/**
 * Office 365 Management Activity API under `/manage` (https://manage.office.com):
 * `/api/v1.0/{tenantId}/activity/feed/subscriptions/{start|stop|list|content}` and content blobs at
 * `/api/v1.0/{tenantId}/activity/feed/audit/{contentId}`. Tokens must be for https://manage.office.com.
 */

const MANAGE: RouteOptions = { family: 'arm', audiences: () => ['https://manage.office.com'] };
const ROOT = '/manage/api/v1.0/:tenantId/activity/feed';
/** The wait the reference asks for between two subscription starts. */
const START_COOLDOWN_MS = 15 * 60_000;

function feedOf(ctx: RequestContext) {
  if (!sameId(ctx.params['tenantId']!, ctx.state.tenant.id) || !sameId(ctx.token?.tid ?? '', ctx.state.tenant.id))
    throw new HttpError(
      401,
      'AF10001',
      'The permission set () sent in the request does not include the expected permission; the tenant in the URL does not match the token.',
    );
  const feed = ctx.state.activityFeed;
  feed.baseUrl ||= ctx.baseUrl;
  return feed;
}

function contentTypeOf(ctx: RequestContext): string {
  const contentType = ctx.query.get('contentType') ?? '';
  if (!(CONTENT_TYPES as readonly string[]).includes(contentType))
    throw new HttpError(400, 'AF20020', `The specified content type is not valid: '${contentType}'.`);
  return contentType;
}

async function start(ctx: RequestContext): Promise<SimResponse> {
  const feed = feedOf(ctx);
  const contentType = contentTypeOf(ctx);
  const body = jsonBody(ctx);
  const webhook = isRecord(body) && isRecord(body.webhook) ? body.webhook : undefined;
  // A start within 15 minutes of the previous one is refused (the reference asks callers to wait 15 minutes).
  const now = ctx.state.clock().getTime();
  if (feed.lastStartAt !== undefined && now - feed.lastStartAt < START_COOLDOWN_MS)
    throw new HttpError(
      429,
      'AF429',
      `Too many requests. Method=POST, PublisherId=${ctx.query.get('PublisherIdentifier') ?? ''}`,
    );
  const existing = feed.subscriptions.get(contentType);
  if (!webhook && existing?.status === 'enabled')
    throw new HttpError(400, 'AF20024', 'The subscription is already enabled. No property change.');
  let hook: FeedSubscription['webhook'];
  if (webhook) {
    const address = typeof webhook.address === 'string' ? webhook.address : '';
    if (!/^https?:\/\//.test(address))
      throw new HttpError(
        400,
        'AF20021',
        `The webhook endpoint {${address}} could not be validated. The address must begin with HTTPS.`,
      );
    const authId = typeof webhook.authId === 'string' ? webhook.authId : undefined;
    const status = await feed.validate({ address, authId });
    if (status !== 200)
      throw new HttpError(
        400,
        'AF20021',
        `The webhook endpoint {${address}} could not be validated. The endpoint did not return HTTP 200 (it answered ${status}).`,
      );
    hook = { address, authId, expiration: null, status: 'enabled' };
  }
  const subscription = { contentType, status: 'enabled' as const, webhook: hook ?? existing?.webhook };
  feed.subscriptions.set(contentType, subscription);
  feed.lastStartAt = now;
  return { status: 200, body: { ...subscription, webhook: subscription.webhook ?? null } };
}

function stop(ctx: RequestContext): SimResponse {
  const feed = feedOf(ctx);
  const contentType = contentTypeOf(ctx);
  const existing = feed.subscriptions.get(contentType);
  if (!existing) throw new HttpError(400, 'AF20022', 'No subscription found for the specified content type.');
  feed.subscriptions.set(contentType, { ...existing, status: 'disabled' });
  return { status: 200 };
}

function list(ctx: RequestContext): SimResponse {
  const feed = feedOf(ctx);
  return { status: 200, body: [...feed.subscriptions.values()].map((s) => ({ ...s, webhook: s.webhook ?? null })) };
}

function content(ctx: RequestContext): SimResponse {
  const feed = feedOf(ctx);
  const contentType = contentTypeOf(ctx);
  if (feed.subscriptions.get(contentType)?.status !== 'enabled')
    throw new HttpError(400, 'AF20022', 'No subscription found for the specified content type.');
  const startTime = ctx.query.get('startTime');
  const endTime = ctx.query.get('endTime');
  const all = feed.contents
    .filter((c) => c.contentType === contentType)
    .filter(
      (c) =>
        (!startTime || c.contentCreated >= new Date(startTime).toISOString()) &&
        (!endTime || c.contentCreated < new Date(endTime).toISOString()),
    )
    .map((c) => ({
      contentType: c.contentType,
      contentId: c.contentId,
      contentUri: feed.contentUri(c.contentId),
      contentCreated: c.contentCreated,
      contentExpiration: c.contentExpiration,
    }));
  // Long listings are cut into pages; the next page is named by a NextPageUri header, not in the body.
  const offset = Number(ctx.query.get('nextPage') ?? '0');
  if (!Number.isInteger(offset) || offset < 0)
    throw new HttpError(400, 'AF20031', `Invalid nextPage Input: ${ctx.query.get('nextPage')}.`);
  const items = all.slice(offset, offset + feed.contentPageSize);
  if (offset + feed.contentPageSize >= all.length) return { status: 200, body: items };
  const next = new URL(ctx.url.toString());
  next.searchParams.set('nextPage', String(offset + feed.contentPageSize));
  return { status: 200, body: items, headers: { NextPageUri: `${ctx.baseUrl}${next.pathname}${next.search}` } };
}

function blob(ctx: RequestContext): SimResponse {
  const feed = feedOf(ctx);
  const found = feed.contents.find((c) => c.contentId === ctx.params['contentId']);
  if (!found)
    throw new HttpError(
      404,
      'AF20051',
      `Content requested with the key ${ctx.params['contentId']} has already expired or does not exist.`,
    );
  return { status: 200, body: found.records };
}

export function registerActivityFeedRoutes(router: Router): void {
  router.add('POST', `${ROOT}/subscriptions/start`, MANAGE, start);
  router.add('POST', `${ROOT}/subscriptions/stop`, MANAGE, stop);
  router.add('GET', `${ROOT}/subscriptions/list`, MANAGE, list);
  router.add('GET', `${ROOT}/subscriptions/content`, MANAGE, content);
  router.add('GET', `${ROOT}/audit/:contentId`, MANAGE, blob);
}
