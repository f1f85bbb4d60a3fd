import { describe, expect, it } from 'vitest';
import { addSymbol, moveSymbol, nameError, parseSymbols } from './watchlists';

describe('watchlists', () => {
  it('takes a name of 1 to 64 characters', () => {
    expect(nameError('Tech')).toBeNull();
    expect(nameError('  ')).toBe('a name, like Tech');
    expect(nameError('x'.repeat(64))).toBeNull();
    expect(nameError('x'.repeat(65))).toBe('at most 64 characters');
    // Characters, not UTF-16 units, as the server counts them.
    expect(nameError('📈'.repeat(64))).toBeNull();
  });
  it('reads the symbols typed, upper-cased, in order, each once', () => {
    expect(parseSymbols('acme, BOLT  dyna;core')).toEqual({ symbols: ['ACME', 'BOLT', 'DYNA', 'CORE'] });
    expect(parseSymbols(' ')).toEqual({ symbols: [] });
    expect(parseSymbols('ACME, bolt, acme')).toEqual({ error: 'ACME is in the list twice' });
    expect(parseSymbols(Array.from({ length: 101 }, (_, i) => `S${i}`).join(' '))).toEqual({ error: 'at most 100 symbols' });
  });
  it('adds a symbol at the end, once', () => {
    expect(addSymbol(['ACME'], ' bolt ')).toEqual({ symbols: ['ACME', 'BOLT'] });
    expect(addSymbol(['ACME'], 'acme')).toEqual({ error: 'ACME is in this list already' });
    expect(addSymbol(['ACME'], '')).toEqual({ error: 'a symbol, like ACME' });
    expect(
      addSymbol(
        Array.from({ length: 100 }, (_, i) => `S${i}`),
        'ACME',
      ),
    ).toEqual({ error: 'a list holds at most 100 symbols' });
  });
  it('moves a symbol up or down, and not past either end', () => {
    const list = ['ACME', 'BOLT', 'CORE'];
    expect(moveSymbol(list, 2, -1)).toEqual(['ACME', 'CORE', 'BOLT']);
    expect(moveSymbol(list, 0, 1)).toEqual(['BOLT', 'ACME', 'CORE']);
    expect(moveSymbol(list, 0, -1)).toBe(list);
    expect(moveSymbol(list, 2, 1)).toBe(list);
    expect(moveSymbol(list, 5, -1)).toBe(list);
    expect(list).toEqual(['ACME', 'BOLT', 'CORE']);
  });
});
