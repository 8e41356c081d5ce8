import type { RrwebEvent } from './markers';

/**
 * What player.html offers the Recordings page (same origin, through the frame's window): rrweb's Replayer
 * runs in that document, whose Content-Security-Policy lets the recorded page's inline styles apply; the
 * recorded DOM itself is rebuilt one level further down, in an iframe sandboxed without scripts.
 */
export interface PlayerFrameApi {
  load(events: RrwebEvent[], on: { resize(width: number, height: number): void; finish(): void }): void;
  play(offsetMs: number): void;
  pause(offsetMs?: number): void;
  setConfig(config: { speed?: number; skipInactive?: boolean }): void;
  currentTime(): number;
}

export const PLAYER_FRAME_GLOBAL = 'tidemarkPlayer';
