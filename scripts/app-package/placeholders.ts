// Teams-Toolkit-style ${{NAME}} placeholders, filled from env/.env.<name> (+ .user) and the process environment.
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/** Replaces every placeholder that has a non-empty value; lists the ones that have none. */
export function fillPlaceholders(
  text: string,
  vars: Record<string, string | undefined>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const filled = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name]?.trim();
    if (!value) {
      missing.add(name);
      return whole;
    }
    // The value lands inside a JSON string: escape it as JSON would.
    return JSON.stringify(value).slice(1, -1);
  });
  return { text: filled, missing: [...missing] };
}
