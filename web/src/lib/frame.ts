// Collects updates and hands them over at most once per animation frame, so
// a ladder or a tape updating 50 times a second renders once per frame.
export interface FrameBatcher<T> {
  push(item: T): void;
  cancel(): void;
}

export function frameBatcher<T>(
  flush: (items: T[]) => void,
  schedule: (run: () => void) => number = (run) => requestAnimationFrame(run),
  unschedule: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
): FrameBatcher<T> {
  let items: T[] = [];
  let handle: number | null = null;
  return {
    push(item) {
      items.push(item);
      if (handle === null) {
        handle = schedule(() => {
          handle = null;
          const batch = items;
          items = [];
          flush(batch);
        });
      }
    },
    cancel() {
      if (handle !== null) unschedule(handle);
      handle = null;
      items = [];
    },
  };
}
