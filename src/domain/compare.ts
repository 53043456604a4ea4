/** The commits between what runs and what is requested (GitHub's compare), as the domain sees them. */
export interface CompareResult {
  aheadBy: number;
  behindBy: number;
  totalCommits: number;
  commits: { sha: string; message: string; author: string | null; date: string | null }[];
}
