import { describe, expect, it } from 'vitest';
import { loadConfig } from './config';

describe('mail settings', () => {
  it('takes TIDEMARK_SMTP_URL, falls back to SMTP_URL, and prefers the first when both are set', () => {
    expect(loadConfig({ TIDEMARK_SMTP_URL: 'smtp://new.example:587' }).smtpUrl).toBe('smtp://new.example:587');
    expect(loadConfig({ SMTP_URL: 'smtp://old.example:25' }).smtpUrl).toBe('smtp://old.example:25');
    expect(loadConfig({ TIDEMARK_SMTP_URL: 'smtp://new.example:587', SMTP_URL: 'smtp://old.example:25' }).smtpUrl).toBe(
      'smtp://new.example:587',
    );
    expect(loadConfig({}).smtpUrl).toBeUndefined();
  });
});
