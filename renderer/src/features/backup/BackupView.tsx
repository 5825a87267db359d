import { BackupCard } from './BackupCard';
import { RestoreCard } from './RestoreCard';

/** Move the whole pool to another machine: an encrypted backup, and a restore with a preview. */
export function BackupView() {
  return (
    <section className="view" aria-labelledby="backup-heading">
      <div className="view-head">
        <div>
          <h2 id="backup-heading">Backup</h2>
          <p className="muted small">
            Carry every account, setting and proxy API key to a new laptop or a server in one encrypted file.
          </p>
        </div>
      </div>
      <BackupCard />
      <RestoreCard />
    </section>
  );
}
