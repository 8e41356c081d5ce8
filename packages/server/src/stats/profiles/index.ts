export { runProfileList, runProfile, runProfileTimeline, traitsOf } from './run';
export { profileListParamsSchema, profileTimelineParamsSchema } from './params';
export type { PersonFeatures, ProfileScore, ProfileScorer } from './features';
export { runPeopleFeatures, type PersonFeatureRow } from './people-features';
