import { describe, expect, it } from 'vitest';
import { compileEntry, gzipSize, TRACKER_FILES } from '../src/index';

// The size budget: the core script a page loads must stay at or under 2,000 bytes after gzip -9.
describe('tracker size budget', () => {
  for (const f of TRACKER_FILES) {
    it(`${f.name} is at most ${f.gzipBudget} bytes gzip -9`, async () => {
      const code = await compileEntry(f.entry);
      const size = gzipSize(code);
      console.log(`${f.name}: ${code.length} bytes, gzip -9 ${size} bytes (budget ${f.gzipBudget})`);
      expect(size).toBeLessThanOrEqual(f.gzipBudget);
    });
  }

  it('the core budget is the 2,000 bytes promised', () => {
    expect(TRACKER_FILES.find((f) => f.name === 't.js')!.gzipBudget).toBe(2000);
  });
});
