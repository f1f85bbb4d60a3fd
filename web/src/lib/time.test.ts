import { describe, expect, it } from 'vitest';
import { addMinutes, fromLocalInput, toLocalInput } from './time';

describe('datetime-local values', () => {
  it('writes a local time to the minute and reads it back as the same instant', () => {
    const at = new Date(2026, 11, 14, 9, 5, 42);
    expect(toLocalInput(at)).toBe('2026-12-14T09:05');
    expect(fromLocalInput('2026-12-14T09:05')).toBe(new Date(2026, 11, 14, 9, 5).toISOString());
    expect(fromLocalInput(toLocalInput(at))).toMatch(/:00\.000Z$/);
  });
  it('refuses what names no instant', () => {
    expect(fromLocalInput('')).toBeNull();
    expect(fromLocalInput('tomorrow')).toBeNull();
    expect(fromLocalInput('2026-13-40T25:00')).toBeNull();
  });
  it('adds minutes', () => {
    expect(addMinutes(new Date('2026-12-14T09:00:00Z'), 90).toISOString()).toBe('2026-12-14T10:30:00.000Z');
  });
});
