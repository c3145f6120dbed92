/**
 * The path an imported item is sent to, as the router will see it: percent-decoded once, `.` and
 * `..` segments resolved, empty segments dropped, then each segment encoded again. Checks made on
 * this form cannot be dodged by spelling the same route another way (`/api/v1/%69mports`,
 * `/api/v1/./imports`, `/api/v1/x/../imports`). `undefined` when the path cannot be decoded or
 * holds a control character or a backslash. The query string is kept as given.
 */
export function normaliseRequestPath(path: string): string | undefined {
  const queryAt = path.indexOf('?');
  const pathname = queryAt < 0 ? path : path.slice(0, queryAt);
  const query = queryAt < 0 ? '' : path.slice(queryAt);
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  // eslint-disable-next-line no-control-regex
  if (!decoded.startsWith('/') || /[\\\u0000-\u001f\u007f]/.test(decoded)) return undefined;
  const segments: string[] = [];
  for (const segment of decoded.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.map(encodeURIComponent).join('/')}${query}`;
}

/** Why an imported item's path is refused, or `undefined` when it names a route an import may replay. */
export function importPathProblem(normalised: string | undefined): string | undefined {
  if (normalised === undefined) return 'must be a URL path without control characters or backslashes';
  const [api, version, first] = normalised.split('?')[0].split('/').slice(1);
  if (api !== 'api' || version !== 'v1' || first === undefined) return 'must be a write route under /api/v1/';
  if (decodeURIComponent(first).toLowerCase() === 'imports') return 'must not be /api/v1/imports (an import may not contain an import)';
  return undefined;
}
