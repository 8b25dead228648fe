// Validates a manifest against Microsoft's JSON schema for its manifestVersion, shipped offline by
// @microsoft/app-manifest (never fetched). Those schemas declare draft-04, so ajv-draft-04 compiles them.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import AjvModule from 'ajv-draft-04';
import formatsModule from 'ajv-formats';

const require = createRequire(import.meta.url);
// Both packages set module.exports to the class/plugin itself; TypeScript sees their ESM `default` member.
const Ajv = AjvModule as unknown as typeof AjvModule.default;
const addFormats = formatsModule as unknown as typeof formatsModule.default;

export function schemaPathFor(manifestVersion: string): string {
  const pkg = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return join(pkg, 'build', 'json-schemas', 'teams', `v${manifestVersion}`, 'MicrosoftTeams.schema.json');
}

export function schemaProblems(manifest: Record<string, unknown>): string[] {
  const version = manifest.manifestVersion;
  if (typeof version !== 'string') return ['manifestVersion: missing'];
  const path = schemaPathFor(version);
  if (!existsSync(path)) return [`manifestVersion: no offline schema for ${version} in @microsoft/app-manifest`];
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  const declared = String(schema.$schema ?? '');
  if (!declared.includes('draft-04'))
    return [`schema for ${version} declares ${declared}; this validator speaks draft-04 only`];
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map((e) => {
    const where = e.instancePath || '(root)';
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: string }).additionalProperty)})`
        : '';
    return `schema ${version}: ${where} ${e.message ?? e.keyword}${extra}`;
  });
}
