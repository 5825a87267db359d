import { useState } from 'react';
import { Dialog } from '../../components/Dialog';
import { useUi } from '../../app/ui-store';
import { BrowserLogin } from './BrowserLogin';
import { DeviceLogin } from './DeviceLogin';
import { ImportAuthJson } from './ImportAuthJson';

const METHODS = [
  { id: 'browser', name: 'Browser sign-in' },
  { id: 'device', name: 'Device code' },
  { id: 'import', name: 'Import auth.json' },
] as const;
type Method = (typeof METHODS)[number]['id'];

/** The "Add account" dialog: browser sign-in, device code, or import. */
export function AddAccountDialog() {
  const open = useUi((s) => s.addAccountOpen);
  const setOpen = useUi((s) => s.setAddAccountOpen);
  const [method, setMethod] = useState<Method>('browser');
  return (
    <Dialog open={open} title="Add an account" onClose={() => setOpen(false)} testId="add-account-dialog">
      <fieldset className="segmented">
        <legend className="visually-hidden">How to add the account</legend>
        {METHODS.map((m) => (
          <label key={m.id} className={method === m.id ? 'selected' : ''}>
            <input
              type="radio"
              name="add-method"
              value={m.id}
              checked={method === m.id}
              onChange={() => setMethod(m.id)}
            />
            {m.name}
          </label>
        ))}
      </fieldset>
      {method === 'browser' && <BrowserLogin />}
      {method === 'device' && <DeviceLogin />}
      {method === 'import' && <ImportAuthJson />}
    </Dialog>
  );
}
