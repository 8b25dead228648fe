// The optional language-model reader of chat messages, on teams-ai: an ActionPlanner over an OpenAIModel
// (OpenAI or Azure OpenAI) completes one JSON-output prompt, checked by teams-ai's JSON validator and then by
// our own schema. It only extracts the intent and the names as typed; src/intake/extraction.ts resolves them.
// Any failure (HTTP error, timeout, bad JSON) returns undefined and the deterministic parser reads the message.
import type { Agent } from 'node:http';
import {
  ActionPlanner,
  JSONResponseValidator,
  OpenAIModel,
  Prompt,
  PromptManager,
  TextSection,
  TurnState,
  UserMessage,
} from '@microsoft/teams-ai';
import type { TurnContext } from 'botbuilder';
import type pino from 'pino';
import type { Config } from '../config/config.js';
import {
  EXTRACTION_INSTRUCTIONS,
  EXTRACTION_JSON_SCHEMA,
  type Extraction,
  ExtractionSchema,
} from '../intake/extraction.js';
import { languageModelChoice } from './language-model-config.js';

const PROMPT = 'intake';
/** Long messages are cut: the request is in the first lines, and the cost grows with the length. */
const MAX_MESSAGE_CHARS = 1000;

export interface LanguageModelIntakeOptions {
  log: pino.Logger;
  /** For a private certificate authority (tests, proxies); the default agent otherwise. */
  httpAgent?: Agent | undefined;
}

export class LanguageModelIntake {
  private readonly validator = new JSONResponseValidator<Record<string, unknown>>(
    EXTRACTION_JSON_SCHEMA as never,
    'Reply with one JSON object only.',
  );

  private constructor(
    private readonly planner: ActionPlanner,
    private readonly timeoutMs: number,
    private readonly log: pino.Logger,
    readonly provider: 'openai' | 'azure-openai',
  ) {}

  /** The reader the configuration asks for, or undefined when no model is configured. */
  static fromConfig(config: Config, options: LanguageModelIntakeOptions): LanguageModelIntake | undefined {
    // One attempt per message: a slow or failing model must not hold the reply; the parser takes over.
    // (teams-ai hands clientOptions, not its own maxRetries, to the OpenAI client.)
    const common = {
      useSystemMessages: true,
      responseFormat: { type: 'json_object' as const },
      clientOptions: { timeout: config.INTAKE_LLM_TIMEOUT_MS, maxRetries: 0, httpAgent: options.httpAgent },
    };
    let model: OpenAIModel;
    const choice = languageModelChoice(config);
    if (choice?.provider === 'azure-openai') {
      model = new OpenAIModel({
        ...common,
        azureApiKey: choice.apiKey,
        azureEndpoint: choice.endpoint,
        azureDefaultDeployment: choice.deployment,
        azureApiVersion: config.AZURE_OPENAI_API_VERSION,
      });
    } else if (choice?.provider === 'openai') {
      model = new OpenAIModel({
        ...common,
        apiKey: choice.apiKey,
        defaultModel: config.OPENAI_MODEL,
        endpoint: config.OPENAI_BASE_URL,
      });
    } else {
      return undefined;
    }
    const provider = choice.provider;
    const prompts = new PromptManager({ promptsFolder: '.' });
    prompts.addPrompt({
      name: PROMPT,
      // The message goes in as a template variable, so braces the user types are text, not template code.
      prompt: new Prompt([new TextSection(EXTRACTION_INSTRUCTIONS, 'system'), new UserMessage('{{$temp.input}}')]),
      config: {
        schema: 1.1,
        type: 'completion',
        completion: {
          completion_type: 'chat',
          temperature: 0,
          top_p: 1,
          presence_penalty: 0,
          frequency_penalty: 0,
          max_tokens: 300,
          max_input_tokens: 2000,
          include_history: false,
          include_input: false,
          include_images: false,
        },
      },
    });
    const planner = new ActionPlanner({ model, prompts, defaultPrompt: PROMPT, max_repair_attempts: 0 });
    options.log.info({ provider }, 'language-model intake on: it reads intent and names; the catalogue resolves them');
    return new LanguageModelIntake(planner, config.INTAKE_LLM_TIMEOUT_MS, options.log, provider);
  }

  /** The model's reading of the message, or undefined (with the reason in the debug log) to use the parser. */
  async extract(context: TurnContext, text: string): Promise<Extraction | undefined> {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    try {
      const state = new TurnState();
      await state.load(context);
      state.setValue('temp.input', text.slice(0, MAX_MESSAGE_CHARS));
      const timeout = new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${this.timeoutMs} ms`)), this.timeoutMs);
      });
      const response = await Promise.race([
        this.planner.completePrompt<Record<string, unknown>>(context, state, PROMPT, this.validator),
        timeout,
      ]);
      if (response.status !== 'success') {
        this.log.warn(
          { provider: this.provider, status: response.status, err: response.error?.message },
          'language model intake failed; the parser reads the message',
        );
        return undefined;
      }
      const parsed = ExtractionSchema.safeParse(response.message?.content);
      if (!parsed.success) {
        this.log.warn({ provider: this.provider }, 'language model answer has the wrong shape; the parser reads it');
        return undefined;
      }
      this.log.debug({ provider: this.provider, ms: Date.now() - started }, 'language model read the message');
      return parsed.data;
    } catch (error) {
      this.log.warn(
        { provider: this.provider, err: (error as Error).message },
        'language model intake failed; the parser reads the message',
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }
}
