import type { PersonFeatures, ProfileScorer } from '../stats';
import type { KeyPage } from './features';

/** The base scorer with the model's key pages appended: its score sees only its own key page counts. */
export function withKeyPages(base: ProfileScorer, extra: readonly KeyPage[]): ProfileScorer {
  const n = base.keyPages.length;
  return {
    keyPages: [...base.keyPages, ...extra],
    goals: base.goals,
    score: (f: PersonFeatures) => base.score({ ...f, key_pages: f.key_pages.slice(0, n) }),
  };
}
