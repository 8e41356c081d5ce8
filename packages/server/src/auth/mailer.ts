import type { MailBrand } from '@tidemark/core';
/** Outgoing mail (invitations). SMTP is optional: without it, links are shown to the inviter instead. */
/** A message in an organization's brand: the sender shows its name, its closing text ends the message. */
export function brandMail(msg: MailMessage, brand: MailBrand | null | undefined): MailMessage {
  if (!brand) return msg;
  return {
    ...msg,
    ...(brand.email_footer ? { text: `${msg.text}\n\n-- \n${brand.email_footer}` } : {}),
    ...(brand.email_sender_name ? { fromName: brand.email_sender_name } : {}),
  };
}

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  /** Display name of the sender (an organization's branding); the address stays the configured one. */
  fromName?: string;
  /** An HTML alternative (reports); `text` stays the plain version. */
  html?: string;
  /** Extra headers (List-Unsubscribe for reports). */
  headers?: Record<string, string>;
  /** Files (custom reports' CSV or JSON) and inline images (`cid`, referenced as `cid:…` from the HTML). */
  attachments?: Array<{ filename: string; content: Buffer | string; contentType: string; cid?: string }>;
}

export interface Mailer {
  readonly configured: boolean;
  /** Sends the message; resolves false when mail is not configured. */
  send(msg: MailMessage): Promise<boolean>;
}

export class UnconfiguredMailer implements Mailer {
  readonly configured = false;
  private warned = false;

  constructor(private readonly log: (msg: string) => void = (m) => console.warn(m)) {}

  async send(msg: MailMessage): Promise<boolean> {
    if (!this.warned) {
      this.warned = true;
      this.log(`SMTP is not configured (SMTP_URL); not emailing "${msg.subject}". Share links from the dashboard instead.`);
    }
    return false;
  }
}

/** Mail over SMTP (SMTP_URL such as smtp://user:pass@mail.example.com:587 or smtps://…:465). */
export class SmtpMailer implements Mailer {
  readonly configured = true;
  private transport: import('nodemailer').Transporter | undefined;

  constructor(
    private readonly url: string,
    private readonly from: string,
  ) {}

  async send(msg: MailMessage): Promise<boolean> {
    if (!this.transport) {
      const nodemailer = (await import('nodemailer')).default;
      this.transport = nodemailer.createTransport(this.url);
    }
    const from = msg.fromName ? { name: msg.fromName, address: this.from.replace(/^.*<([^>]+)>\s*$/, '$1') } : this.from;
    await this.transport.sendMail({
      from,
      to: msg.to,
      subject: msg.subject,
      text: msg.text,
      html: msg.html,
      headers: msg.headers,
      attachments: msg.attachments,
    });
    return true;
  }

  close(): void {
    this.transport?.close();
  }
}

/** SMTP when SMTP_URL is set, else the unconfigured mailer that only logs. */
export function createMailer(config: { smtpUrl: string | undefined; smtpFrom: string | undefined; publicUrl: string | undefined }): Mailer {
  if (!config.smtpUrl) return new UnconfiguredMailer();
  let host = 'localhost';
  try {
    if (config.publicUrl) host = new URL(config.publicUrl).hostname;
  } catch {
    // keep localhost
  }
  return new SmtpMailer(config.smtpUrl, config.smtpFrom ?? `Tidemark <no-reply@${host}>`);
}
