/** An RFC 9457 problem as the services answer it (application/problem+json). */
export interface Problem {
  type?: string;
  title?: string;
  status?: number;
  detail?: string;
  code?: string;
  errors?: { field: string; message: string }[];
  correlationId?: string;
}

/** A failed API call, carrying the service's problem so that a page can say what went wrong in sentences. */
export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problemSentence(problem, status));
    this.name = 'ProblemError';
  }

  /** Field-by-field messages of a validation problem, keyed by field path. */
  fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.field, e.message]));
  }
}

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

/** A person never reads an id: should a service's sentence still carry one, it says "this item" instead. */
function withoutIds(text: string): string {
  return text.replace(UUID, 'this item').trim();
}

/** "Title. Detail." as one or two sentences, whatever parts the problem has. */
export function problemSentence(problem: Problem, status?: number): string {
  const parts = [problem.title, problem.detail].filter((p): p is string => typeof p === 'string' && p.trim() !== '');
  if (parts.length === 0) return status ? `The request failed (HTTP ${status}).` : 'The request failed.';
  return parts.map(withoutIds).map((p) => (/[.!?]$/.test(p) ? p : `${p}.`)).join(' ');
}

/** What a page shows for any error: a problem's sentences, or a plain message for network failures. */
export function errorSentence(error: unknown): string {
  if (error instanceof ProblemError) return error.message;
  if (error instanceof TypeError) return 'The server could not be reached. Check your connection and try again.';
  return error instanceof Error && error.message ? error.message : 'Something went wrong.';
}
