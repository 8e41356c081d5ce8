import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSmtpSink } from '../../server/test/helpers/smtp-sink';
import {
  assertNothingRan,
  browserUnavailable,
  openWatched,
  registerThroughApi,
  screenshot,
  signIn,
  startHarness,
  type Harness,
} from './harness';

/**
 * Open sign-up in a real Chromium: create an account, see "check your e-mail", be refused at sign-in
 * until the e-mailed link is followed, confirm on the verify page, land in the new organization; the
 * used link then shows as invalid.
 */
const unavailable = browserUnavailable();

const SLOW = { timeout: 15_000 };
const NEW = { email: 'newcomer@example.com', password: 'tidal pools at dawn 7', name: 'Nora Newcomer' };

describe.skipIf(!!unavailable)('open sign-up with e-mail confirmation in the browser', () => {
  let h: Harness;
  let sink: Awaited<ReturnType<typeof startSmtpSink>>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    h = await startHarness({ openSignup: true, smtpUrl: sink.url });
    // The operator's first account, through the API.
    expect(await registerThroughApi(h.url, { email: 'operator@example.com', password: 'correct horse battery' })).toBe(201);
  }, 180_000);

  afterAll(async () => {
    await h?.close();
    await sink?.close();
  });

  it('signs up, waits for the e-mail, confirms through the link and lands in its own organization', async () => {
    const w = await openWatched(h.browser);
    const { page } = w;
    await page.goto(`${h.url}/login`);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.getByRole('heading', { name: 'Create an account' }).waitFor(SLOW);
    expect(new URL(page.url()).pathname).toBe('/signup');
    await page.getByLabel('Your name').fill(NEW.name);
    await page.getByLabel('Email').fill(NEW.email);
    await page.getByLabel('Password').fill(NEW.password);
    await page.getByLabel('Organization name').fill('Tidepool');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByRole('heading', { name: 'Check your e-mail' }).waitFor(SLOW);
    await screenshot(page, 'signup-check-email');

    // Not usable before confirming.
    await page.getByRole('link', { name: 'Back to sign in' }).click();
    await signIn(page, NEW.email, NEW.password);
    await page.getByRole('alert').filter({ hasText: 'Confirm your e-mail address first' }).waitFor(SLOW);

    const mail = sink.messages.map((m) => m.replace(/=\r\n/g, '')).find((m) => /^To: newcomer@example\.com/m.test(m));
    const link = /(http:\/\/[^\s]+\/verify-email\/[A-Za-z0-9_-]+)/.exec(mail ?? '')?.[1];
    expect(link).toBeDefined();
    await page.goto(link!);
    await page.getByRole('heading', { name: 'Confirm your e-mail' }).waitFor(SLOW);
    await screenshot(page, 'signup-verify');
    // The link alone does not confirm: a wrong password is refused on the page.
    await page.getByLabel('Password').fill('not the one chosen');
    await page.getByRole('button', { name: 'Confirm e-mail address' }).click();
    await page.getByRole('alert').filter({ hasText: 'Enter the password you chose when signing up' }).waitFor(SLOW);
    await page.getByLabel('Password').fill(NEW.password);
    await page.getByRole('button', { name: 'Confirm e-mail address' }).click();
    await page.getByRole('heading', { name: 'No sites yet' }).waitFor(SLOW);
    expect(new URL(page.url()).pathname).toBe('/');
    const me = await page.evaluate(async () => (await fetch('/api/auth/me')).json());
    expect(me.user.email).toBe(NEW.email);
    expect(me.current_org).toMatchObject({ name: 'Tidepool', role: 'owner' });
    await assertNothingRan(w);

    // The link works once.
    const again = await openWatched(h.browser);
    await again.page.goto(link!);
    await again.page.getByLabel('Password').fill(NEW.password);
    await again.page.getByRole('button', { name: 'Confirm e-mail address' }).click();
    await again.page.getByRole('heading', { name: 'Link not valid' }).waitFor(SLOW);
    await assertNothingRan(again);
    await again.context.close();
    await w.context.close();
  });
});
