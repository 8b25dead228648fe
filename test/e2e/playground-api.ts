// The Agents Playground's internal HTTP API (0.2.28, undocumented; read from its bundle): the one way to act
// as a configured user other than `currentUser`. Tests only, and only through this helper, so a change in a
// later Playground version breaks one place.
//   POST /_conversation/v1/invoke {name:'adaptiveCard/action', from:{id}, conversation:{id}, replyToId, value}
// `from.id` must be a user of the Playground's config ("29:<aadObjectId>"); `conversation.id` is the one the
// card lives in (a channel post's own "<channel>;messageid=<id>"). The Playground sends the bot an
// adaptiveCard/action invoke from that user and replaces its stored card with the bot's answer.
// (Its message endpoint ignores `from` and always speaks as `currentUser`, so it cannot stand in for one.)

export interface CardClick {
  /** The acting user's Entra object id; must be one of the Playground config's users. */
  asUser: string;
  conversationId: string;
  /** The Playground's id of the message holding the card. */
  replyToId: string;
  verb: string;
  /** The action's data, with any card inputs merged in, as Teams does. */
  data: Record<string, unknown>;
}

export async function clickCardActionAs(
  playgroundUrl: string,
  click: CardClick,
): Promise<{ type?: string; value?: unknown }> {
  const res = await fetch(`${playgroundUrl}/_conversation/v1/invoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'adaptiveCard/action',
      from: { id: `29:${click.asUser}` },
      conversation: { id: click.conversationId },
      replyToId: click.replyToId,
      value: { action: { type: 'Action.Execute', verb: click.verb, data: click.data }, trigger: 'manual' },
    }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Playground invoke as ${click.asUser}: HTTP ${res.status} ${text}`);
  return text ? (JSON.parse(text) as { type?: string; value?: unknown }) : {};
}
