import { useEffect, useId, useState } from "react";

interface DemoUser {
  org: string;
  role: string;
  user: string;
  token: string;
}

/** Development only: pick one of the demo users `make up` seeds (tokens signed by the dev server). */
export default function DevSignIn({ token, onToken }: { token: string | null; onToken: (token: string) => void }) {
  const [users, setUsers] = useState<DemoUser[]>([]);
  const id = useId();
  useEffect(() => {
    fetch("/dev/tokens.json").then((r) => (r.ok ? r.json() : []), () => []).then(setUsers);
  }, []);
  if (!users.length) return null;
  const current = users.find((u) => u.token === token)?.user ?? "";
  return (
    <div className="console-signin">
      <label htmlFor={id}>Sign in as (dev)</label>
      <select id={id} value={current} onChange={(e) => onToken(users.find((u) => u.user === e.target.value)!.token)}>
        <option value="" disabled>Choose a demo user…</option>
        {users.map((u) => <option key={u.user} value={u.user}>{u.org} · {u.role}</option>)}
      </select>
    </div>
  );
}
