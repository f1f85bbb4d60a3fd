import { useEffect, useRef, useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { gql } from '../api/client';
import { CreateWatchlistDocument, DeleteWatchlistDocument, UpdateWatchlistDocument, WatchlistsDocument } from '../api/documents';
import { useQuery } from '../api/hooks';
import { useQuotes } from '../api/useQuotes';
import { ErrorNote, FieldError, Num, Panel, problemOf, type FieldProblem } from '../components/ui';
import { watchlistField, type WatchlistField } from '../lib/errors';
import type { Quote } from '../lib/quotes';
import { addSymbol, moveSymbol, nameError, parseSymbols } from '../lib/watchlists';
import type { WatchlistsQuery } from '../../generated/graphql';

type Watchlist = WatchlistsQuery['myWatchlists'][number];
type Problems = Partial<Record<WatchlistField, FieldProblem>>;

/** The id of the datalist of listed symbols the symbol fields suggest from. */
const LISTED = 'listed-symbols';

function CreateForm({ listed, onCreated }: { listed: string[]; onCreated: (list: Watchlist) => void }) {
  const [name, setName] = useState('');
  const [symbols, setSymbols] = useState('');
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  // A problem concerns the form as it was sent: editing it clears it.
  useEffect(() => setProblems({}), [name, symbols]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy) return;
    setDone(null);
    const wrongName = nameError(name);
    const parsed = parseSymbols(symbols);
    if (wrongName || 'error' in parsed) {
      setProblems({ name: wrongName ? { text: wrongName } : undefined, symbols: 'error' in parsed ? { text: parsed.error } : undefined });
      return;
    }
    setBusy(true);
    try {
      const list = (await gql(CreateWatchlistDocument, { name: name.trim(), symbols: parsed.symbols })).createWatchlist;
      setName('');
      setSymbols('');
      setDone(`Created ${list.name}.`);
      onCreated(list);
    } catch (err) {
      setProblems(problemOf(err, watchlistField));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="stack" aria-label="New watchlist" onSubmit={submit}>
      <label>
        Name
        <input
          name="name"
          autoComplete="off"
          placeholder="Tech"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={!!problems.name}
          aria-describedby="new-name-error"
        />
        <FieldError id="new-name-error" problem={problems.name} />
      </label>
      <label>
        Symbols
        <input
          name="symbols"
          autoComplete="off"
          autoCapitalize="characters"
          placeholder="ACME, BOLT"
          value={symbols}
          onChange={(e) => setSymbols(e.target.value)}
          aria-invalid={!!problems.symbols}
          aria-describedby="new-symbols-error new-symbols-hint"
        />
        <FieldError id="new-symbols-error" problem={problems.symbols} />
      </label>
      <p className="muted small" id="new-symbols-hint">
        Separated by commas or spaces, in the order to show them; listed now: {listed.join(' · ')}.
      </p>
      <FieldError id="new-form-error" problem={problems.form} />
      {done && (
        <p className="ok" role="status">
          {done}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Create watchlist
      </button>
    </form>
  );
}

function ListPanel({
  list,
  quotes,
  onChanged,
  onDeleted,
}: {
  list: Watchlist;
  quotes: Record<string, Quote>;
  onChanged: (list: Watchlist) => void;
  onDeleted: (id: string) => void;
}) {
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(list.name);
  const [adding, setAdding] = useState('');
  const [confirming, setConfirming] = useState(false);
  const [problems, setProblems] = useState<Problems>({});
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLDivElement>(null);
  // After a move, the moved symbol's button keeps the focus (or its other one, at an edge).
  const [refocus, setRefocus] = useState<{ symbol: string; by: number } | null>(null);
  useEffect(() => {
    if (!refocus) return;
    const index = list.symbols.indexOf(refocus.symbol);
    const up = refocus.by < 0;
    const atEdge = up ? index === 0 : index === list.symbols.length - 1;
    const direction = up === atEdge ? 'down' : 'up';
    panel.current?.querySelector<HTMLButtonElement>(`tr[data-symbol="${refocus.symbol}"] button[data-move="${direction}"]`)?.focus();
    setRefocus(null);
  }, [list.symbols, refocus]);

  async function update(changes: { name?: string; symbols?: string[] }): Promise<boolean> {
    if (busy) return false;
    setBusy(true);
    setProblems({});
    try {
      onChanged((await gql(UpdateWatchlistDocument, { id: list.id, ...changes })).updateWatchlist);
      return true;
    } catch (err) {
      setProblems(problemOf(err, watchlistField));
      return false;
    } finally {
      setBusy(false);
    }
  }

  async function rename(e: FormEvent) {
    e.preventDefault();
    const wrong = nameError(name);
    if (wrong) {
      setProblems({ name: { text: wrong } });
      return;
    }
    if (name.trim() === list.name || (await update({ name: name.trim() }))) setRenaming(false);
  }

  async function add(e: FormEvent) {
    e.preventDefault();
    const next = addSymbol(list.symbols, adding);
    if ('error' in next) {
      setProblems({ symbols: { text: next.error } });
      return;
    }
    if (await update({ symbols: next.symbols })) setAdding('');
  }

  async function move(symbol: string, by: number) {
    if (await update({ symbols: moveSymbol(list.symbols, list.symbols.indexOf(symbol), by) })) setRefocus({ symbol, by });
  }

  async function remove() {
    if (busy) return;
    setBusy(true);
    setProblems({});
    try {
      await gql(DeleteWatchlistDocument, { id: list.id });
      onDeleted(list.id);
    } catch (err) {
      setProblems(problemOf(err, watchlistField));
      setBusy(false);
    }
  }

  return (
    <Panel
      title={list.name}
      label={`Watchlist ${list.name}`}
      className="watchlist"
      actions={
        <div className="buttons">
          <button
            type="button"
            className="secondary small"
            aria-expanded={renaming}
            aria-label={`Rename ${list.name}`}
            onClick={() => {
              setName(list.name);
              setProblems({});
              setRenaming(!renaming);
            }}
          >
            Rename
          </button>
          <button type="button" className="secondary small" aria-expanded={confirming} aria-label={`Delete ${list.name}`} onClick={() => setConfirming(true)}>
            Delete
          </button>
        </div>
      }
    >
      <div ref={panel} className="stack">
        {confirming && (
          <div
            className="notice warn confirm"
            role="group"
            aria-label={`Delete ${list.name}?`}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setConfirming(false);
            }}
          >
            <span>Delete the watchlist {list.name}? Its symbols stay listed; only this list goes.</span>
            <div className="buttons">
              <button type="button" className="danger small" disabled={busy} onClick={remove}>
                Delete {list.name}
              </button>
              <button type="button" className="secondary small" autoFocus onClick={() => setConfirming(false)}>
                Keep it
              </button>
            </div>
          </div>
        )}
        {renaming && (
          <form
            className="inline"
            aria-label={`Rename ${list.name}`}
            onSubmit={rename}
            onKeyDown={(e) => {
              if (e.key === 'Escape') setRenaming(false);
            }}
          >
            <label>
              New name
              <input
                name="name"
                autoComplete="off"
                autoFocus
                value={name}
                onChange={(e) => {
                  setName(e.target.value);
                  setProblems({});
                }}
                aria-invalid={!!problems.name}
                aria-describedby={`rename-${list.id}-error`}
              />
              <FieldError id={`rename-${list.id}-error`} problem={problems.name} />
            </label>
            <div className="buttons">
              <button type="submit" disabled={busy}>
                Save name
              </button>
              <button type="button" className="secondary" onClick={() => setRenaming(false)}>
                Cancel
              </button>
            </div>
          </form>
        )}
        <FieldError id={`list-${list.id}-error`} problem={problems.form} />
        <div className="table-wrap">
          <table className="grid fixed" data-testid="watchlist">
            <thead>
              <tr>
                <th>Symbol</th>
                <th className="r">Last</th>
                <th className="r">Change</th>
                <th className="r hide-sm">Bid</th>
                <th className="r hide-sm">Ask</th>
                <th className="order-col" />
              </tr>
            </thead>
            <tbody>
              {list.symbols.map((symbol, i) => {
                const q = quotes[symbol];
                return (
                  <tr key={symbol} data-symbol={symbol} data-sequence={q?.sequence ?? ''}>
                    <td>
                      <Link href={`/company/${symbol}`} className="sym">
                        {symbol}
                      </Link>
                    </td>
                    <td className="r">
                      <Num value={q?.last} />
                    </td>
                    <td className="r">
                      <Num value={q?.changePercent} percent />
                    </td>
                    <td className="r hide-sm">
                      <Num value={q?.bid} />
                    </td>
                    <td className="r hide-sm">
                      <Num value={q?.ask} />
                    </td>
                    <td className="r actions">
                      <button
                        type="button"
                        className="secondary small"
                        data-move="up"
                        aria-label={`Move ${symbol} up`}
                        disabled={i === 0}
                        onClick={() => move(symbol, -1)}
                      >
                        ↑
                      </button>
                      <button
                        type="button"
                        className="secondary small"
                        data-move="down"
                        aria-label={`Move ${symbol} down`}
                        disabled={i === list.symbols.length - 1}
                        onClick={() => move(symbol, 1)}
                      >
                        ↓
                      </button>
                      <button
                        type="button"
                        className="secondary small"
                        aria-label={`Remove ${symbol}`}
                        onClick={() => update({ symbols: list.symbols.filter((s) => s !== symbol) })}
                      >
                        <span className="hide-sm">Remove</span>
                        <span className="show-sm" aria-hidden="true">
                          ✕
                        </span>
                      </button>
                    </td>
                  </tr>
                );
              })}
              {list.symbols.length === 0 && (
                <tr>
                  <td colSpan={6} className="muted">
                    No symbols yet: add one below.
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
        <form className="inline" aria-label={`Add a symbol to ${list.name}`} onSubmit={add}>
          <label>
            Add a symbol
            <input
              name="symbol"
              list={LISTED}
              autoComplete="off"
              autoCapitalize="characters"
              placeholder="ACME"
              value={adding}
              onChange={(e) => {
                setAdding(e.target.value);
                setProblems({});
              }}
              aria-invalid={!!problems.symbols}
              aria-describedby={`add-${list.id}-error`}
            />
            <FieldError id={`add-${list.id}-error`} problem={problems.symbols} />
          </label>
          <button type="submit" disabled={busy}>
            Add
          </button>
        </form>
      </div>
    </Panel>
  );
}

export default function WatchlistsPage() {
  const { data, error } = useQuery(WatchlistsDocument);
  const [lists, setLists] = useState<Watchlist[]>([]);
  useEffect(() => {
    if (data) setLists(data.myWatchlists);
  }, [data]);
  const quotes = useQuotes(
    [...new Set(lists.flatMap((l) => l.symbols))],
    lists.flatMap((l) => l.quotes),
  );
  const listed = (data?.companies ?? []).map((c) => c.symbol);
  return (
    <div className="page with-side">
      <div className="side">
        <ErrorNote error={error} />
        {lists.map((list) => (
          <ListPanel
            key={list.id}
            list={list}
            quotes={quotes}
            onChanged={(changed) => setLists((ls) => ls.map((l) => (l.id === changed.id ? changed : l)))}
            onDeleted={(id) => setLists((ls) => ls.filter((l) => l.id !== id))}
          />
        ))}
        {data && lists.length === 0 && (
          <Panel title="Watchlists">
            <p className="muted" data-testid="no-watchlists">
              No watchlists yet: make one with its symbols, and follow their prices here live.
            </p>
          </Panel>
        )}
      </div>
      <Panel title="New watchlist">
        <CreateForm listed={listed} onCreated={(list) => setLists((ls) => [...ls, list])} />
      </Panel>
      <datalist id={LISTED}>
        {listed.map((s) => (
          <option key={s} value={s} />
        ))}
      </datalist>
    </div>
  );
}
