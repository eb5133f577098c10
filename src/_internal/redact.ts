/** Removes `user:password@` from a URL so that it can go in an error message or a log. */
export function redactUrl(url: string): string {
  const at = url.indexOf('@');
  if (at === -1) return url;
  const schemeEnd = url.indexOf('://');
  if (schemeEnd === -1 || at < schemeEnd) return url;
  const slash = url.indexOf('/', schemeEnd + 3);
  if (slash !== -1 && slash < at) return url;
  return url.slice(0, schemeEnd + 3) + url.slice(at + 1);
}
