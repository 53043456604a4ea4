import nock from 'nock';
import { afterEach, beforeAll } from 'vitest';

// Tests never reach the real network: only loopback is allowed (Bolt test servers, bench sinks).
beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});
