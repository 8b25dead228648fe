// Which language model the configuration names, if any: read without loading teams-ai's AI half, so a bot without a
// model never loads it (see app.ts).
import type { Config } from '../config/config.js';

export type LanguageModelChoice =
  | { provider: 'azure-openai'; apiKey: string; endpoint: string; deployment: string }
  | { provider: 'openai'; apiKey: string };

export function languageModelChoice(config: Config): LanguageModelChoice | undefined {
  const { AZURE_OPENAI_API_KEY: apiKey, AZURE_OPENAI_ENDPOINT: endpoint, AZURE_OPENAI_DEPLOYMENT: deployment } = config;
  if (apiKey && endpoint && deployment) return { provider: 'azure-openai', apiKey, endpoint, deployment };
  if (config.OPENAI_API_KEY) return { provider: 'openai', apiKey: config.OPENAI_API_KEY };
  return undefined;
}
