import type { ConnectOverview } from '../../../../shared/api';

/** Copyable environment lines and a curl command for clients Codex Pool does not configure itself. */
export function Snippets({ snippets }: { snippets: ConnectOverview['snippets'] }) {
  const items = [
    { label: 'Environment for OpenAI SDKs', text: snippets.env, id: 'env' },
    { label: 'Try it with curl', text: snippets.curl, id: 'curl' },
  ];
  return (
    <div className="stack">
      {snippets.keyRequired && (
        <p className="warning-box small">
          Proxy keys are required: replace <code>cp-YOUR-KEY</code> with a key made under Routing.
        </p>
      )}
      {items.map((item) => (
        <div key={item.id}>
          <p className="small">{item.label}</p>
          <div className="snippet">
            <pre className="mono" data-testid={`snippet-${item.id}`}>
              {item.text}
            </pre>
            <button type="button" onClick={() => void navigator.clipboard?.writeText(item.text)}>
              Copy
            </button>
          </div>
        </div>
      ))}
    </div>
  );
}
