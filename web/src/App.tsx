import { lazy, Suspense, useEffect } from 'react';
import { Link, Redirect, Route, Switch, useLocation } from 'wouter';
import { session } from './api/client';
import { useAccount, useCompetitionSeat, useLink, useQuery } from './api/hooks';
import { MeDocument } from './api/documents';
import type { Account } from './api/auth';
import { AlertNotices } from './components/AlertNotices';
import { MarketPage } from './pages/Market';
import { SignInPage, SignUpPage } from './pages/Auth';

const CompanyPage = lazy(() => import('./pages/Company'));
const PortfolioPage = lazy(() => import('./pages/Portfolio'));
const OrdersPage = lazy(() => import('./pages/Orders'));
const LeaderboardsPage = lazy(() => import('./pages/Leaderboards'));
const ControlPage = lazy(() => import('./pages/Control'));
const BotsPage = lazy(() => import('./pages/Bots'));
const ScenariosPage = lazy(() => import('./pages/Scenarios'));
const CompetitionsPage = lazy(() => import('./pages/Competitions'));
const CompetitionPage = lazy(() => import('./pages/Competitions').then((m) => ({ default: m.CompetitionPage })));
const PerformancePage = lazy(() => import('./pages/Performance'));
const WatchlistsPage = lazy(() => import('./pages/Watchlists'));
const AlertsPage = lazy(() => import('./pages/Alerts'));

function Nav() {
  const account = useAccount();
  const [location] = useLocation();
  const staff = account?.role === 'ADMIN' || account?.role === 'INSTRUCTOR';
  const links: [string, string][] = [['/', 'Market']];
  if (account) {
    links.push(['/portfolio', 'Portfolio'], ['/orders', 'Orders'], ['/performance', 'Performance']);
    links.push(['/watchlists', 'Watchlists'], ['/alerts', 'Alerts']);
  }
  links.push(['/leaderboards', 'Leaders'], ['/competitions', 'Competitions']);
  if (staff || account?.role === 'CORPORATE') links.push(['/control', 'Control']);
  if (staff) links.push(['/bots', 'Bots'], ['/scenarios', 'Scenarios']);
  return (
    <nav className="nav" aria-label="Main">
      {links.map(([href, label]) => {
        const here = location === href || (href !== '/' && location.startsWith(`${href}/`));
        return (
          <Link key={href} href={href} className={here ? 'active' : undefined} aria-current={location === href ? 'page' : undefined}>
            {label}
          </Link>
        );
      })}
    </nav>
  );
}

function LinkState() {
  const link = useLink();
  return link === 'down' ? (
    <div className="banner down" role="status" data-testid="disconnected">
      Disconnected from the server — reconnecting…
    </div>
  ) : null;
}

/** While the session trades as a competition's account, says so on every page, with the way back. */
function CompetitionBar() {
  const seat = useCompetitionSeat();
  const [, navigate] = useLocation();
  if (!seat) return null;
  return (
    <div className="seat" role="status" data-testid="competition-bar">
      <span>
        Trading in competition{' '}
        <Link href={`/competitions/${seat.id}`} className="sym">
          {seat.name}
        </Link>{' '}
        with its own account —
      </span>
      <button
        type="button"
        className="secondary small"
        onClick={() => {
          session.leaveCompetition();
          navigate(`/competitions/${seat.id}`);
        }}
      >
        Back to main account
      </button>
    </div>
  );
}

function Header() {
  const account = useAccount();
  const link = useLink();
  return (
    <header className="top">
      <Link href="/" className="brand">
        MarketLab
      </Link>
      <Nav />
      <div className="who">
        <span
          className={`dot ${link}`}
          title={link === 'live' ? 'Live' : link === 'down' ? 'Disconnected' : 'Connecting'}
          data-testid="link"
          data-link={link}
        />
        {account ? (
          <>
            <span className="muted" data-testid="who">
              {account.displayName} <small>({account.role.toLowerCase()})</small>
            </span>
            <button type="button" className="link" onClick={() => session.signOut()}>
              Sign out
            </button>
          </>
        ) : (
          <>
            <Link href="/signin">Sign in</Link>
            <Link href="/signup" className="button small">
              Sign up
            </Link>
          </>
        )}
      </div>
    </header>
  );
}

function RequireAccount({ children }: { children: React.ReactNode }) {
  const account = useAccount();
  return account ? <>{children}</> : <Redirect to="/signin" />;
}

/** The account's role as the server has it now: a granted role shows without signing in again. */
function AccountWatch() {
  const account = useAccount();
  const { data } = useQuery(MeDocument, undefined, account === null);
  useEffect(() => {
    if (data) session.updateAccount(data.me as Account);
  }, [data]);
  return null;
}

/** A session that ends (reused refresh token, sign-out elsewhere) lands on sign-in once. */
function SessionWatch() {
  const account = useAccount();
  const [location, navigate] = useLocation();
  useEffect(() => {
    if (account === null && session.endedBecause && location !== '/signin') navigate('/signin');
  }, [account, location, navigate]);
  return null;
}

export function App() {
  return (
    <>
      <Header />
      <CompetitionBar />
      <LinkState />
      <SessionWatch />
      <AccountWatch />
      <AlertNotices />
      <main>
        <Suspense fallback={<p className="muted">Loading…</p>}>
          <Switch>
            <Route path="/" component={MarketPage} />
            <Route path="/signin" component={SignInPage} />
            <Route path="/signup" component={SignUpPage} />
            <Route path="/company/:symbol">{(p) => <CompanyPage symbol={p.symbol.toUpperCase()} />}</Route>
            <Route path="/leaderboards" component={LeaderboardsPage} />
            <Route path="/competitions" component={CompetitionsPage} />
            <Route path="/competitions/:id">{(p) => <CompetitionPage id={p.id} />}</Route>
            <Route path="/portfolio">
              <RequireAccount>
                <PortfolioPage />
              </RequireAccount>
            </Route>
            <Route path="/orders">
              <RequireAccount>
                <OrdersPage />
              </RequireAccount>
            </Route>
            <Route path="/performance">
              <RequireAccount>
                <PerformancePage />
              </RequireAccount>
            </Route>
            <Route path="/watchlists">
              <RequireAccount>
                <WatchlistsPage />
              </RequireAccount>
            </Route>
            <Route path="/alerts">
              <RequireAccount>
                <AlertsPage />
              </RequireAccount>
            </Route>
            <Route path="/control">
              <RequireAccount>
                <ControlPage />
              </RequireAccount>
            </Route>
            <Route path="/bots">
              <RequireAccount>
                <BotsPage />
              </RequireAccount>
            </Route>
            <Route path="/scenarios">
              <RequireAccount>
                <ScenariosPage />
              </RequireAccount>
            </Route>
            <Route>
              <section className="panel">
                <h1>Not found</h1>
                <p>
                  <Link href="/">Back to the market</Link>
                </p>
              </section>
            </Route>
          </Switch>
        </Suspense>
      </main>
    </>
  );
}
