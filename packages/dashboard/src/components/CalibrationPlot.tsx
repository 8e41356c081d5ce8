import type { LeadModelCalibrationBin } from '@tidemark/core';

const SIZE = 220;
const PAD = 28;
const at = (v: number) => PAD + v * (SIZE - 2 * PAD);
const up = (v: number) => SIZE - at(v);

/**
 * Predicted probability (x) against the observed share of converters (y) per bin of the held-out
 * people; a calibrated model lies on the diagonal. Dot area follows the bin's size.
 */
export function CalibrationPlot({ bins }: { bins: LeadModelCalibrationBin[] }) {
  const most = Math.max(1, ...bins.map((b) => b.count));
  return (
    <figure className="calibration">
      <svg width={SIZE} height={SIZE} viewBox={`0 0 ${SIZE} ${SIZE}`} role="img" aria-label="Calibration plot">
        <title>Predicted probability against observed conversion, per bin</title>
        <rect x={PAD} y={PAD} width={SIZE - 2 * PAD} height={SIZE - 2 * PAD} fill="none" stroke="currentColor" strokeOpacity="0.3" />
        <line x1={at(0)} y1={up(0)} x2={at(1)} y2={up(1)} stroke="currentColor" strokeOpacity="0.4" strokeDasharray="4 4" />
        <polyline
          fill="none"
          stroke="currentColor"
          points={bins.map((b) => `${at(b.predicted).toFixed(1)},${up(b.observed).toFixed(1)}`).join(' ')}
        />
        {bins.map((b) => (
          <circle
            key={b.from}
            data-bin={b.from}
            cx={at(b.predicted)}
            cy={up(b.observed)}
            r={2 + 5 * Math.sqrt(b.count / most)}
            fill="currentColor"
          >
            <title>{`${Math.round(b.from * 100)}–${Math.round(b.to * 100)} %: ${b.count} people, predicted ${(b.predicted * 100).toFixed(1)} %, observed ${(b.observed * 100).toFixed(1)} %`}</title>
          </circle>
        ))}
        <text x={SIZE / 2} y={SIZE - 6} textAnchor="middle" fontSize="10" fill="currentColor">
          predicted
        </text>
        <text x={10} y={SIZE / 2} textAnchor="middle" fontSize="10" fill="currentColor" transform={`rotate(-90 10 ${SIZE / 2})`}>
          observed
        </text>
      </svg>
      <figcaption className="muted">Held-out people by predicted probability; the dashed line is perfect calibration.</figcaption>
    </figure>
  );
}
