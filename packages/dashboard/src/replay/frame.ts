import { Replayer } from '@rrweb/replay';
import '@rrweb/replay/dist/style.css';
import '../styles/replay-frame.css';
import { PLAYER_FRAME_GLOBAL, type PlayerFrameApi } from './frame-api';

/** player.html: hosts rrweb's Replayer for the Recordings page (frame-api.ts). */
const stage = document.getElementById('stage') as HTMLDivElement;
let replayer: Replayer | null = null;

const api: PlayerFrameApi = {
  load(events, on) {
    replayer?.destroy();
    const r = new Replayer(events as never, { root: stage, skipInactive: true, mouseTail: false, showWarning: false, triggerFocus: false });
    replayer = r;
    r.on('resize', (d) => {
      const { width, height } = d as { width: number; height: number };
      // Fitted to the frame's width; the page sizes the frame from the reported height.
      const scale = Math.min(1, document.documentElement.clientWidth / width);
      r.wrapper.style.transform = `scale(${scale})`;
      r.wrapper.style.transformOrigin = 'top left';
      on.resize(width * scale, height * scale);
    });
    r.on('finish', () => on.finish());
    r.pause(0);
  },
  play: (t) => replayer?.play(t),
  pause: (t) => replayer?.pause(t),
  setConfig: (c) => replayer?.setConfig(c),
  currentTime: () => replayer?.getCurrentTime() ?? 0,
};
(window as unknown as Record<string, unknown>)[PLAYER_FRAME_GLOBAL] = api;
