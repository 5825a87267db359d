import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKeyFileSecretBox, type SecretBox } from '../../../main/core/secrets';
import { openStore, type OpenStoreOptions, type Store } from '../../../main/core/store';

/** A temp data dir, a key-file SecretBox in it, and a controllable clock; `cleanup` removes everything. */
export function tempStoreEnv() {
  const dir = mkdtempSync(join(tmpdir(), 'codex-pool-store-'));
  const clock = { t: 1_767_225_600 };
  const opened: Store[] = [];
  const box: SecretBox = createKeyFileSecretBox(dir);
  const path = join(dir, 'codex-pool.sqlite');
  return {
    dir,
    path,
    clock,
    box,
    open(extra: Partial<OpenStoreOptions> = {}): Store {
      const store = openStore({ path, now: () => clock.t, ...extra });
      opened.push(store);
      return store;
    },
    sealTokens(n = 0) {
      return box.seal(JSON.stringify({ idToken: `id${n}`, accessToken: `at${n}`, refreshToken: `rt${n}` }));
    },
    cleanup() {
      for (const store of opened) store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
