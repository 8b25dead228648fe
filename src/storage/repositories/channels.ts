import type { ChannelKind, StoreSession } from '../../requests/ports/store.js';
import { compiledOnce } from './compiled-query.js';
import type { Db, StoreContext } from './shared.js';

// Read on every filing and approval (where the approval card goes): compiled once (compiled-query.ts).
const selectByKind = compiledOnce((db, v: { kind: string }) =>
  db.selectFrom('channels').selectAll().where('kind', '=', v.kind),
);

export function channelsRepository(db: Db, ctx: StoreContext): StoreSession['channels'] {
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
      const [r] = (await selectByKind.run(db, ctx, { kind })).rows;
      return r
        ? { kind: r.kind as ChannelKind, conversationKey: r.conversation_key, setBy: r.set_by, setAt: r.set_at }
        : undefined;
    },
  };
}
