import { useEffect, useState } from 'react';
import { ApiError, gql } from '../api/client';
import { BotsDocument, BotsTableDocument, SaveBotScriptDocument, StartBotsDocument, StopBotDocument } from '../api/documents';
import { useQuery } from '../api/hooks';
import { ScriptEditor, type EditorMark } from '../components/Editor';
import { ErrorNote, Num, Panel } from '../components/ui';
import { useAction } from '../components/useAction';
import { isDecimal } from '../lib/money';
import { errorPosition, withoutPosition } from '../lib/scriptError';

const STARTER = `// Bids one tick under the best bid, re-deciding every two seconds.
fn on_tick(ctx) {
    let symbol = ctx.param("symbol") ?? ctx.symbols[0];
    ctx.wake_in(2000);
    ctx.cancel_all(symbol);
    let bid = ctx.best_bid(symbol);
    if bid != () && ctx.available_cash > bid * 10.0 {
        ctx.buy(symbol, bid - ctx.tick_size(symbol), 10);
    }
}
`;

function BotsTable() {
  const { data, error, reload } = useQuery(BotsTableDocument);
  const stop = useAction();
  useEffect(() => {
    const timer = setInterval(reload, 2_000);
    return () => clearInterval(timer);
  }, [reload]);
  const bots = [...(data?.bots ?? [])].sort((a, b) => Number(b.id) - Number(a.id));
  return (
    <Panel title={`Bots (${bots.length})`} className="wide">
      <ErrorNote error={error ?? stop.error} />
      <div className="table-wrap tall">
        <table className="grid compact" data-testid="bots-table">
          <thead>
            <tr>
              <th className="r">ID</th>
              <th>Script</th>
              <th>Status</th>
              <th className="r">Equity</th>
              <th className="r">Profit</th>
              <th className="hide-sm">Error</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {bots.map((b) => (
              <tr key={b.id} data-bot={b.id} data-script={b.script} data-status={b.status}>
                <td className="r num">{b.id}</td>
                <td>{b.script}</td>
                <td>
                  <span className={`badge ${b.status === 'RUNNING' ? 'ok' : b.status === 'FAILED' ? 'warn' : ''}`}>{b.status.toLowerCase()}</span>
                </td>
                <td className="r">
                  <Num value={b.equity} />
                </td>
                <td className="r">
                  <Num value={b.profit} signed />
                </td>
                <td className="hide-sm error-cell">{b.error ?? ''}</td>
                <td className="r">
                  {b.status === 'RUNNING' && (
                    <button
                      type="button"
                      className="secondary small"
                      disabled={stop.busy}
                      aria-label={`Stop bot ${b.id}`}
                      onClick={() =>
                        stop.run(async () => {
                          await gql(StopBotDocument, { id: b.id });
                          reload();
                          return `Stopped ${b.id}.`;
                        })
                      }
                    >
                      Stop
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </Panel>
  );
}

export default function BotsPage() {
  const { data, reload } = useQuery(BotsDocument);
  const scripts = data?.botScripts ?? [];
  const [name, setName] = useState('my_bot');
  const [source, setSource] = useState(STARTER);
  const [mark, setMark] = useState<EditorMark | null>(null);
  const save = useAction();
  const start = useAction();
  const [run, setRun] = useState({ script: '', count: '1', cash: '100000.00', params: '{"symbol": "ACME"}' });

  function load(n: string) {
    const s = scripts.find((x) => x.name === n);
    if (s) {
      setName(s.name);
      setSource(s.source);
      setMark(null);
    }
  }

  async function saveScript() {
    setMark(null);
    await save.run(async () => {
      try {
        await gql(SaveBotScriptDocument, { name, source });
      } catch (e) {
        if (e instanceof ApiError && e.code === 'SCRIPT_ERROR') {
          const at = errorPosition(e.message);
          if (at) setMark({ ...at, message: e.message });
        }
        throw e;
      }
      reload();
      setRun((r) => ({ ...r, script: name }));
      return `Saved ${name}.`;
    });
  }

  const position = save.error?.code === 'SCRIPT_ERROR' ? errorPosition(save.error.message) : null;

  return (
    <div className="page bots">
      <div className="bots-top">
        <Panel
          title="Script"
          actions={
            <label className="inline-label">
              Open
              <select value="" onChange={(e) => load(e.target.value)} name="open">
                <option value="">saved scripts…</option>
                {scripts.map((s) => (
                  <option key={s.name}>{s.name}</option>
                ))}
              </select>
            </label>
          }
        >
          <div className="stack">
            <label>
              Name
              <input name="scriptName" value={name} onChange={(e) => setName(e.target.value)} />
            </label>
            <ScriptEditor value={source} onChange={setSource} mark={mark} />
            {position && (
              <p className="error" role="alert" data-testid="script-error">
                Line {position.line}
                {position.column !== null && <>, column {position.column}</>}: {withoutPosition(save.error?.message ?? '')}
              </p>
            )}
            {!position && <ErrorNote error={save.error} />}
            {save.done && (
              <p className="ok" role="status">
                {save.done}
              </p>
            )}
            <div className="buttons">
              <button type="button" onClick={saveScript} disabled={save.busy}>
                Save script
              </button>
            </div>
          </div>
        </Panel>
        <Panel title="Start bots">
          <form
            className="stack"
            aria-label="Start bots"
            onSubmit={(e) => {
              e.preventDefault();
              void start.run(async () => {
                try {
                  JSON.parse(run.params);
                } catch {
                  throw new ApiError('BAD_USER_INPUT', 'params must be a JSON object');
                }
                if (!isDecimal(run.cash)) throw new ApiError('BAD_USER_INPUT', 'cash must be an amount like 100000.00');
                const r = await gql(StartBotsDocument, { input: { script: run.script, count: Number(run.count), cash: run.cash, params: run.params } });
                return `Started ${r.startBots.length} bot${r.startBots.length === 1 ? '' : 's'}.`;
              });
            }}
          >
            <label>
              Script
              <select name="runScript" value={run.script} onChange={(e) => setRun({ ...run, script: e.target.value })} required>
                <option value="">choose…</option>
                {scripts.map((s) => (
                  <option key={s.name}>{s.name}</option>
                ))}
              </select>
            </label>
            <div className="row2">
              <label>
                Count
                <input name="count" inputMode="numeric" value={run.count} onChange={(e) => setRun({ ...run, count: e.target.value })} />
              </label>
              <label>
                Cash each
                <input name="cash" inputMode="decimal" value={run.cash} onChange={(e) => setRun({ ...run, cash: e.target.value })} />
              </label>
            </div>
            <label>
              Params (JSON)
              <textarea name="params" rows={3} value={run.params} onChange={(e) => setRun({ ...run, params: e.target.value })} />
            </label>
            <ErrorNote error={start.error} />
            {start.done && (
              <p className="ok" role="status">
                {start.done}
              </p>
            )}
            <button type="submit" disabled={start.busy}>
              Start
            </button>
          </form>
        </Panel>
      </div>
      <BotsTable />
    </div>
  );
}
