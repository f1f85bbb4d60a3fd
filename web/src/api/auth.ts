// The session: tokens kept in localStorage, the access token refreshed
// silently before it expires with the rotating refresh token. Refreshes are
// single-flight within a tab and serialized across tabs (Web Locks), and a
// tab re-reads storage first, so two tabs never spend one refresh token
// twice. A refresh the server refuses (a reused or revoked token) ends the
// session: the app shows the sign-in page, once, with no retry loop.
// A player trading in a class competition signs in as its account; the
// main account's tokens wait aside until they come back to it.

export interface Account {
  id: string;
  username: string;
  displayName: string;
  role: 'ADMIN' | 'INSTRUCTOR' | 'INDIVIDUAL' | 'CORPORATE' | 'BOT';
}

export interface Tokens {
  accessToken: string;
  refreshToken: string;
  /** RFC 3339. */
  expiresAt: string;
  account: Account;
}

/** The competition whose account the session is signed in as. */
export interface CompetitionSeat {
  id: string;
  name: string;
}

/** The main account's tokens, kept while the session trades in a competition. */
interface Aside {
  main: Tokens;
  competition: CompetitionSeat;
}

export interface Storage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** Swaps a refresh token; throws `RefreshRefused` when the server says no. */
export type Refresher = (refreshToken: string) => Promise<Tokens>;

export class RefreshRefused extends Error {}

const KEY = 'marketlab.session';
const ASIDE_KEY = 'marketlab.main';
/** Refresh this long before the access token expires. */
export const REFRESH_MARGIN_MS = 60_000;

export function needsRefresh(tokens: Tokens, nowMs: number, marginMs = REFRESH_MARGIN_MS): boolean {
  return Date.parse(tokens.expiresAt) - nowMs <= marginMs;
}

type Lock = <T>(run: () => Promise<T>) => Promise<T>;

const webLock: Lock = (run) => (typeof navigator !== 'undefined' && navigator.locks ? navigator.locks.request('marketlab.refresh', run) : run());

export class Session {
  private tokens: Tokens | null;
  private aside: Aside | null;
  private inflight: Promise<string | null> | null = null;
  private listeners = new Set<() => void>();
  /** Why the last session ended, for the sign-in page. */
  endedBecause: string | null = null;

  constructor(
    private storage: Storage,
    private refresher: Refresher,
    private now: () => number = Date.now,
    private lock: Lock = webLock,
  ) {
    this.tokens = this.read();
    this.aside = this.readAside();
  }

  private read(): Tokens | null {
    return this.readKey<Tokens>(KEY);
  }

  private readAside(): Aside | null {
    return this.readKey<Aside>(ASIDE_KEY);
  }

  private readKey<T>(key: string): T | null {
    try {
      const raw = this.storage.getItem(key);
      return raw ? (JSON.parse(raw) as T) : null;
    } catch {
      return null;
    }
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit() {
    for (const l of this.listeners) l();
  }

  get account(): Account | null {
    return this.tokens?.account ?? null;
  }

  /** The competition the session trades in, null on the main account. */
  get competition(): CompetitionSeat | null {
    return this.aside?.competition ?? null;
  }

  signIn(tokens: Tokens) {
    this.tokens = tokens;
    this.endedBecause = null;
    this.storage.setItem(KEY, JSON.stringify(tokens));
    this.emit();
  }

  /** Signs in as a competition's account (`competitionToken`), keeping the main account's tokens to come back to. */
  enterCompetition(tokens: Tokens, competition: CompetitionSeat) {
    const main = this.aside?.main ?? this.tokens;
    if (main === null) return;
    this.aside = { main, competition };
    this.storage.setItem(ASIDE_KEY, JSON.stringify(this.aside));
    this.signIn(tokens);
  }

  /** Back to the main account from a competition's. */
  leaveCompetition() {
    const aside = this.aside;
    if (aside === null) return;
    this.aside = null;
    this.storage.removeItem(ASIDE_KEY);
    this.signIn(aside.main);
  }

  /** The account as the server now sees it (a role granted since sign-in). */
  updateAccount(account: Account) {
    const tokens = this.tokens;
    if (tokens === null || tokens.account.id !== account.id) return;
    if (JSON.stringify(tokens.account) === JSON.stringify(account)) return;
    this.tokens = { ...tokens, account };
    this.storage.setItem(KEY, JSON.stringify(this.tokens));
    this.emit();
  }

  signOut(reason: string | null = null) {
    if (this.tokens === null && reason === this.endedBecause) return;
    this.tokens = null;
    this.aside = null;
    this.endedBecause = reason;
    this.storage.removeItem(KEY);
    this.storage.removeItem(ASIDE_KEY);
    this.emit();
  }

  /** Another tab changed the session. */
  reload() {
    const stored = this.read();
    const aside = this.readAside();
    if (stored?.refreshToken !== this.tokens?.refreshToken || aside?.main.refreshToken !== this.aside?.main.refreshToken) {
      this.tokens = stored;
      this.aside = aside;
      this.emit();
    }
  }

  /** A valid access token, refreshed first when it is about to expire; null when signed out. */
  accessToken(): Promise<string | null> {
    const tokens = this.tokens;
    if (tokens === null) return Promise.resolve(null);
    if (!needsRefresh(tokens, this.now())) return Promise.resolve(tokens.accessToken);
    return this.refresh();
  }

  /** Refresh now (also after the server said UNAUTHENTICATED). */
  refresh(): Promise<string | null> {
    if (this.inflight) return this.inflight;
    const run = this.lock(async () => {
      // Another tab may have refreshed while this one waited for the lock.
      const stored = this.read();
      if (stored === null) {
        if (this.tokens !== null) this.signOut('You were signed out.');
        return null;
      }
      if (stored.refreshToken !== this.tokens?.refreshToken && !needsRefresh(stored, this.now())) {
        this.tokens = stored;
        return stored.accessToken;
      }
      try {
        const fresh = await this.refresher(stored.refreshToken);
        this.tokens = fresh;
        this.storage.setItem(KEY, JSON.stringify(fresh));
        return fresh.accessToken;
      } catch (e) {
        if (e instanceof RefreshRefused) {
          this.signOut('Your session ended; please sign in again.');
          return null;
        }
        throw e;
      }
    });
    this.inflight = run.finally(() => {
      this.inflight = null;
    });
    return this.inflight;
  }
}
