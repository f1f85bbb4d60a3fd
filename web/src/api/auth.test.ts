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
});
