import nock from 'nock';
import { afterEach, beforeAll } from 'vitest';

// Tests never reach the real network: only loopback is allowed (Bolt test servers, bench sinks). The AWS SDK gets
// fake credentials and none of the machine's profiles, endpoints or instance metadata: nock answers its requests.
beforeAll(() => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIDTESTTESTTEST';
  process.env.AWS_SECRET_ACCESS_KEY = 'test-secret-not-real';
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
  for (const name of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_ENDPOINT_URL']) delete process.env[name];
  for (const name of Object.keys(process.env)) if (name.startsWith('AWS_ENDPOINT_URL_')) delete process.env[name];
  nock.disableNetConnect();
  nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);
});

afterEach(() => {
  nock.cleanAll();
});
