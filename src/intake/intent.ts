// What the bot understood from a message, before names are resolved against the catalogue.
import type { ChannelKind } from '../storage/store.js';

export type Intent =
  | {
      kind: 'maker-role';
      environment?: string | undefined;
      justification?: string | undefined;
      duration?: string | undefined;
    }
  | {
      kind: 'unblock-connector';
      connectors: string[];
      environment?: string | undefined;
      justification?: string | undefined;
      duration?: string | undefined;
    }
  | {
      kind: 'new-environment';
      name?: string | undefined;
      sku?: string | undefined;
      region?: string | undefined;
      dataverse?: boolean | undefined;
      justification?: string | undefined;
    }
  | { kind: 'set-channel'; channel: ChannelKind }
  | { kind: 'status'; requestId?: string | undefined }
  | { kind: 'list-mine' }
  | { kind: 'cancel'; requestId?: string | undefined }
  | { kind: 'list-pending' }
  | { kind: 'decide'; verdict: 'approve' | 'reject'; requestId: string; comment?: string | undefined }
  | { kind: 'help' }
  | { kind: 'greeting' }
  | { kind: 'thanks' }
  | { kind: 'unknown'; text: string };

/** Removes Teams @mention markup (<at>Bot</at>) and collapses whitespace. */
export function cleanText(text: string): string {
  return text
    .replace(/<at>[^<]*<\/at>/gi, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
