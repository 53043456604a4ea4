/**
 * The only code that speaks HTTP to the deployed service (verify.url and smoke checks). Bounded: 5 s per request,
 * at most 64 KB of body read; redirects are followed only within the same origin (never to another host); no
 * credentials, cookies or tokens are ever sent. URLs come from the configuration, never from Slack users.
 */
export type ProbeResult =
  | { ok: true; status: number; body: string; url: string }
  | { ok: false; error: string; url: string };

export interface HttpProbe {
  get(url: string): Promise<ProbeResult>;
}

const TIMEOUT_MS = 5000;
const MAX_BODY = 64 * 1024;
const MAX_REDIRECTS = 3;

async function readCapped(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < MAX_BODY) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
  }
  await reader.cancel().catch(() => {});
  return new TextDecoder().decode(Buffer.concat(chunks).subarray(0, MAX_BODY));
}

export class FetchProbe implements HttpProbe {
  constructor(private readonly o: { timeoutMs?: number } = {}) {}

  async get(url: string): Promise<ProbeResult> {
    let current = new URL(url);
    const origin = current.origin;
    const signal = AbortSignal.timeout(this.o.timeoutMs ?? TIMEOUT_MS);
    try {
      for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
        const res = await fetch(current, {
          method: 'GET',
          redirect: 'manual',
          credentials: 'omit',
          signal,
          headers: { 'user-agent': 'coxswain-verify', accept: '*/*', 'cache-control': 'no-cache' },
        });
        const location = res.headers.get('location');
        if (res.status >= 300 && res.status < 400 && location) {
          await res.body?.cancel().catch(() => {});
          const next = new URL(location, current);
          if (next.origin !== origin) {
            return { ok: false, error: `redirected to another host (${next.host}); not followed`, url };
          }
          current = next;
          continue;
        }
        return { ok: true, status: res.status, body: await readCapped(res), url };
      }
      return { ok: false, error: `more than ${MAX_REDIRECTS} redirects`, url };
    } catch (err) {
      const e = err as Error;
      const timedOut = e.name === 'TimeoutError' || e.name === 'AbortError';
      const cause = (e as { cause?: { code?: string } }).cause?.code;
      return {
        ok: false,
        error: timedOut ? `no answer within ${(this.o.timeoutMs ?? TIMEOUT_MS) / 1000} s` : (cause ?? e.message),
        url,
      };
    }
  }
}
