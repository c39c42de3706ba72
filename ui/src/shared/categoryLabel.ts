import type { ExemptionCategory } from "../ipc/bindings";

export const CATEGORY_LABELS: Record<ExemptionCategory, string> = {
  Mitigated: "Resolved through 3rd party (mitigated)",
  Waiver: "Risk accepted (waiver)",
};

export function categoryLabel(category: ExemptionCategory | null): string {
  return category ? CATEGORY_LABELS[category] : "Unknown";
}
