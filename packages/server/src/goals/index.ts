export { GoalService } from './service';
