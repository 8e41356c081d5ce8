export { ScoringService } from './service';
export { scoreOf, scoredGoals, rulesScorer } from './score';
