import {
  Button,
  Dialog,
  DialogActions,
  DialogBody,
  DialogContent,
  DialogSurface,
  DialogTitle,
  Spinner,
} from "@fluentui/react-components";
import { useState } from "react";
import type { ErrorPayload } from "../../ipc/bindings";
import { ErrorBar } from "../../shared/ErrorBar";
import { toErrorPayload } from "../../shared/errors";

type Props = {
  /** The management group's name (id segment); null when closed. */
  managementGroup: string | null;
  displayName: string;
  onGrant: (managementGroup: string) => Promise<unknown>;
  onClose: () => void;
};

/** Confirms the one write the app makes outside exemptions: a role assignment. */
export function GrantReaderDialog({ managementGroup, displayName, onGrant, onClose }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ErrorPayload | null>(null);
  const grant = async () => {
    if (!managementGroup) return;
    setBusy(true);
    setError(null);
    try {
      await onGrant(managementGroup);
      onClose();
    } catch (e) {
      setError(toErrorPayload(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog open={managementGroup !== null} onOpenChange={(_, d) => !d.open && !busy && onClose()} modalType="alert">
      <DialogSurface aria-label="Grant Reader to Defender for Cloud">
        <DialogBody>
          <DialogTitle>Grant Reader to Defender for Cloud?</DialogTitle>
          <DialogContent>
            <p>
              This creates a role assignment: the built-in <strong>Reader</strong> role for the{" "}
              <strong>Windows Azure Security Resource Provider</strong> (Defender for Cloud's service principal) on the
              management group <strong>{displayName}</strong>{" "}
              <code>/providers/Microsoft.Management/managementGroups/{managementGroup}</code>.
            </p>
            <p>
              Defender for Cloud needs it to honour an exemption of a whole management group. Nothing else is changed;
              you can remove the role assignment in the Azure portal.
            </p>
            {error ? <ErrorBar error={error} title="Couldn't grant Reader" /> : null}
          </DialogContent>
          <DialogActions>
            <Button appearance="primary" onClick={grant} disabled={busy}>
              {busy ? <Spinner size="extra-tiny" /> : null}
              Grant Reader
            </Button>
            <Button onClick={onClose} disabled={busy}>
              Don't grant
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
