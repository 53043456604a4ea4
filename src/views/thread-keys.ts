/** Stable outbox keys for the messages of one deployment's thread. One key = one Slack message, ever. */
export const threadKeys = {
  parent: (id: number) => `d${id}:parent`,
  progress: (id: number) => `d${id}:progress`,
  /** A one-off reply, named by what it reports (e.g. "build-started", "result"). */
  reply: (id: number, name: string) => `d${id}:${name}`,
};
