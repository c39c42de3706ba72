import { Badge, type BadgeProps } from "@fluentui/react-components";
import type { Severity } from "../ipc/bindings";

const COLORS: Record<Severity, BadgeProps["color"]> = {
  High: "danger",
  Medium: "warning",
  Low: "informative",
  // A severity this version does not know, or no metadata from Defender.
  Unknown: "subtle",
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge appearance="tint" color={COLORS[severity]} shape="rounded">
      {severity}
    </Badge>
  );
}
