/**
 * Behaviour (issue "heatmaps, frustration, vitals, errors"): the heatmap grid and its job, the heatmap and
 * frustration reports, and the tracker extension rules that switch t.heatmap.js on per site and session.
 */
import type { TrackerExtensions } from '../extensions';
import { sampled } from '../extensions';
export { BehaviourService } from './service';
export { Screenshots } from './screenshots';
export { buildDay, cellsSql, localDay, localDays, rawCells, type Cell, type CellKind, type LocalDay } from './grid';

/**
 * t.heatmap.js for the share `heatmap_sample_rate` of the sessions of sites with heatmaps on; t.vitals.js and
 * t.errors.js for every session of sites with web vitals or JavaScript errors on.
 */
export function registerBehaviourExtensions(extensions: TrackerExtensions): void {
  extensions.register({
    name: 'heatmap',
    wants: (site, session) => site.heatmaps_enabled && sampled('heatmap', session.session_id, site.heatmap_sample_rate),
  });
  extensions.register({ name: 'vitals', wants: (site) => site.vitals_enabled });
  extensions.register({ name: 'errors', wants: (site) => site.errors_enabled });
}
