// Queries and mutations are GraphQL-over-HTTP POSTs to /graphql;
// subscriptions use the graphql-ws client (graphql-transport-ws), which
// reconnects by itself and subscribes again. Every operation is a typed
// document generated from schema.graphql.
import { createClient, type Client } from 'graphql-ws';
import type { TypedDocumentString } from '../../generated/graphql';
import { RefreshDocument } from './documents';
import { RefreshRefused, Session, type Tokens } from './auth';

/** What the server says besides the code: a RISK_LIMIT names its `limit` and `limitValue`. */
export type ErrorExtensions = Record<string, unknown>;

export class ApiError extends Error {
  constructor(
    public code: string,
    message: string,
    public extensions: ErrorExtensions = {},
  ) {
    super(message);
  }
}

interface GraphQLError {
  message: string;
  extensions?: ErrorExtensions & { code?: string };
}

interface GraphQLResponse<R> {
  data?: R | null;
  errors?: GraphQLError[];
}

function apiError(error: GraphQLError): ApiError {
  return new ApiError(error.extensions?.code ?? 'INTERNAL', error.message, error.extensions ?? {});
}

async function post<R, V>(doc: TypedDocumentString<R, V>, variables: V | undefined, token: string | null): Promise<R> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: doc.toString(), variables: variables ?? {} }),
    });
  } catch {
    throw new ApiError('NETWORK', 'the server cannot be reached');
  }
  let body: GraphQLResponse<R>;
  try {
    body = (await response.json()) as GraphQLResponse<R>;
  } catch {
    throw new ApiError('NETWORK', `the server answered ${response.status}`);
  }
  if (body.errors?.length) throw apiError(body.errors[0]);
  return body.data as R;
}

export const session = new Session(window.localStorage, async (refreshToken) => {
  try {
    const data = await post(RefreshDocument, { refreshToken }, null);
    return data.refreshToken as Tokens;
  } catch (e) {
    if (e instanceof ApiError && e.code !== 'NETWORK' && e.code !== 'RATE_LIMITED' && e.code !== 'INTERNAL') {
      throw new RefreshRefused(e.message);
    }
    throw e;
  }
});

window.addEventListener('storage', () => session.reload());

/** Runs an operation as the signed-in account (or anonymously). */
export async function gql<R, V>(doc: TypedDocumentString<R, V>, variables?: V): Promise<R> {
  const token = await session.accessToken();
  try {
    return await post(doc, variables, token);
  } catch (e) {
    if (e instanceof ApiError && e.code === 'UNAUTHENTICATED' && token !== null) {
      const fresh = await session.refresh();
      if (fresh === null) throw e;
      return post(doc, variables, fresh);
    }
    throw e;
  }
}

// The live connection ------------------------------------------------------

export type Link = 'connecting' | 'live' | 'down';

let link: Link = 'connecting';
/** Counts connections: a page takes fresh snapshots when it changes. */
let epoch = 0;
const linkListeners = new Set<() => void>();

function setLink(next: Link) {
  if (next === 'live') epoch += 1;
  link = next;
  for (const l of linkListeners) l();
}

export const connection = {
  subscribe(listener: () => void) {
    linkListeners.add(listener);
    return () => linkListeners.delete(listener);
  },
  link: () => link,
  epoch: () => epoch,
};

let ws: Client | null = null;

function wsUrl(): string {
  const scheme = window.location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${window.location.host}/graphql`;
}

function client(): Client {
  if (ws === null) {
    // Events of a connection that was since replaced (a new sign-in) are
    // stale: its late `closed` must not mark the new one as down.
    let created: Client | null = null;
    const current = () => created !== null && ws === created;
    created = createClient({
      url: wsUrl(),
      // Always connected, so every page knows when the server is gone.
      lazy: false,
      keepAlive: 10_000,
      retryAttempts: Number.POSITIVE_INFINITY,
      shouldRetry: () => true,
      retryWait: (retries) => new Promise((resolve) => setTimeout(resolve, Math.min(250 * 2 ** retries, 2_000))),
      connectionParams: async () => {
        const token = await session.accessToken().catch(() => null);
        return token ? { authorization: `Bearer ${token}` } : {};
      },
      on: {
        connected: () => current() && setLink('live'),
        closed: () => current() && setLink('down'),
        connecting: () => {
          if (current() && link !== 'down') setLink('connecting');
        },
      },
    });
    ws = created;
  }
  return ws;
}

// A new identity needs a new connection: the old one's subscriptions end and
// the pages subscribe again (their hooks depend on the account).
let identity = session.account?.id ?? null;
session.subscribe(() => {
  const next = session.account?.id ?? null;
  if (next === identity) return;
  identity = next;
  const old = ws;
  ws = null;
  void old?.dispose();
  client();
});

client();

export interface Sink<R> {
  next(data: R): void;
  error?(error: ApiError): void;
}

/** Subscribes; returns the unsubscribe function. */
export function subscribe<R, V>(doc: TypedDocumentString<R, V>, variables: V, sink: Sink<R>): () => void {
  return client().subscribe<R>(
    { query: doc.toString(), variables: variables as Record<string, unknown> },
    {
      next: (result) => {
        if (result.data) sink.next(result.data as R);
        else if (result.errors?.length) sink.error?.(apiError(result.errors[0] as GraphQLError));
      },
      error: (e) => {
        if (Array.isArray(e) && e.length) sink.error?.(apiError(e[0] as GraphQLError));
      },
      complete: () => {},
    },
  );
}
