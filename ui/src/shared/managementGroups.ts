import type { ManagementGroupNode } from "../ipc/bindings";

/** Every subscription id in a group and the groups below it. */
export function subscriptionsUnder(node: ManagementGroupNode): string[] {
  return [...node.subscriptionIds, ...node.children.flatMap(subscriptionsUnder)];
}

/** The group called `name` (its id segment) in the tree, if any. */
export function findGroup(root: ManagementGroupNode | null | undefined, name: string): ManagementGroupNode | null {
  if (!root) return null;
  if (root.name.toLowerCase() === name.toLowerCase()) return root;
  for (const child of root.children) {
    const found = findGroup(child, name);
    if (found) return found;
  }
  return null;
}

/** The tree cut down to the groups whose display name or name contains every
 * word of `search`, with their ancestors (so each match keeps its place). */
export function filterTree(node: ManagementGroupNode, search: string): ManagementGroupNode | null {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return node;
  const visit = (n: ManagementGroupNode): ManagementGroupNode | null => {
    const children = n.children.map(visit).filter((c): c is ManagementGroupNode => c !== null);
    const text = `${n.displayName} ${n.name}`.toLowerCase();
    if (children.length > 0 || words.every((w) => text.includes(w))) return { ...n, children };
    return null;
  };
  return visit(node);
}

/** Every group's name, for opening the whole tree. */
export function allGroupNames(node: ManagementGroupNode): string[] {
  return [node.name, ...node.children.flatMap(allGroupNames)];
}
