/**
 * `/v1/models` from the upstream Codex catalog (PROTOCOL.md §3, §12).
 */
import { isRecord, nonEmptyString } from './json';

/** One `/v1/models` entry. */
export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: string;
}

/** The `/v1/models` body. */
export interface OpenAiModelList {
  object: 'list';
  data: OpenAiModel[];
}

/**
 * Maps `{"models":[{slug,…}]}` to `{"object":"list","data":[{id, object:"model", created, owned_by}]}`,
 * keeping catalog order and dropping entries without a slug and duplicates. `created` is `now` (the catalog
 * has no creation dates). A malformed catalog gives an empty list.
 */
export function toOpenAiModelList(upstreamCatalog: unknown, now: number): OpenAiModelList {
  const models =
    isRecord(upstreamCatalog) && Array.isArray(upstreamCatalog.models) ? upstreamCatalog.models : [];
  const seen = new Set<string>();
  const data: OpenAiModel[] = [];
  for (const m of models) {
    const slug = isRecord(m) ? nonEmptyString(m.slug) : undefined;
    if (slug === undefined || seen.has(slug)) continue;
    seen.add(slug);
    data.push({ id: slug, object: 'model', created: now, owned_by: 'openai' });
  }
  return { object: 'list', data };
}
