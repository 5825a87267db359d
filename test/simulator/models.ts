import { createHash } from 'node:crypto';

/**
 * The `/codex/models` catalog (PROTOCOL.md §3). Field set copied from the catalog bundled in Codex CLI
 * 0.169.0 so the CLI accepts it; instructions are short because nothing here is a real model.
 */
interface ModelSpec {
  slug: string;
  displayName: string;
  description: string;
  priority: number;
  contextWindow?: number;
}

const MODELS: ModelSpec[] = [
  { slug: 'gpt-5.5', displayName: 'GPT-5.5', description: 'Simulated frontier coding model.', priority: 1 },
  { slug: 'gpt-5.4', displayName: 'GPT-5.4', description: 'Simulated previous coding model.', priority: 2 },
  { slug: 'gpt-5.4-mini', displayName: 'GPT-5.4-Mini', description: 'Simulated small model.', priority: 3 },
  { slug: 'gpt-5.3-codex', displayName: 'GPT-5.3-Codex', description: 'Simulated Codex model.', priority: 4 },
  {
    slug: 'gpt-5.3-codex-spark',
    displayName: 'GPT-5.3-Codex-Spark',
    description: 'Simulated fast model with its own quota (limit id codex_other).',
    priority: 5,
    contextWindow: 128000,
  },
];

const PLANS = ['free', 'go', 'plus', 'pro', 'prolite', 'team', 'business', 'enterprise', 'edu'];

const LEVELS = [
  { effort: 'low', description: 'Fast responses with lighter reasoning' },
  { effort: 'medium', description: 'Balances speed and reasoning depth for everyday tasks' },
  { effort: 'high', description: 'Greater reasoning depth for complex problems' },
  { effort: 'xhigh', description: 'Extra high reasoning depth for complex problems' },
];

const INSTRUCTIONS =
  'You are Codex, a coding agent. This is the Codex Pool upstream simulator; answers are scripted.';

function entry(m: ModelSpec): Record<string, unknown> {
  const ctx = m.contextWindow ?? 272000;
  return {
    slug: m.slug,
    display_name: m.displayName,
    description: m.description,
    context_window: ctx,
    max_context_window: ctx,
    auto_compact_token_limit: null,
    input_modalities: ['text', 'image'],
    supported_reasoning_levels: LEVELS,
    default_reasoning_level: 'medium',
    default_reasoning_summary: 'none',
    supports_reasoning_summaries: true,
    supports_reasoning_summary_parameter: true,
    support_verbosity: true,
    default_verbosity: 'low',
    prefer_websockets: false,
    supports_parallel_tool_calls: true,
    supported_in_api: true,
    minimal_client_version: '0.98.0',
    priority: m.priority,
    visibility: 'list',
    available_in_plans: PLANS,
    shell_type: 'shell_command',
    apply_patch_tool_type: 'freeform',
    web_search_tool_type: 'text_and_image',
    truncation_policy: { mode: 'tokens', limit: 10000 },
    experimental_supported_tools: [],
    supports_image_detail_original: true,
    supports_search_tool: false,
    availability_nux: null,
    upgrade: null,
    base_instructions: INSTRUCTIONS,
    model_messages: { instructions_template: INSTRUCTIONS },
  };
}

export const MODEL_SLUGS: ReadonlySet<string> = new Set(MODELS.map((m) => m.slug));

/** Built once: the catalog never changes, so its body and ETag are constants on the hot path. */
export const MODELS_BODY = JSON.stringify({ models: MODELS.map(entry) });
export const MODELS_ETAG = `"${createHash('sha256').update(MODELS_BODY).digest('hex').slice(0, 16)}"`;

/** `GET /v1/models` in the OpenAI list shape (PROTOCOL.md §12). */
export const OPENAI_MODELS_BODY = JSON.stringify({
  object: 'list',
  data: MODELS.map((m) => ({ id: m.slug, object: 'model', created: 1_700_000_000, owned_by: 'openai' })),
});
