/**
 * The printed and serialised form of a Session: its settings as the user set them, with auth,
 * cookie values, proxy passwords, secret headers and a certificate passphrase redacted.
 */
import { installView, REDACTED, redactHeaders, redactProxies } from '../_internal/redact.js';
import type { Session } from './session.js';

function certView(cert: Session['cert']): unknown {
  if (cert == null || typeof cert !== 'object' || Array.isArray(cert)) return cert;
  const { passphrase, ...rest } = cert as { passphrase?: unknown };
  return passphrase === undefined ? rest : { ...rest, passphrase: REDACTED };
}

/** Installs the view of Session: `<Session> { headers, proxies, adapters, ... }`. */
export function installSessionView(cls: abstract new (...args: any[]) => Session): void {
  installView(
    cls,
    (s) => ({
      headers: redactHeaders(s.headers),
      auth: s.auth == null ? null : REDACTED,
      proxies: redactProxies(s.proxies as Record<string, unknown>),
      params: s.params,
      stream: s.stream,
      verify: s.verify,
      cert: certView(s.cert),
      maxRedirects: s.maxRedirects,
      trustEnv: s.trustEnv,
      timeout: s.timeout,
      cookies: Object.fromEntries(Array.from(s.cookies, (c) => [c.name, REDACTED])),
      adapters: [...s.adapters.keys()],
    }),
    () => '<Session>',
  );
}
