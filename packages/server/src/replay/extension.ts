import { REPLAY_DEFAULTS } from '@tidemark/core';
import { sampled, type TrackerExtensionRule } from '../extensions';

/**
 * t.replay.js for the sessions a site records: replay on, and the session within the sample (a stable coin
 * per session, so a session is recorded on every page or on none). Consent is checked in the browser.
 */
export const replayExtension: TrackerExtensionRule = {
  name: 'replay',
  wants: (site, session) =>
    site.replay_enabled === true && sampled('replay', session.session_id, site.replay_sample_rate ?? REPLAY_DEFAULTS.replay_sample_rate),
};
