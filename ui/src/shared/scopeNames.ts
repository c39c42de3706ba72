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

/** An ARM path inside a sentence: a management group, or anything under a
 * subscription (not the sentence's closing period or comma). */
const PATH_IN_TEXT =
  /\/providers\/Microsoft\.Management\/managementGroups\/[^\s,;()]*[^\s,;().]|\/subscriptions\/[^\s,;()]*[^\s,;().]/gi;
const ASSIGNMENT = /^(.*)\/providers\/Microsoft\.Authorization\/policyAssignments\/([^/]+)$/i;

/** One scope in words: "Contoso Production", "resource group rg-web in
 * Contoso Production", "management group Landing Zones". */
export function scopeInWords(
  scope: string,
  subscriptions: readonly Subscription[],
  groups: ManagementGroupNode | null | undefined,
): string {
  const assignment = ASSIGNMENT.exec(scope);
  if (assignment?.[1] && assignment[2])
    return `the assignment ${assignment[2]} at ${scopeInWords(assignment[1], subscriptions, groups)}`;
  const d = describeScope(scope, subscriptions, groups);
  if (d.where === "Subscription") return d.name;
  if (d.where === "Management group") return `management group ${d.name}`;
  for (const kind of ["Resource group", "Resource"]) {
    if (d.where.startsWith(`${kind} in `)) return `${kind.toLowerCase()} ${d.name}${d.where.slice(kind.length)}`;
  }
  return scope;
}

/** A sentence from the backend (a check's detail) with every ARM path in it
 * told by name; the paths themselves are for the tooltip. */
export function nameScopesIn(
  text: string,
  subscriptions: readonly Subscription[],
  groups: ManagementGroupNode | null | undefined,
): string {
  return text.replace(PATH_IN_TEXT, (path) => scopeInWords(path, subscriptions, groups));
}
