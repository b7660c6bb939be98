export const suppressionReasons = ['opt_out', 'blocklist', 'bounce', 'manual'] as const;
export type SuppressionReason = (typeof suppressionReasons)[number];

/** A phone that must never be messaged by this workspace, whatever its contact says. */
export interface Suppression {
  id: string;
  workspaceId: string;
  phone: string;
  reason: SuppressionReason;
  note: string | null;
  createdAt: number;
}
