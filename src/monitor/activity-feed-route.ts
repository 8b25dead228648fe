// POST /api/activity-feed on the bot's restify server: the Management Activity API's webhook.
import type { Server } from 'restify';
import type { ActivityFeedIntake } from './activity-feed.js';

export const ACTIVITY_FEED_PATH = '/api/activity-feed';

export function registerActivityFeedRoute(server: Server, intake: ActivityFeedIntake): void {
  server.post(ACTIVITY_FEED_PATH, async (req, res) => {
    const answer = await intake.handle(req.headers, req.body);
    if (answer.body === undefined) res.send(answer.status);
    else res.send(answer.status, answer.body);
  });
}
