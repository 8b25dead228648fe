// A deterministic parser from chat text to an Intent. Names stay as typed; resolve.ts matches them.
import { cleanText, type Intent } from './intent.js';

const REQUEST_ID = /\b(req-\d+)\b/i;

function splitReason(text: string): { head: string; reason?: string } {
  const m =
    /^(.*?)(?:\s*[,;.-]?\s*\b(?:because|as|since|so that|so|reason:|for the|to build|to create|need(?:ed)? (?:it )?(?:for|to))\b\s*(.*))$/i.exec(
      text,
    );
  if (m?.[1] && m[2] !== undefined && m[2].trim().length > 0) {
    return {
      head: m[1].trim(),
      reason: text
        .slice(m[1].length)
        .replace(/^\s*[,;.-]?\s*(because|reason:)?\s*/i, '')
        .trim(),
    };
  }
  return { head: text };
}

export function parseIntent(raw: string): Intent {
  const text = cleanText(raw);
  const lower = text.toLowerCase();

  const channel = /\bset\s+(?:the\s+)?(approvals?|audit|notifications?)\s+channel\b/.exec(lower);
  if (channel?.[1]) {
    const c = channel[1].startsWith('approval')
      ? 'approvals'
      : channel[1].startsWith('audit')
        ? 'audit'
        : 'notifications';
    return { kind: 'set-channel', channel: c };
  }

  const decide = /^(approve|reject|deny|decline)\s+(req-\d+)\b[\s,:-]*(.*)$/i.exec(text);
  if (decide?.[1] && decide[2]) {
    const verdict = decide[1].toLowerCase() === 'approve' ? 'approve' : 'reject';
    return { kind: 'decide', verdict, requestId: decide[2].toUpperCase(), comment: decide[3]?.trim() || undefined };
  }

  if (/^(help|\?|what can you do)/.test(lower)) return { kind: 'help' };
  if (/^(cancel)\b/.test(lower)) return { kind: 'cancel', requestId: REQUEST_ID.exec(text)?.[1]?.toUpperCase() };
  if (/\b(status)\b/.test(lower) && REQUEST_ID.test(text))
    return { kind: 'status', requestId: REQUEST_ID.exec(text)?.[1]?.toUpperCase() };
  if (/\bmy requests\b/.test(lower)) return { kind: 'list-mine' };
  if (/\bpending( requests)?\b/.test(lower) && /\b(list|show)\b/.test(lower)) return { kind: 'list-pending' };

  if (/\bmaker\b/.test(lower)) {
    const { head, reason } = splitReason(text);
    const env = /\b(?:in|on|for|to)\s+(?:the\s+)?(.+?)(?:\s+environment)?\s*[.!?]*$/i.exec(head)?.[1];
    return { kind: 'maker-role', environment: env?.trim(), justification: reason };
  }

  if (/^(hi|hello|hey|good (morning|afternoon|evening))\b/.test(lower)) return { kind: 'greeting' };
  if (/^(thanks|thank you|thx|cheers)\b/.test(lower)) return { kind: 'thanks' };
  return { kind: 'unknown', text };
}
