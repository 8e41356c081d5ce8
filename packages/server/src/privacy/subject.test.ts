import { describe, expect, it } from 'vitest';
import { maskSubject } from './subject';

describe('maskSubject', () => {
  it('keeps enough to recognise a request and never the identifier itself', () => {
    const cases = [{ email: 'jane.doe@example.com' }, { user_id: 'customer-123456' }, { visitor_id: 'abc' }];
    const masks = cases.map(maskSubject);
    expect(masks).toEqual(['j***@example.com', 'cus…56', 'a***']);
    for (const [i, c] of cases.entries()) expect(masks[i]).not.toContain(Object.values(c)[0]);
  });
});
