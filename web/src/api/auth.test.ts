import { describe, expect, it } from 'vitest';
import { needsRefresh, RefreshRefused, Session, type Storage, type Tokens } from './auth';

class Memory implements Storage {
  map = new Map<string, string>();
  getItem(k: string) {
    return this.map.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.map.set(k, v);
  }
  removeItem(k: string) {
    this.map.delete(k);
  }
}

const NOW = Date.parse('2026-12-06T12:00:00Z');
const tokens = (n: number, expiresInS: number): Tokens => ({
  accessToken: `access${n}`,
  refreshToken: `refresh${n}`,
  expiresAt: new Date(NOW + expiresInS * 1000).toISOString(),
  account: { id: '1', username: 'ann', displayName: 'Ann', role: 'INDIVIDUAL' },
});
const noLock = <T>(run: () => Promise<T>) => run();

describe('token refresh', () => {
  it('refreshes only near expiry', () => {
    expect(needsRefresh(tokens(1, 900), NOW)).toBe(false);
    expect(needsRefresh(tokens(1, 30), NOW)).toBe(true);
  });

  it('uses the access token while fresh, then swaps the refresh token once for concurrent callers', async () => {
    const storage = new Memory();
    let calls = 0;
    const s = new Session(
      storage,
      async (rt) => {
        calls += 1;
        expect(rt).toBe('refresh1');
        return tokens(2, 900);
      },
      () => NOW,
      noLock,
    );
    s.signIn(tokens(1, 900));
    expect(await s.accessToken()).toBe('access1');
    s.signIn(tokens(1, 10));
    const [a, b] = await Promise.all([s.accessToken(), s.accessToken()]);
    expect([a, b]).toEqual(['access2', 'access2']);
    expect(calls).toBe(1);
    expect(JSON.parse(storage.getItem('marketlab.session')!).refreshToken).toBe('refresh2');
  });

  it('signs out once when the server refuses the refresh token (reused)', async () => {
    const storage = new Memory();
    const s = new Session(
      storage,
      async () => {
        throw new RefreshRefused('refresh token reused');
      },
      () => NOW,
      noLock,
    );
    let events = 0;
    s.subscribe(() => (events += 1));
    s.signIn(tokens(1, 10));
    expect(await s.accessToken()).toBeNull();
    expect(s.account).toBeNull();
    expect(s.endedBecause).toMatch(/sign in again/);
    expect(storage.getItem('marketlab.session')).toBeNull();
    expect(await s.accessToken()).toBeNull();
    expect(events).toBe(2);
  });

  it('keeps the session through a network failure', async () => {
    const s = new Session(
      new Memory(),
      async () => {
        throw new Error('offline');
      },
      () => NOW,
      noLock,
    );
    s.signIn(tokens(1, 10));
    await expect(s.accessToken()).rejects.toThrow('offline');
    expect(s.account).not.toBeNull();
  });

  it('takes a token another tab refreshed instead of spending the old one', async () => {
    const storage = new Memory();
    let calls = 0;
    const s = new Session(
      storage,
      async () => {
        calls += 1;
        return tokens(9, 900);
      },
      () => NOW,
      noLock,
    );
    s.signIn(tokens(1, 10));
    storage.setItem('marketlab.session', JSON.stringify(tokens(2, 900)));
    expect(await s.accessToken()).toBe('access2');
    expect(calls).toBe(0);
  });

  it("trades in a competition as its account and comes back to the main account's tokens", async () => {
    const storage = new Memory();
    const s = new Session(
      storage,
      async () => tokens(9, 900),
      () => NOW,
      noLock,
    );
    const main = tokens(1, 900);
    const seat = { ...tokens(2, 900), account: { id: '7', username: 'ann#3', displayName: 'Ann', role: 'INDIVIDUAL' as const } };
    let events = 0;
    s.subscribe(() => (events += 1));
    s.signIn(main);
    s.enterCompetition(seat, { id: '3', name: 'Autumn class' });
    expect(s.account?.id).toBe('7');
    expect(s.competition).toEqual({ id: '3', name: 'Autumn class' });
    expect(await s.accessToken()).toBe('access2');
    // Another tab (a reload) sees the same: the competition and the way back.
    const other = new Session(
      storage,
      async () => tokens(9, 900),
      () => NOW,
      noLock,
    );
    expect(other.account?.id).toBe('7');
    expect(other.competition?.name).toBe('Autumn class');

    s.leaveCompetition();
    expect(s.account?.id).toBe('1');
    expect(s.competition).toBeNull();
    expect(await s.accessToken()).toBe('access1');
    expect(storage.getItem('marketlab.main')).toBeNull();
    expect(events).toBe(3);
    other.reload();
    expect(other.account?.id).toBe('1');
    expect(other.competition).toBeNull();
  });

  it('signs out of both accounts at once', () => {
    const storage = new Memory();
    const s = new Session(
      storage,
      async () => tokens(9, 900),
      () => NOW,
      noLock,
    );
    s.signIn(tokens(1, 900));
    s.enterCompetition(tokens(2, 900), { id: '3', name: 'Autumn class' });
    s.signOut();
    expect(s.account).toBeNull();
    expect(s.competition).toBeNull();
    expect(storage.map.size).toBe(0);
    // Leaving with nothing to come back to changes nothing.
    s.leaveCompetition();
    expect(s.account).toBeNull();
  });

  it('refreshes a main account that waited aside past its access token', async () => {
    const storage = new Memory();
    let now = NOW;
    const s = new Session(
      storage,
      async (rt) => (rt === 'refresh1' ? tokens(3, 900) : tokens(9, 900)),
      () => now,
      noLock,
    );
    s.signIn(tokens(1, 900));
    s.enterCompetition(tokens(2, 3600), { id: '3', name: 'Autumn class' });
    now += 1_800_000;
    s.leaveCompetition();
    expect(await s.accessToken()).toBe('access3');
  });
});
