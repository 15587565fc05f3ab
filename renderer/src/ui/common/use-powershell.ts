import { useEffect, useState } from 'react';
import { call } from '../../api/client';

/** Whether this machine has PowerShell for the Windows TLS client (app:info), asked once. */
export function usePowerShell(): boolean {
  const [has, setHas] = useState(false);
  useEffect(() => {
    let live = true;
    void call('app:info', {}).then((r) => {
      if (live && r.ok) setHas(!!r.value.powershell);
    });
    return () => {
      live = false;
    };
  }, []);
  return has;
}
