import { useEffect, useRef } from "preact/hooks";

/**
 * Runs `fn` now and again `ms` after each run ends, while the component is shown: a run never
 * overlaps the one before, and a slow server slows the polling rather than piling requests up.
 * @param {() => Promise<void> | void} fn
 * @param {number} ms
 */
export function usePoll(fn, ms) {
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => {
    let stopped = false;
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const tick = async () => {
      try {
        await latest.current();
      } finally {
        if (!stopped) timer = setTimeout(() => void tick(), ms);
      }
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [ms]);
}
