import crypto from 'node:crypto';

/** Bumping this derives a fresh set of keys from the same secret (nothing derived is persisted yet that would need it). */
const HKDF_SALT = 'tidemark/keys/v1';
const SEALED_PREFIX = 'v1.';

/**
 * Every key the server uses for its own purposes, derived from the one server secret (TIDEMARK_SECRET or the
 * data directory's `secret` file) by HKDF-SHA256 with a purpose label, so no two uses share a key and
 * rotating the secret rotates them all:
 * - `hmac`: keyed digests of identifiers that must not be reversible from where they are kept (counter keys);
 * - `sign`/`verify`: signed, expiring tokens;
 * - `seal`/`open`: encrypted settings (AES-256-GCM; the purpose is bound as associated data).
 */
export class ServerKeys {
  private readonly cache = new Map<string, Buffer>();

  constructor(private readonly secret: Buffer) {
    if (secret.length < 32) throw new Error('the server secret must be at least 32 bytes');
  }

  static fromString(secret: string): ServerKeys {
    return new ServerKeys(Buffer.from(secret, 'utf8'));
  }

  /** The 32-byte key for `purpose` (a label such as `counter-keys`, `email-verification`). */
  derive(purpose: string): Buffer {
    let key = this.cache.get(purpose);
    if (!key) {
      key = Buffer.from(crypto.hkdfSync('sha256', this.secret, HKDF_SALT, `tidemark:${purpose}`, 32));
      this.cache.set(purpose, key);
    }
    return key;
  }

  /** HMAC-SHA256 of `data` under the purpose's key, base64url (22 characters: 128 bits). */
  hmac(purpose: string, data: string): string {
    return crypto.createHmac('sha256', this.derive(purpose)).update(data).digest('base64url').slice(0, 22);
  }

  /** A token carrying `payload` until `expiresAt` (ms), valid only for `purpose`. */
  sign(purpose: string, payload: Record<string, unknown>, expiresAt: number): string {
    const body = Buffer.from(JSON.stringify({ p: payload, exp: expiresAt })).toString('base64url');
    return `${body}.${this.mac(purpose, body)}`;
  }

  /** The payload of a token signed for `purpose`, or null when forged, altered, for another purpose or expired. */
  verify<T extends Record<string, unknown>>(purpose: string, token: string, now = Date.now()): T | null {
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
    const body = token.slice(0, dot);
    const given = Buffer.from(token.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(purpose, body), 'base64url');
    if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) return null;
    try {
      const parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { p: T; exp: number };
      return typeof parsed.exp === 'number' && parsed.exp > now ? parsed.p : null;
    } catch {
      return null;
    }
  }

  /** Encrypts a setting for storage. */
  seal(purpose: string, plaintext: string): string {
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', this.derive(`seal:${purpose}`), iv);
    cipher.setAAD(Buffer.from(purpose));
    const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), ct]).toString('base64url');
  }

  /** The plaintext of a sealed setting, or null when it was sealed under another secret or purpose, or altered. */
  open(purpose: string, sealed: string): string | null {
    if (!sealed.startsWith(SEALED_PREFIX)) return null;
    const raw = Buffer.from(sealed.slice(SEALED_PREFIX.length), 'base64url');
    if (raw.length < 28) return null;
    try {
      const decipher = crypto.createDecipheriv('aes-256-gcm', this.derive(`seal:${purpose}`), raw.subarray(0, 12));
      decipher.setAAD(Buffer.from(purpose));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    } catch {
      return null;
    }
  }

  private mac(purpose: string, body: string): string {
    return crypto
      .createHmac('sha256', this.derive(`sign:${purpose}`))
      .update(body)
      .digest('base64url');
  }
}
