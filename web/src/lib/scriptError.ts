/** Where a script error points ("... line 3, column 7: ..."), 1-based. */
export function errorPosition(message: string): { line: number; column: number | null } | null {
  const m = /line (\d+)(?:, column (\d+))?/.exec(message);
  if (!m) return null;
  return { line: Number(m[1]), column: m[2] ? Number(m[2]) : null };
}
