// Seeds a simulator data folder with the reference tenant plus extra makers, so a fleet test can have hundreds of
// distinct, licensed people file at once. The simulator process then starts from this saved state.
import { loadFixture } from '../../src/tenant/simulator/fixture.js';
import { stableGuid } from '../../src/tenant/simulator/ids.js';
import { SimulatorStateFile } from '../../src/tenant/simulator/persistence.js';
import { SimulatorState } from '../../src/tenant/simulator/state.js';
import type { User } from './bot-harness.js';

/** Maker n (1-based): a stable id, so the test knows who it is. */
export function seededMaker(n: number): User {
  return { id: stableGuid(`fleet-maker-${n}`), name: `Fleet Maker ${String(n).padStart(3, '0')}` };
}

export function seedTenantWithMakers(simulatorDataDir: string, count: number): void {
  const fixture = loadFixture();
  const template = fixture.users.find((u) => u.displayName === 'Alex Wilber');
  if (!template) throw new Error('the fixture lost Alex Wilber');
  const state = new SimulatorState(fixture, { clock: () => new Date(), lroPollsToComplete: 3, retryAfterSeconds: 0 });
  for (let n = 1; n <= count; n++) {
    const maker = seededMaker(n);
    const upn = `fleet.maker${n}@${state.tenant.domain}`;
    state.users.push({
      ...structuredClone(template),
      id: maker.id,
      displayName: maker.name,
      userPrincipalName: upn,
      mail: upn,
    });
  }
  SimulatorStateFile.inFolder(simulatorDataDir).save(state);
}
