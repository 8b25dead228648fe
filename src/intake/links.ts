// "[spec](https://contoso.sharepoint.com/spec)" typed in chat, or <a href="…">spec</a> (how Teams sends a named
// hyperlink): intake reads the label (cleanText), but a justification keeps where the link pointed, as text
// ("spec (https://contoso.sharepoint.com/spec)"), so approvers see it. Cards still show it as plain text, never a
// live link (src/teams/cards/user-text.ts).

export interface Link {
  label: string;
  address: string;
}

/** Same shape as cleanText's: the address class excludes brackets, so unclosed links are scanned once. */
const MARKDOWN_LINK = /\[([^[\]]*)\]\(([^()[\]\s]*)\)/g;
/** An anchor element and its label (no markup inside); the href is read from the opening tag in code. */
const ANCHOR = /<a\b([^<>]*)>([^<>]*)<\/a>/gi;
const HREF = /\bhref\s?=\s?(?:"([^"]*)"|'([^']*)')/i;
const ADDRESS = /^(?:https?:\/\/|mailto:)\S+$/i;

function decodeEntities(s: string): string {
  return s
    .replace(/&nbsp;/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

function label(s: string): string {
  return decodeEntities(s).replace(/\s+/g, ' ').trim();
}

/** The links of a message as typed or as Teams sent it, in order; addresses other than web or mail are left out. */
export function readLinks(raw: string): Link[] {
  const found: { at: number; link: Link }[] = [];
  for (const m of raw.matchAll(MARKDOWN_LINK))
    found.push({ at: m.index, link: { label: label(m[1] ?? ''), address: (m[2] ?? '').trim() } });
  for (const m of raw.matchAll(ANCHOR)) {
    const href = HREF.exec(m[1] ?? '');
    const address = decodeEntities(href?.[1] ?? href?.[2] ?? '').trim();
    found.push({ at: m.index, link: { label: label(m[2] ?? ''), address } });
  }
  return found
    .sort((a, b) => a.at - b.at)
    .map((f) => f.link)
    .filter((l) => l.label.length > 0 && ADDRESS.test(l.address) && l.label !== l.address);
}

/** `text` (read with labels only) with each link's address after its label: "spec (https://…)". */
export function withAddresses(text: string, links: readonly Link[]): string {
  let out = '';
  let from = 0;
  for (const link of links) {
    const at = text.indexOf(link.label, from);
    if (at < 0) continue;
    const end = at + link.label.length;
    out += `${text.slice(from, end)} (${link.address})`;
    from = end;
  }
  return out + text.slice(from);
}
