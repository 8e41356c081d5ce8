import type { record } from '@rrweb/record';
import type { ReplayClientConfig } from '@tidemark/core';

type RecordOptions = NonNullable<Parameters<typeof record>[0]>;

/**
 * rrweb's recorder options under the strict privacy defaults (docs/session-replay.md): every field masked,
 * `data-tm-mask` and the site's selectors masked, `data-tm-block`, `rr-block` and the site's selectors
 * blocked, no canvas, fonts, images or cross-origin iframes.
 */
export function recordOptions(cfg: ReplayClientConfig, emit: RecordOptions['emit']): RecordOptions {
  return {
    emit,
    maskAllInputs: true,
    maskInputOptions: { password: true, email: true, tel: true, text: true, textarea: true, select: true },
    maskTextSelector: validSelectors(['[data-tm-mask]', ...(cfg.maskAllText ? ['*'] : []), ...cfg.mask]),
    blockClass: 'rr-block',
    blockSelector: validSelectors(['[data-tm-block]', ...cfg.block]),
    recordCanvas: false,
    recordCrossOriginIframes: false,
    collectFonts: false,
    inlineImages: false,
    slimDOMOptions: 'all',
    // Each pointer position (one per 100 ms at most) goes out with the move that gave it: rrweb's default
    // gathers them for 500 ms behind a timer, and those timers cost the page more than the events they save.
    sampling: { mousemove: 100, mousemoveCallback: 0, scroll: 150, input: 'last' },
  };
}

/** Selectors the browser accepts, joined; an invalid one would make rrweb skip the whole list. */
export function validSelectors(list: string[]): string {
  return list
    .filter((s) => {
      try {
        document.querySelector(s);
        return true;
      } catch {
        return false;
      }
    })
    .join(',');
}
