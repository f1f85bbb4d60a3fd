// Times typed into `<input type="datetime-local">` (local, to the minute)
// and the API's RFC 3339 UTC instants.

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

/** "2026-12-14T09:00" in local time, as a datetime-local input holds it. */
export function toLocalInput(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

/** The instant a datetime-local value names, in UTC ("…Z"); null when it names none. */
export function fromLocalInput(text: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(text.trim())) return null;
  const date = new Date(text.trim());
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}

/** `minutes` after `date`. */
export function addMinutes(date: Date, minutes: number): Date {
  return new Date(date.getTime() + minutes * 60_000);
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** An instant with its date, in local time, as the pages show one ("Dec 14, 2026, 9:00 AM"). */
export function formatDateTime(at: string): string {
  return dateTime.format(new Date(at));
}
