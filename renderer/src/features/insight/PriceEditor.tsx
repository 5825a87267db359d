import { useState } from 'react';
import type { ModelPrice } from '../../../../shared/api';
import { api } from '../../api/client';
import { ErrorMessage } from '../../components/feedback';
import { useUi } from '../../app/ui-store';
import { useLoaded } from './insight-data';

type Draft = { model: string; input: string; cachedInput: string; output: string };

const toDraft = (p: ModelPrice): Draft => ({
  model: p.model,
  input: String(p.input),
  cachedInput: String(p.cachedInput),
  output: String(p.output),
});

/** The draft as prices, or the first problem in words. */
function parse(drafts: readonly Draft[]): ModelPrice[] | string {
  const prices: ModelPrice[] = [];
  for (const d of drafts) {
    if (d.model.trim() === '' && d.input === '' && d.cachedInput === '' && d.output === '') continue;
    if (d.model.trim() === '') return 'Every price needs a model name.';
    const nums = [d.input, d.cachedInput, d.output].map((v) => Number(v));
    if (
      nums.some(
        (n, i) => !Number.isFinite(n) || n < 0 || [d.input, d.cachedInput, d.output][i]!.trim() === '',
      )
    ) {
      return `The prices of ${d.model} must be numbers of 0 or more.`;
    }
    prices.push({ model: d.model.trim(), input: nums[0]!, cachedInput: nums[1]!, output: nums[2]! });
  }
  return prices;
}

/** The user-editable price table (USD per million tokens), saved as a whole. */
export function PriceEditor({ onSaved }: { onSaved(): void }) {
  const table = useLoaded(() => api.prices(), 'prices');
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const notify = useUi((s) => s.notify);
  const rows = drafts ?? table.data?.prices.map(toDraft) ?? [];

  const edit = (i: number, field: keyof Draft, value: string): void =>
    setDrafts(rows.map((r, j) => (j === i ? { ...r, [field]: value } : r)));
  const save = async (): Promise<void> => {
    const prices = parse(rows);
    if (typeof prices === 'string') return setProblem(prices);
    setProblem(null);
    setSaving(true);
    try {
      await api.setPrices({ prices });
      setDrafts(null);
      table.reload();
      onSaved();
      notify('info', 'Prices saved.');
    } catch (err) {
      setProblem(err instanceof Error ? err.message : String(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <details className="history-details price-editor" data-testid="price-editor">
      <summary>Price table</summary>
      {table.error && <ErrorMessage error={table.error} onRetry={table.reload} />}
      <div className="table-scroll">
        <table className="table">
          <caption className="visually-hidden">Prices in USD per million tokens</caption>
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Input</th>
              <th scope="col">Cached input</th>
              <th scope="col">Output</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={i} data-testid="price-row">
                {(['model', 'input', 'cachedInput', 'output'] as const).map((field) => (
                  <td key={field}>
                    <input
                      aria-label={`${field === 'model' ? 'Model' : field} of row ${i + 1}`}
                      inputMode={field === 'model' ? 'text' : 'decimal'}
                      value={r[field]}
                      onChange={(e) => edit(i, field, e.target.value)}
                    />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {problem && (
        <p className="warning-box small" role="alert">
          {problem}
        </p>
      )}
      <div className="button-row">
        <button
          type="button"
          className="button"
          onClick={() => setDrafts([...rows, { model: '', input: '', cachedInput: '', output: '' }])}
        >
          Add a model
        </button>
        <button
          type="button"
          className="button primary"
          disabled={saving || drafts === null}
          onClick={() => void save()}
        >
          {saving ? 'Saving…' : 'Save prices'}
        </button>
      </div>
    </details>
  );
}
