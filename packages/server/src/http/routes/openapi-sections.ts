import { contractsOpenApi } from './openapi-contracts';
import type { OpenApiSection } from './openapi-document';
import { revenueOpenApi } from './openapi-revenue';
import { dropinsOpenApi } from './openapi-dropins';
import { funnelsOpenApi } from './openapi-funnels';
import { goalsSection } from './openapi-goals';
import { experimentsOpenApi } from './openapi-experiments';
import { audiencesOpenApi } from './openapi-audiences';
import { triggersOpenApi } from './openapi-triggers';
import { workspacesOpenApi } from './openapi-workspaces';
import { importsOpenApi } from './openapi-imports';
import { behaviourOpenApi } from './openapi-behaviour';
import { annotationsOpenApi } from './openapi-annotations';
import { exportsOpenApi } from './openapi-exports';
import { sharesOpenApi } from './openapi-shares';
import { alertsOpenApi } from './openapi-alerts';
import { pathsOpenApi } from './openapi-paths';
import { cohortsOpenApi } from './openapi-cohorts';
import { replayOpenApi } from './openapi-replay';
import { auditOpenApi } from './openapi-audit';
import { privacyOpenApi } from './openapi-privacy';
import { consentOpenApi } from './openapi-consent';
import { domainsOpenApi } from './openapi-domains';
import { reportsOpenApi } from './openapi-reports';
import { systemOpenApi } from './openapi-system';
import { profilesOpenApi } from './openapi-profiles';
import { scoringOpenApi } from './openapi-scoring';
import { connectionsOpenApi } from './openapi-connections';
import { lifetimeOpenApi } from './openapi-lifetime';
import { segmentsOpenApi } from './openapi-segments';
import { leadScoreModelsOpenApi } from './openapi-lead-score-models';
import { resellersOpenApi } from './openapi-resellers';

/**
 * Each capability's OpenAPI paths, one file per area (`openapi-<area>.ts`). The core read API
 * (stats, realtime, raw events, query, ingest drops) is written in openapi-document.ts itself.
 */
export const OPENAPI_SECTIONS: readonly OpenApiSection[] = [
  contractsOpenApi,
  goalsSection,
  experimentsOpenApi,
  audiencesOpenApi,
  triggersOpenApi,
  funnelsOpenApi,
  workspacesOpenApi,
  revenueOpenApi,
  dropinsOpenApi,
  importsOpenApi,
  behaviourOpenApi,
  annotationsOpenApi,
  exportsOpenApi,
  sharesOpenApi,
  alertsOpenApi,
  pathsOpenApi,
  cohortsOpenApi,
  replayOpenApi,
  auditOpenApi,
  privacyOpenApi,
  consentOpenApi,
  domainsOpenApi,
  reportsOpenApi,
  systemOpenApi,
  profilesOpenApi,
  scoringOpenApi,
  connectionsOpenApi,
  lifetimeOpenApi,
  segmentsOpenApi,
  leadScoreModelsOpenApi,
  resellersOpenApi,
];
