import { useLayoutEffect, useRef, useState } from 'react';

/**
 * The element's content width, kept current with a ResizeObserver (charts draw at real pixel sizes).
 * Measured before the first paint so a chart never lays out wider than its container, even for a frame.
 */
export function useWidth<T extends HTMLElement>(initial = 0): [React.RefObject<T | null>, number] {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el) return;
    const now = Math.floor(el.getBoundingClientRect().width);
    if (now > 0) setWidth(now);
    const ro = new ResizeObserver((entries) => {
      const w = Math.floor(entries[0]?.contentRect.width ?? 0);
      if (w > 0) setWidth(w);
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return [ref, width];
}
