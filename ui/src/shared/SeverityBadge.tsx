import { Badge, type BadgeProps } from "@fluentui/react-components";
import type { Severity } from "../ipc/bindings";

const COLORS: Record<Severity, BadgeProps["color"]> = {
  High: "danger",
  Medium: "warning",
  Low: "informative",
};

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <Badge appearance="tint" color={COLORS[severity]} shape="rounded">
      {severity}
    </Badge>
  );
}
