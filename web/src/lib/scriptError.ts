/** Where a script error points ("... line 3, column 7: ..."), 1-based. */
export function errorPosition(message: string): { line: number; column: number | null } | null {
  const m = /line (\d+)(?:, column (\d+))?/.exec(message);
  if (!m) return null;
  return { line: Number(m[1]), column: m[2] ? Number(m[2]) : null };
}

/** The message without its "line L, column C: " part, which is shown apart. */
export function withoutPosition(message: string): string {
  const text = message.replace(/(^|\s)line \d+(, column \d+)?:\s*/, '$1').trim();
  return text ? `${text[0].toUpperCase()}${text.slice(1)}` : message;
}
