import { csvCell } from '@tidemark/core';
import type { MemberRecord } from './store';

const HEADER = ['profile_id', 'user_id', 'email', 'since', 'last_seen', 'score', 'revenue'];
const iso = (ms: number) => new Date(ms).toISOString();

/** The members as CSV lines, header first; every string cell made safe against formula injection (core csvCell). */
export async function* membersCsv(batches: AsyncIterable<MemberRecord[]>): AsyncGenerator<string> {
  yield `${HEADER.join(',')}\r\n`;
  for await (const batch of batches)
    yield batch
      .map((m) => [m.profile_id, m.user_id, m.email, iso(m.since), iso(m.last_seen), m.score, m.revenue].map(csvCell).join(',') + '\r\n')
      .join('');
}
