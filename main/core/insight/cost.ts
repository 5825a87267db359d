/**
 * Estimated API cost of token counts (issue 9): what the same tokens would cost at the price table's list
 * prices. Pure. Upstream reports cached tokens as part of the input and reasoning tokens as part of the
 * output, so cached input is priced at its own rate and subtracted from the full-price input, and reasoning is
 * not priced twice.
 */
import type { ModelPrice } from '../../../shared/api';

/** Token counts to price. */
export interface PricedTokens {
  input: number;
  cached: number;
  output: number;
}

/** USD of `tokens` at `price` (per million tokens). Cached beyond the input (bad data) counts as input. */
export function costUsd(tokens: PricedTokens, price: Omit<ModelPrice, 'model'>): number {
  const input = Math.max(0, tokens.input);
  const cached = Math.min(Math.max(0, tokens.cached), input);
  const output = Math.max(0, tokens.output);
  return ((input - cached) * price.input + cached * price.cachedInput + output * price.output) / 1_000_000;
}

/**
 * Finds a model's price: the exact name, else the name with a dated snapshot suffix removed
 * (`gpt-5-2025-08-07` → `gpt-5`), compared case-insensitively. Unknown models have no price (null), never zero.
 */
export function priceFor(model: string, prices: readonly ModelPrice[]): ModelPrice | null {
  const wanted = model.trim().toLowerCase();
  const undated = wanted.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  let fallback: ModelPrice | null = null;
  for (const p of prices) {
    const name = p.model.toLowerCase();
    if (name === wanted) return p;
    if (name === undated) fallback = p;
  }
  return fallback;
}
