// teams-ai's Application requires its sign-in modules when it loads, and they require botbuilder-dialogs with
// Microsoft's text recognisers (number, date-time, choice: ~30 MB resident). The bot configures no teams-ai sign-in,
// so none of that code runs. Imported before teams-ai: botbuilder-dialogs is loaded only when something uses it.
import Module, { createRequire } from 'node:module';

const fromTeamsAi = createRequire(createRequire(import.meta.url).resolve('@microsoft/teams-ai/lib/Application.js'));
const dialogsPath = fromTeamsAi.resolve('botbuilder-dialogs');

if (!fromTeamsAi.cache[dialogsPath]) {
  let full: object | undefined;
  const loadFull = (): object => {
    if (!full) {
      delete fromTeamsAi.cache[dialogsPath];
      full = fromTeamsAi('botbuilder-dialogs') as object;
    }
    return full;
  };
  // teams-ai declares `class TeamsSsoPrompt extends Dialog` at load: the base class comes from its own small module
  // (the same class the package exports).
  const dialogClass = () => (fromTeamsAi('botbuilder-dialogs/lib/dialog.js') as { Dialog: unknown }).Dialog;
  const onDemand = new Proxy(
    {},
    {
      get: (_, key) => (key === 'Dialog' && !full ? dialogClass() : Reflect.get(loadFull(), key)),
      has: (_, key) => Reflect.has(loadFull(), key),
      ownKeys: () => Reflect.ownKeys(loadFull()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(loadFull(), key);
        // A proxy may not report a property of its (empty) target as non-configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  const placeholder = new Module(dialogsPath);
  placeholder.filename = dialogsPath;
  placeholder.exports = onDemand;
  placeholder.loaded = true;
  fromTeamsAi.cache[dialogsPath] = placeholder;
}
