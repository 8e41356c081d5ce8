import { useEffect, useRef, useState } from 'react';
import type { HeatmapReport } from '@tidemark/core';

type Point = { x: number; y: number; count: number };

/** Warm spots drawn on a canvas over the page: each cell a soft disc, stronger with its share of the top cell. */
function draw(canvas: HTMLCanvasElement, points: Point[], radius: number) {
  const g = canvas.getContext('2d');
  if (!g) return;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const max = Math.max(1, ...points.map((p) => p.count));
  for (const p of points) {
    const a = 0.15 + 0.75 * (p.count / max);
    const grad = g.createRadialGradient(p.x, p.y, 0, p.x, p.y, radius);
    grad.addColorStop(0, `rgba(220, 38, 38, ${a})`);
    grad.addColorStop(1, 'rgba(250, 204, 21, 0)');
    g.fillStyle = grad;
    g.fillRect(p.x - radius, p.y - radius, radius * 2, radius * 2);
  }
}

/**
 * The page at the viewport class's reference width (a live iframe, or the screenshot when there is one),
 * scaled to fit, with the click or move map on top, or the scroll map as bands of how many got that far.
 */
export function HeatmapOverlay({ report, src, maxWidth = 960 }: { report: HeatmapReport; src: string | null; maxWidth?: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // Without a screenshot (none could be taken: no Chromium, a refused address) the live page stands in.
  const [shotFailed, setShotFailed] = useState(false);
  const shot = shotFailed ? null : report.screenshot_url;
  const width = report.viewport.width;
  const points = report.data.clicks ?? report.data.moves ?? [];
  const height = Math.max(report.viewport.height, ...points.map((p) => p.y + 200));
  const scale = Math.min(1, maxWidth / width);
  useEffect(() => {
    if (canvas.current) draw(canvas.current, points, report.type === 'move' ? 24 : 18);
  }, [points, report.type]);
  const scroll = report.data.scroll ?? [];
  return (
    <div className="heatmap-frame" style={{ width: width * scale, height: height * scale }}>
      <div className="heatmap-inner" style={{ width, height, transform: `scale(${scale})` }}>
        {shot ? (
          <img src={shot} alt="Screenshot of the page" width={width} onError={() => setShotFailed(true)} />
        ) : src ? (
          <iframe title="Live page" src={src} width={width} height={height} sandbox="allow-same-origin" />
        ) : null}
        {report.type === 'scroll' ? (
          <div className="scroll-bands" aria-hidden="true">
            {scroll.map((s) => (
              <div key={s.depth} className="scroll-band" style={{ top: `${s.depth}%`, opacity: 0.15 + (0.6 * (100 - s.percentage)) / 100 }}>
                {s.depth % 25 === 0 ? `${s.percentage}% reach ${s.depth}%` : ''}
              </div>
            ))}
          </div>
        ) : (
          <canvas ref={canvas} width={width} height={height} data-testid="heatmap-canvas" data-points={points.length} />
        )}
      </div>
    </div>
  );
}
