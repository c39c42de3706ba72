import type { ManagementGroupNode, Subscription } from "../ipc/bindings";
import { findGroup } from "./managementGroups";
import { subscriptionName } from "./subscriptionNames";

const MG = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)\/?$/i;
const SUB = /^\/subscriptions\/([^/]+)(\/.*)?$/i;

export type ScopeDescription = {
  /** What people call it: a group's display name, a subscription's name, a resource's name. */
  name: string;
  /** Where it is, in words: "Management group", "Subscription", "Resource in Contoso Production · rg-web". */
  where: string;
};

/** A write's scope as a person reads it; the path itself is shown beside it. */
export function describeScope(
  scope: string,
  subscriptions: readonly Subscription[],
  groups: ManagementGroupNode | null | undefined,
): ScopeDescription {
  const mg = MG.exec(scope)?.[1];
  if (mg) return { name: findGroup(groups, mg)?.displayName ?? mg, where: "Management group" };
  const sub = SUB.exec(scope);
  if (!sub?.[1]) return { name: scope, where: "Scope" };
  const subName = subscriptionName(sub[1], subscriptions);
  const rest = (sub[2] ?? "").split("/").filter(Boolean);
  if (rest.length === 0) return { name: subName, where: "Subscription" };
  if (rest.length === 2 && rest[0]!.toLowerCase() === "resourcegroups") {
    return { name: rest[1]!, where: `Resource group in ${subName}` };
  }
  const rg = rest[0]?.toLowerCase() === "resourcegroups" ? ` · ${rest[1]}` : "";
  return { name: rest.at(-1)!, where: `Resource in ${subName}${rg}` };
}

/** The last segment of an ARM id (an exemption's or assignment's name). */
export function lastSegment(id: string): string {
  return id.split("/").filter(Boolean).at(-1) ?? id;
}
