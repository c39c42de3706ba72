import { Badge } from "@fluentui/react-components";
import type { RequestState } from "../ipc/bindings";
import { STATE_COLORS, STATE_LABELS } from "./requestRules";

/** Where a request stands, as a badge. */
export function RequestStateBadge({ state }: { state: RequestState }) {
  return (
    <Badge appearance="tint" shape="rounded" color={STATE_COLORS[state]} data-testid="request-state">
      {STATE_LABELS[state]}
    </Badge>
  );
}
