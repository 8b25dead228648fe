// A CommonJS dependency that a library requires when it loads but uses only on a path this bot never takes: a
// stand-in is put in require's cache, so the library gets an object that loads the real module at its first use.
import Module from 'node:module';

/**
 * from: a require() resolving as the requiring library does. early: members handed out without loading the whole
 * module (a base class the library extends when it loads, from a small module of its own).
 */
export function deferModule(from: NodeJS.Require, specifier: string, early: Record<string, () => unknown> = {}): void {
  const path = from.resolve(specifier);
  if (from.cache[path]) return;
  let full: object | undefined;
  const loadFull = (): object => {
    if (!full) {
      delete from.cache[path];
      full = from(specifier) as object;
    }
    return full;
  };
  const earlyMember = (key: string | symbol) => (!full && typeof key === 'string' ? early[key] : undefined);
  const onDemand = new Proxy(
    {},
    {
      get: (_, key) => earlyMember(key)?.() ?? Reflect.get(loadFull(), key),
      has: (_, key) => Reflect.has(loadFull(), key),
      ownKeys: () => Reflect.ownKeys(loadFull()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Reflect.getOwnPropertyDescriptor(loadFull(), key);
        // A proxy may not report a property of its (empty) target as non-configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
  const placeholder = new Module(path);
  placeholder.filename = path;
  placeholder.exports = onDemand;
  placeholder.loaded = true;
  from.cache[path] = placeholder;
}
