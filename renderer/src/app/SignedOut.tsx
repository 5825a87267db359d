/** The page shown without a dashboard session: how to get one. */
export function SignedOut() {
  return (
    <main className="signed-out" data-testid="signed-out">
      <div className="card">
        <h1>Sign in to Codex Pool</h1>
        <p>This dashboard controls your accounts, so it needs a session first.</p>
        <ol>
          <li>
            Find the terminal where <code>codex-pool serve</code> (or <code>npm run serve</code>) is running.
          </li>
          <li>
            Open the <strong>Dashboard login</strong> link it printed at start-up, which looks like{' '}
            <code>{`${location.origin}/login?code=…`}</code>.
          </li>
        </ol>
        <p className="small muted">
          The link works once, for ten minutes. If it has expired or was already used, restart Codex Pool to
          print a new one. Scripts and the command line can use the admin token instead (
          <code>&lt;data dir&gt;/admin-token</code>, sent as <code>Authorization: Bearer …</code>).
        </p>
      </div>
    </main>
  );
}
