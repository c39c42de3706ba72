import { MessageBar, MessageBarBody, MessageBarTitle } from "@fluentui/react-components";
import { useQuery } from "@tanstack/react-query";
import { queries } from "../ipc/queries";

/** On the first screen, before any form: a sign-in that may write exemptions
 * at none of its subscriptions is told so, and what would let it. Says
 * nothing while unknown (a subscription's permissions unreadable, an error). */
export function WriteAccessBanner() {
  const access = useQuery(queries.writeAccess());
  const a = access.data;
  if (!a || a.subscriptions === 0 || a.writable > 0 || a.unknown > 0) return null;
  const where = a.subscriptions === 1 ? "the subscription" : `any of the ${a.subscriptions} subscriptions`;
  return (
    <MessageBar intent="warning" layout="multiline" data-testid="no-write-access">
      <MessageBarBody>
        <MessageBarTitle>You can look and request, but not exempt yourself</MessageBarTitle>
        This sign-in may not write exemptions at {where} it can read. Open a recommendation and choose Request approval:
        someone who may write it approves, and it is written under their name. To exempt yourself, ask for Security
        Admin, Resource Policy Contributor or Owner at a subscription or management group (or at the resource groups you
        look after).
      </MessageBarBody>
    </MessageBar>
  );
}
