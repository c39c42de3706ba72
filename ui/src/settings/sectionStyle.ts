import { tokens, type GriffelStyle } from "@fluentui/react-components";

/** One section of the Settings screen: a card holding a subject's fields and its own Save. */
export const settingsSection: GriffelStyle = {
  display: "flex",
  flexDirection: "column",
  gap: tokens.spacingVerticalM,
  padding: tokens.spacingHorizontalL,
  backgroundColor: tokens.colorNeutralBackground1,
  borderRadius: tokens.borderRadiusMedium,
  boxShadow: tokens.shadow4,
};
