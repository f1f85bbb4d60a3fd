import { useState, type FormEvent } from 'react';
import { Link, useLocation } from 'wouter';
import { ApiError, gql, session } from '../api/client';
import { LoginDocument, RegisterDocument } from '../api/documents';
import type { Tokens } from '../api/auth';
import { ErrorNote } from '../components/ui';

export function SignInPage() {
  const [, navigate] = useLocation();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const ended = session.endedBecause;
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const data = await gql(LoginDocument, { username, password });
      session.signIn(data.login as Tokens);
      navigate('/portfolio');
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }
  return (
    <section className="panel narrow">
      <h1>Sign in</h1>
      {ended && (
        <p className="notice" data-testid="session-ended">
          {ended}
        </p>
      )}
      <form onSubmit={submit} className="stack">
        <label>
          Username
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
        </label>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
      </form>
      <p className="muted">
        New here? <Link href="/signup">Open an account</Link>
      </p>
    </section>
  );
}

export function SignUpPage() {
  const [, navigate] = useLocation();
  const [form, setForm] = useState({ username: '', password: '', displayName: '', role: 'INDIVIDUAL' as 'INDIVIDUAL' | 'CORPORATE' });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const data = await gql(RegisterDocument, { input: { ...form, displayName: form.displayName || form.username } });
      session.signIn(data.register as Tokens);
      navigate('/portfolio');
    } catch (err) {
      setError(err as ApiError);
    } finally {
      setBusy(false);
    }
  }
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) => setForm({ ...form, [k]: e.target.value });
  return (
    <section className="panel narrow">
      <h1>Open an account</h1>
      <form onSubmit={submit} className="stack">
        <label>
          Username
          <input name="username" autoComplete="username" required value={form.username} onChange={set('username')} />
        </label>
        <label>
          Display name
          <input name="displayName" autoComplete="nickname" value={form.displayName} onChange={set('displayName')} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="new-password" required value={form.password} onChange={set('password')} />
        </label>
        <fieldset className="choice">
          <legend>Account type</legend>
          <label>
            <input type="radio" name="role" value="INDIVIDUAL" checked={form.role === 'INDIVIDUAL'} onChange={set('role')} /> Individual
          </label>
          <label>
            <input type="radio" name="role" value="CORPORATE" checked={form.role === 'CORPORATE'} onChange={set('role')} /> Corporate (issues a company)
          </label>
        </fieldset>
        <ErrorNote error={error} />
        <button type="submit" disabled={busy}>
          Sign up
        </button>
      </form>
      <p className="muted">
        Have an account? <Link href="/signin">Sign in</Link>
      </p>
    </section>
  );
}
