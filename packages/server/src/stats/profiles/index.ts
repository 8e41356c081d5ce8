export { runProfileList, runProfile, runProfileTimeline, traitsOf } from './run';
export { profileListParamsSchema, profileTimelineParamsSchema } from './params';
export { runLeadExamples, type LeadExample } from './training';
export type { PersonFeatures, ProfileScore, ProfileScorer } from './features';
export {
  runAudienceRows,
  runExistingPeople,
  runVisitorIdsOfUser,
  type AudienceRow,
  type AudienceRows,
  type AudienceRowsRequest,
} from './audience';
export { runPeopleFeatures, type PersonFeatureRow } from './people-features';
export { runProfileScores, type ProfileScoreRow } from './scores';
