// restify 11 loads spdy, whose http-deceiver reads process.binding('http_parser') twice while loading, and Node
// prints DEP0111 for each read on every start. Nobody running the bot can act on it (restify 12 drops spdy but
// needs Node 22), so exactly that warning is dropped; every other warning still prints. Imported before restify.
type EmitWarning = (warning: string | Error, ...rest: unknown[]) => void;
const emitWarning = process.emitWarning.bind(process) as EmitWarning;

function codeOf(rest: unknown[]): unknown {
  const [typeOrOptions, code] = rest;
  return typeOrOptions && typeof typeOrOptions === 'object' ? (typeOrOptions as { code?: unknown }).code : code;
}

process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  if (codeOf(rest) === 'DEP0111' && String(warning).includes("process.binding('http_parser')")) return;
  emitWarning(warning, ...rest);
}) as typeof process.emitWarning;
