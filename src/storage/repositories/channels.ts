import type { ChannelKind, StoreSession } from '../../requests/ports/store.js';
import type { Db } from './shared.js';

export function channelsRepository(db: Db): StoreSession['channels'] {
  return {
    async set(setting) {
      const values = {
        kind: setting.kind,
        conversation_key: setting.conversationKey,
        set_by: setting.setBy,
        set_at: setting.setAt,
      };
      await db
        .insertInto('channels')
        .values(values)
        .onConflict((oc) =>
          oc
            .column('kind')
            .doUpdateSet({ conversation_key: values.conversation_key, set_by: values.set_by, set_at: values.set_at }),
        )
        .execute();
    },

    async get(kind) {
      const r = await db.selectFrom('channels').selectAll().where('kind', '=', kind).executeTakeFirst();
      return r
        ? { kind: r.kind as ChannelKind, conversationKey: r.conversation_key, setBy: r.set_by, setAt: r.set_at }
        : undefined;
    },
  };
}
