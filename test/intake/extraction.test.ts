// The language model's reading goes through the same catalogue resolution as typed names: what it cannot
// prove against the catalogue it cannot supply, and what only it saw is confirmed before filing.
import assert from 'node:assert/strict';
import type { CatalogueSnapshot } from '../../src/intake/catalogue.js';
import { type Extraction, ExtractionSchema, resolveExtraction } from '../../src/intake/extraction.js';
import { understand } from '../../src/intake/understand.js';
import { fixtureSnapshot, NOW, REQUESTER } from './evaluate.js';

describe('intake: language-model extraction', () => {
  let snapshot: CatalogueSnapshot;
  let close: () => Promise<void>;
  before(async () => {
    ({ snapshot, close } = await fixtureSnapshot());
  });
  after(async () => close());

  const read = (text: string, extraction: Extraction) =>
    resolveExtraction(
      understand(text, snapshot, { requesterId: REQUESTER, now: NOW }),
      extraction,
      snapshot,
      REQUESTER,
    );

  it('takes a name the parser did not find, at most "medium" when only the model saw the intent', () => {
    const u = read("I'd love to tinker in Finance Sandbox", { intent: 'maker-role', environment: 'Finance Sandbox' });
    assert.equal(u.kind, 'maker-role');
    assert.equal(u.source, 'language-model');
    assert.equal(u.environment.value?.displayName, 'Finance Sandbox');
    assert.equal(u.environment.confidence, 'medium');
  });

  it('keeps "high" when the parser saw the same intent', () => {
    const u = read('maker role in Finance Sandbox', { intent: 'maker-role', environment: 'Finance Sandbox' });
    assert.equal(u.environment.confidence, 'high');
  });

  it('asks back on an ambiguous name and reports an unknown one, never inventing an entity', () => {
    const ambiguous = read('tinker with finance', { intent: 'maker-role', environment: 'finance' });
    assert.equal(ambiguous.environment.confidence, 'ambiguous');
    assert.deepEqual(ambiguous.environment.options.map((e) => e.displayName).sort(), [
      'Finance Production',
      'Finance Sandbox',
    ]);
    const unknown = read('tinker in narnia', { intent: 'maker-role', environment: 'Narnia Lab' });
    assert.equal(unknown.environment.value, undefined);
    assert.equal(unknown.unknownEnvironment, 'Narnia Lab');
  });

  it('resolves connector names against the catalogue and drops what it does not have', () => {
    const u = read('pls sort out dropbx and twilio for contoso dev', {
      intent: 'unblock-connector',
      environment: 'contoso dev',
      connectors: ['dropbx', 'shared_twilio'],
    });
    assert.deepEqual(
      u.connectors.accepted.map((a) => [a.connector.name, a.confidence]),
      [['shared_dropbox', 'medium']],
    );
    const none = read('pls allow twilio in contoso dev', {
      intent: 'unblock-connector',
      connectors: ['twilio'],
    });
    assert.equal(none.connectors.accepted.length, 0);
    assert.equal(none.unknownConnector, 'twilio');
  });

  it('leaves commands with ids and an "unknown" from the model to the parser', () => {
    const decide = read('approve REQ-1001 looks fine', { intent: 'maker-role', environment: 'Finance Sandbox' });
    assert.equal(decide.kind, 'decide');
    assert.equal(decide.source, 'parser');
    assert.equal(decide.parsed.verdict, 'approve');
    const kept = read('maker role in Finance Sandbox', { intent: 'unknown' });
    assert.equal(kept.kind, 'maker-role');
    assert.equal(kept.environment.confidence, 'high');
  });

  it('fills new-environment fields the parser missed; the region is matched against the catalogue', () => {
    const u = read('set me up a place for the payroll crew', {
      intent: 'new-environment',
      newEnvironment: { name: 'Payroll Crew', type: 'Sandbox', region: 'Europe', dataverse: true },
      justification: 'payroll automations',
    });
    assert.equal(u.kind, 'new-environment');
    assert.equal(u.parsed.newEnvironment.name, 'Payroll Crew');
    assert.equal(u.parsed.newEnvironment.sku, 'Sandbox');
    assert.equal(u.parsed.newEnvironment.dataverse, true);
    assert.equal(u.location.value?.name, 'europe');
    assert.equal(u.parsed.justification, 'payroll automations');
    const nowhere = read('a place for payroll', { intent: 'new-environment', newEnvironment: { region: 'Atlantis' } });
    assert.equal(nowhere.location.value, undefined);
  });

  it('accepts only the documented shape from the model', () => {
    assert.equal(ExtractionSchema.safeParse({ intent: 'delete-tenant' }).success, false);
    assert.equal(
      ExtractionSchema.safeParse({ intent: 'new-environment', newEnvironment: { type: 'Huge' } }).success,
      false,
    );
    assert.equal(ExtractionSchema.safeParse('Sure!').success, false);
    const extra = ExtractionSchema.parse({ intent: 'help', environmentId: 'x', approve: true });
    assert.deepEqual(extra, { intent: 'help' });
  });
});
