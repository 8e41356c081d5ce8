import { describe, expect, it } from 'vitest';
import { SESSION_COLUMN_DIMENSIONS } from '../store';
import { SESSION_DIMENSIONS } from './registry';

describe('session dimensions and the store columns', () => {
  it('are the same list: the rollups and credits address one column per session dimension', () => {
    // A session dimension added to the registry without a migration adding its columns fails here, not in production.
    expect([...SESSION_DIMENSIONS]).toEqual([...SESSION_COLUMN_DIMENSIONS]);
  });
});
