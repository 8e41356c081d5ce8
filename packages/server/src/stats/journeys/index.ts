export { runJourneys, journeyParamsSchema } from './journeys';
