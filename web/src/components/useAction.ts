import { useState } from 'react';
import { ApiError } from '../api/client';
import type { describe } from '../lib/errors';
import { problemOf, type FieldProblem } from './ui';

/** Runs one mutation at a time and keeps its outcome for display. */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  async function run(what: () => Promise<string>) {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      setDone(await what());
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError('INTERNAL', String(e)));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, done, run };
}

/** Each field's problem ('form' for the form as a whole). */
type Problems<F extends string> = Partial<Record<F, FieldProblem>>;

/**
 * Like useAction, for a form whose fields show their own problems: those found before
 * sending (`refuse`), and the server's refusal beside the field it concerns (`fieldOf`),
 * in `words` when the form has its own.
 */
export function useFormAction<F extends string>(fieldOf: (code: string, message: string) => F, words?: typeof describe) {
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [problems, setProblems] = useState<Problems<F>>({});
  function refuse(found: Partial<Record<F, string>>) {
    setDone(null);
    setProblems(Object.fromEntries(Object.entries(found).map(([field, text]) => [field, { text }])) as Problems<F>);
  }
  async function run(what: () => Promise<string>) {
    setBusy(true);
    setProblems({});
    setDone(null);
    try {
      setDone(await what());
    } catch (e) {
      setProblems(problemOf(e, fieldOf, words));
    } finally {
      setBusy(false);
    }
  }
  return { busy, done, problems, refuse, run };
}
