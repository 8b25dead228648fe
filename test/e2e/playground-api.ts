// The Agents Playground's internal HTTP API (0.2.28, undocumented, read from its bundle): the only way to act
// as a configured user other than `currentUser`. Tests only, and only through this one helper, so a change
// in a later Playground version breaks one place.
//   POST /_conversation/v1/conversations/{id}/messages  {text, textFormat, from:{id}, mentions?}
//   POST /_conversation/v1/invoke  {name:'adaptiveCard/action', from:{id}, conversation:{id}, replyToId, value}
// `from.id` must be a user of the Playground's config ("29:<aadObjectId>"). On an invoke, the Playground
// sends the bot an adaptiveCard/action activity from that user and replaces the stored card with the answer.

export interface PlaygroundBot {
  id: string;
  name: string;
}

export interface ActingUser {
  /** Posts a message; in a channel it @mentions the bot first, as the Playground requires. */
  
  /** Clicks an Action.Execute button of the card message `replyToId`; returns the bot's invoke response. */
  execute(
    conversationId: string,
    replyToId: string,
    verb: string,
    data: Record<string, unknown>,
  ): Promise<{ type?: string; value?: unknown }>;
}

export function actAs(playgroundUrl: string, aadObjectId: string): ActingUser {
  const from = { id: `29:${aadObjectId}` };
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${playgroundUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`Playground ${path}: HTTP ${res.status} ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  return {
    async say(conversationId, text, mention) {
      const at = mention ? `<at>${mention.name}</at>` : '';
      const body = {
        type: 'text',
        text: mention ? `${at} ${text}` : text,
        textFormat: 'plain',
        from,
        ...(mention ? { mentions: [{ mentioned: mention, text: at }] } : {}),
      };
      const res = await post(`/_conversation/v1/conversations/${encodeURIComponent(conversationId)}/messages`, body);
      return { messageId: typeof res.messageId === 'string' ? res.messageId : undefined };
    },
    async execute(conversationId, replyToId, verb, data) {
      return post('/_conversation/v1/invoke', {
        name: 'adaptiveCard/action',
        from,
        conversation: { id: conversationId },
        replyToId,
        value: { action: { type: 'Action.Execute', verb, data }, trigger: 'manual' },
      });
    },
  };
}
