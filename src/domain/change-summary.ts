/** What a change set would do to a stack, counted. */
export interface ChangeSummary {
  total: number;
  add: number;
  modify: number;
  remove: number;
  /** Resources replaced (Replacement True or Conditional). */
  replacements: { logicalId: string; type: string; conditional: boolean }[];
}
