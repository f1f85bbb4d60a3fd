import { useEffect } from 'react';
import { LeaderboardsDocument } from '../api/documents';
import { useQuery } from '../api/hooks';
import { ErrorNote, Num, Panel } from '../components/ui';
import type { LeaderboardsQuery } from '../../generated/graphql';

function Board({ entries, testid }: { entries: LeaderboardsQuery['leaderboard']; testid: string }) {
  return (
    <div className="table-wrap">
      <table className="grid" data-testid={testid}>
        <thead>
          <tr>
            <th className="r">#</th>
            <th>Name</th>
            <th className="r">Equity</th>
            <th className="r">Return</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={e.account.id}>
              <td className="r num">{e.rank}</td>
              <td>
                {e.account.displayName} <span className="muted small">@{e.account.username}</span>
              </td>
              <td className="r">
                <Num value={e.equity} />
              </td>
              <td className="r">
                <Num value={e.returnPercent} percent />
              </td>
            </tr>
          ))}
          {entries.length === 0 && (
            <tr>
              <td colSpan={4} className="muted">
                Nobody yet.
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

export default function LeaderboardsPage() {
  const { data, error, reload } = useQuery(LeaderboardsDocument);
  useEffect(() => {
    const timer = setInterval(reload, 5_000);
    return () => clearInterval(timer);
  }, [reload]);
  return (
    <div className="page two">
      <ErrorNote error={error} />
      <Panel title="Players">
        <Board entries={data?.leaderboard ?? []} testid="players" />
      </Panel>
      <Panel title="Bots">
        <Board entries={data?.botLeaderboard ?? []} testid="bots" />
      </Panel>
    </div>
  );
}
