import { useEffect } from 'react';
import { gql } from '../api/client';
import { PauseScenarioDocument, ResumeScenarioDocument, ScenariosDocument, StopScenarioDocument } from '../api/documents';
import { useQuery } from '../api/hooks';
import { ErrorNote, Panel, Time } from '../components/ui';
import { useAction } from '../components/useAction';

export default function ScenariosPage() {
  const { data, error, reload } = useQuery(ScenariosDocument);
  const act = useAction();
  useEffect(() => {
    const timer = setInterval(reload, 3_000);
    return () => clearInterval(timer);
  }, [reload]);
  const runs = data?.scenarioRuns ?? [];
  const control = (label: string, send: (id: string) => Promise<string>, id: string) => (
    <button
      type="button"
      className="secondary small"
      disabled={act.busy}
      onClick={() =>
        act.run(async () => {
          const status = await send(id);
          reload();
          return `Run ${id} is ${status.toLowerCase()}.`;
        })
      }
    >
      {label}
    </button>
  );
  return (
    <div className="page">
      <Panel title="Scenario runs">
        <ErrorNote error={error ?? act.error} />
        {act.done && <p className="ok">{act.done}</p>}
        <p className="muted small">
          Runs appear here when started with <code>marketlab scenario run FILE --live</code>.
        </p>
        <ul className="runs">
          {runs.map((r) => (
            <li key={r.id} className="run">
              <div className="run-head">
                <strong>{r.name}</strong> <span className="badge">{r.status.toLowerCase()}</span>
                <span className="muted small">
                  seed <span className="num">{r.seed}</span> · started <Time at={r.startedAt} full />
                  {r.finishedAt && (
                    <>
                      {' '}
                      · ended <Time at={r.finishedAt} full />
                    </>
                  )}
                </span>
                <span className="buttons">
                  {r.status === 'RUNNING' && control('Pause', async (id) => (await gql(PauseScenarioDocument, { id })).pauseScenario.status, r.id)}
                  {r.status === 'PAUSED' && control('Resume', async (id) => (await gql(ResumeScenarioDocument, { id })).resumeScenario.status, r.id)}
                  {(r.status === 'RUNNING' || r.status === 'PAUSED') &&
                    control('Stop', async (id) => (await gql(StopScenarioDocument, { id })).stopScenario.status, r.id)}
                </span>
              </div>
              {r.summary && (
                <details>
                  <summary>Summary</summary>
                  <pre className="summary">{JSON.stringify(JSON.parse(r.summary), null, 2)}</pre>
                </details>
              )}
            </li>
          ))}
          {data && runs.length === 0 && <li className="muted">No live runs.</li>}
        </ul>
      </Panel>
    </div>
  );
}
