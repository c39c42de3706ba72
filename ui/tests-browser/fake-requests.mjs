// Requests, approvals, tenant settings and the activity log for the fake
// backend: installed after `installFakeBackend` (Playwright's addInitScript
// keeps the order), it answers those commands from a small in-memory model and
// hands every other command to the fake backend. Writes go through the fake
// backend's own prepare_exemption and apply_plan, so an approval applies as
// the Exempt pane's Create does.

const RILEY = { account: "riley@contoso.example", objectId: "2222" };
const ME = { account: "alex@contoso.example", objectId: "0000" };
const SUB = "11111111-1111-4111-8111-111111111111";
const REC = "aaaaaaaa-0000-4000-8000-000000000001";

const draft = (name, category, expiresOn, description = "") => ({
  recommendationKey: REC,
  scope: { kind: "subscriptions", ids: [SUB] },
  name,
  displayName: "",
  expiresOn,
  utcOffsetMinutes: 60,
  category,
  description,
});

const request = (id, by, state, d, justification, ticket, daysAgo, history = []) => {
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  return {
    id,
    tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    state,
    draft: d,
    recommendationName: "Storage accounts should restrict network access",
    scopeSummary: "Contoso Production",
    writes: [],
    checks: [],
    justification,
    ticket,
    requestedBy: by,
    requestedAt: at,
    requesterVerified: true,
    approverChanges: null,
    applyId: null,
    history: [{ state: "Pending", by, at, note: null }, ...history],
  };
};

export const REQUEST_FIXTURES = {
  requests: [
    request(
      "req-riley-legacy",
      RILEY,
      "Pending",
      draft("legacy-partner-access", "Waiver", "2027-03-31"),
      "The partner's SFTP gateway needs public network access until the private link goes live in Q1.",
      "https://tickets.contoso.example/CHG-1042",
      3,
    ),
    request(
      "req-riley-scanner",
      RILEY,
      "Pending",
      draft("third-party-scanner", "Mitigated", null),
      "Qualys covers these accounts; Defender's check duplicates it.",
      "CHG-2210",
      1,
    ),
    request(
      "req-alex-logs",
      ME,
      "ChangesRequested",
      draft("log-archive-open", "Waiver", "2027-12-31", "Archive ingest from the old SIEM."),
      "The old SIEM writes logs here over the internet.",
      null,
      6,
    ),
  ],
  file: {
    path: "/home/alex/Downloads/kim.exemption-request.json",
    request: request(
      "req-file-kim",
      { account: "kim.ng@contoso.example", objectId: "3333" },
      "Pending",
      draft("kim-temporary", "Waiver", "2027-06-30"),
      "Temporary exception while the storage account is migrated.",
      "RISK-77",
      2,
    ),
  },
  tenantSettings: {
    requestTable: { endpoint: "http://127.0.0.1:10002/devstoreaccount1", table: "exemptionrequests" },
    policy: { approval: "Never", maxExpiryDays: 365, ticketRequired: false },
  },
  activityLines: 2000,
};

/** Runs in the page (serialised by Playwright's addInitScript). */
export function installFakeRequests(fixtures) {
  const backend = window.__TAURI_INTERNALS__;
  const inner = backend.invoke.bind(backend);
  const clone = (v) => JSON.parse(JSON.stringify(v));
  const delay = (ms) => new Promise((r) => setTimeout(r, ms));
  const me = { account: "alex@contoso.example", objectId: "0000" };
  const requests = clone(fixtures.requests);
  const files = new Map([[fixtures.file.path, { ...clone(fixtures.file.request), requesterVerified: false }]]);
  const opened = new Map(); // file requests by id, once opened
  let tenantSettings = clone(fixtures.tenantSettings);
  let sequence = 0;
  // The user may write exemptions; false: every prepare fails its Permissions check.
  window.__mayWrite = fixtures.mayWrite ?? true;
  // Differences a review reports for a request, by id.
  window.__differences = {
    "req-riley-legacy": [
      "An exemption named legacy-partner-access now exists in Contoso Production: it would be replaced.",
    ],
  };

  const KINDS = ["SignIn", "Write", "Request", "Decision", "Delete", "SignOut", "Other"];
  const activity = [];
  const start = Date.parse("2026-11-30T18:00:00Z");
  for (let i = 0; i < fixtures.activityLines; i++) {
    const kind = KINDS[i % KINDS.length];
    activity.push({
      at: new Date(start - i * 97_000).toISOString(),
      kind,
      account: i % 3 === 0 ? "riley@contoso.example" : "alex@contoso.example",
      summary:
        kind === "Write"
          ? `PUT /subscriptions/${fixtures.requests[0].draft.scope.ids[0]}/providers/Microsoft.Authorization/policyExemptions/bench-${i}`
          : kind === "SignIn"
            ? "Signed in to Contoso (demo)"
            : kind === "Request"
              ? `Requested exemption bench-${i}`
              : kind === "Decision"
                ? `Approved request req-${i}`
                : kind === "Delete"
                  ? `DELETE policyExemptions/bench-${i}`
                  : `Line ${i}`,
      outcome: i % 11 === 0 ? "Failed: AuthorizationFailed" : "Succeeded",
      subject: kind === "Write" || kind === "Delete" ? `bench-${i}` : null,
    });
  }
  const log = (kind, summary, outcome, subject) =>
    activity.unshift({ at: new Date().toISOString(), kind, account: me.account, summary, outcome, subject });

  const fail = (message, code = "invalid_request", details = null) => {
    throw { code, message, details };
  };
  const find = (id) => requests.find((r) => r.id === id) ?? opened.get(id) ?? fail(`No request ${id}.`, "not_found");
  const event = (r, state, note = null) => {
    r.state = state;
    r.history.push({ state, by: clone(me), at: new Date().toISOString(), note });
  };
  const conflict = () =>
    fail("Someone else acted on this request first: it is no longer pending. Nothing was sent.", "invalid_request");

  async function prepareAs(d) {
    const p = await inner("prepare_exemption", { draft: d });
    if (window.__mayWrite) return p;
    const checks = p.checks.map((c) =>
      c.kind === "Permissions"
        ? {
            ...c,
            status: "Failed",
            title: "You may not write these exemptions",
            detail: "You may not write policyExemptions at Contoso Production.",
            remedy: "Ask for Security Admin there, or request approval.",
          }
        : c,
    );
    return {
      ...p,
      checks,
      blocked: true,
      planError: { code: "checks_failed", message: "You may not write these exemptions.", details: null },
    };
  }

  async function review(r, changes) {
    const d = { ...r.draft };
    if (changes.expiresOn) d.expiresOn = changes.expiresOn;
    if (changes.category) d.category = changes.category;
    const preparation = await prepareAs(d);
    const own = r.requestedBy.objectId === me.objectId;
    const cannotApprove = own
      ? "You made this request: someone else must approve it."
      : r.state !== "Pending"
        ? `This request is ${r.state}: only a pending request can be approved.`
        : !window.__mayWrite
          ? "You may not write these exemptions yourself."
          : null;
    return { request: clone(r), preparation, differences: window.__differences[r.id] ?? [], cannotApprove };
  }

  async function newRequest(args) {
    const session = await inner("session_info", {});
    const p = await prepareAs(args.draft);
    const at = new Date().toISOString();
    const by = { account: session.account, objectId: session.objectId };
    return {
      id: `req-new-${++sequence}`,
      tenantId: session.tenantId,
      state: "Pending",
      draft: clone(args.draft),
      recommendationName: "Storage accounts should restrict network access",
      scopeSummary:
        args.draft.scope.ids.length === 1 ? "Contoso Production" : `${args.draft.scope.ids.length} subscriptions`,
      writes: p.writes,
      checks: p.checks,
      justification: args.justification,
      ticket: args.ticket,
      requestedBy: by,
      requestedAt: at,
      requesterVerified: true,
      approverChanges: null,
      applyId: null,
      history: [{ state: "Pending", by, at, note: null }],
    };
  }

  function policyProblems(d, ticket) {
    const p = tenantSettings.policy;
    if (p.ticketRequired && !ticket) fail("This tenant requires a ticket reference.", "invalid_request");
    if (p.maxExpiryDays && d.expiresOn) {
      const days = (Date.parse(d.expiresOn) - Date.now()) / 86_400_000;
      if (days > p.maxExpiryDays)
        fail(`This tenant allows at most ${p.maxExpiryDays} days; choose an earlier expiry.`, "invalid_request", [
          { field: "expiresOn", message: `At most ${p.maxExpiryDays} days from today.` },
        ]);
    }
  }

  function watchApply(r, applyId) {
    const timer = setInterval(async () => {
      const report = await inner("apply_report", { applyId });
      if (!report.finished) return;
      clearInterval(timer);
      const ok = report.items.filter((i) => i.state === "Succeeded").length;
      event(r, ok === report.items.length ? "Applied" : ok > 0 ? "PartlyApplied" : "Failed");
      log("Decision", `Applied request ${r.id}`, r.state, r.id);
      window.__emit("requests-changed", null);
    }, 200);
  }

  async function handle(cmd, args) {
    switch (cmd) {
      case "submit_request": {
        await delay(120);
        policyProblems(args.draft, args.ticket);
        const r = await newRequest(args);
        requests.push(r);
        log("Request", `Requested exemption ${r.draft.name}`, "Pending", r.id);
        return clone(r);
      }
      case "save_request_file": {
        await delay(60);
        const r = await newRequest(args);
        const path = `/home/alex/Documents/${r.draft.name}.exemption-request.json`;
        files.set(path, { ...r, requesterVerified: false });
        return path;
      }
      case "list_requests": {
        await delay(80);
        const mine = (r) => r.requestedBy.objectId === me.objectId;
        const out =
          args.kind === "AwaitingDecision"
            ? requests.filter((r) => r.state === "Pending" && !mine(r))
            : args.kind === "Mine"
              ? requests.filter(mine)
              : requests;
        return clone(out);
      }
      case "review_request":
        await delay(120);
        return review(find(args.requestId), args.changes);
      case "review_request_file":
      case "choose_request_file": {
        await delay(80);
        const path = cmd === "choose_request_file" ? fixtures.file.path : args.path;
        const r = files.get(path);
        if (!r) fail(`${path} is not a request file: its schema version is missing.`, "invalid_request");
        opened.set(r.id, r);
        return review(r, args?.changes ?? { expiresOn: null, category: null });
      }
      case "approve_request": {
        await delay(120);
        const r = find(args.requestId);
        if (r.state !== "Pending") conflict();
        if (r.requestedBy.objectId === me.objectId) fail("Nobody approves their own request.", "forbidden");
        event(
          r,
          "Approved",
          args.changes.expiresOn || args.changes.category
            ? `Changed: ${[args.changes.expiresOn && `expiry ${args.changes.expiresOn}`, args.changes.category].filter(Boolean).join(", ")}`
            : null,
        );
        r.approverChanges = clone(args.changes);
        const applyId = await inner("apply_plan", { planId: args.planId });
        r.applyId = applyId;
        log("Decision", `Approved request ${r.id}`, "Approved", r.id);
        watchApply(r, applyId);
        return applyId;
      }
      case "reject_request": {
        await delay(80);
        const r = find(args.requestId);
        if (r.state !== "Pending") conflict();
        event(r, "Rejected", args.reason);
        log("Decision", `Rejected request ${r.id}`, "Rejected", r.id);
        return clone(r);
      }
      case "request_changes": {
        await delay(80);
        const r = find(args.requestId);
        if (r.state !== "Pending") conflict();
        event(r, "ChangesRequested", args.comment);
        return clone(r);
      }
      case "withdraw_request": {
        await delay(80);
        const r = find(args.requestId);
        if (r.state !== "Pending" && r.state !== "ChangesRequested") conflict();
        event(r, "Withdrawn");
        return clone(r);
      }
      case "resubmit_request": {
        await delay(80);
        const r = find(args.requestId);
        if (r.state !== "ChangesRequested") conflict();
        policyProblems(args.draft, args.ticket);
        r.draft = clone(args.draft);
        r.justification = args.justification;
        r.ticket = args.ticket;
        event(r, "Pending", "Resubmitted with changes");
        return clone(r);
      }
      case "get_tenant_settings":
        await delay(30);
        return clone(tenantSettings);
      case "save_tenant_settings": {
        await delay(80);
        const s = args.settings;
        const details = [];
        if (s.requestTable) {
          if (!/^https:\/\/|^http:\/\/(127\.0\.0\.1|localhost)[:/]/.test(s.requestTable.endpoint))
            details.push({ field: "endpoint", message: "Use an https:// address (http:// only to this machine)." });
          if (
            !/^[A-Za-z][A-Za-z0-9]{2,62}$/.test(s.requestTable.table) ||
            s.requestTable.table.toLowerCase() === "tables"
          )
            details.push({ field: "table", message: "3 to 63 letters and digits, starting with a letter." });
        }
        if (details.length) fail("Some request settings are not valid.", "invalid_request", details);
        tenantSettings = clone(s);
        return clone(tenantSettings);
      }
      case "activity_log": {
        await delay(40);
        const q = args.query;
        const text = q.text.toLowerCase();
        const hit = (e) =>
          (q.kinds.length === 0 || q.kinds.includes(e.kind)) &&
          (!text ||
            [e.account, e.summary, e.outcome, e.subject ?? "", e.at].some((v) => v.toLowerCase().includes(text)));
        return clone(activity.filter(hit).slice(0, q.limit || 1000));
      }
      case "export_activity":
        await delay(60);
        return "/home/alex/Documents/exemption-desk-activity.csv";
      default:
        return undefined;
    }
  }

  const OWN = new Set([
    "submit_request",
    "save_request_file",
    "list_requests",
    "review_request",
    "review_request_file",
    "choose_request_file",
    "approve_request",
    "reject_request",
    "request_changes",
    "withdraw_request",
    "resubmit_request",
    "get_tenant_settings",
    "save_tenant_settings",
    "activity_log",
    "export_activity",
  ]);
  backend.invoke = async (cmd, args = {}, options) => {
    // The Exempt pane's checks, as the user may (or may not) write.
    if (cmd === "prepare_exemption" && !window.__mayWrite) {
      window.__ipcCalls.push({ cmd, args: clone(args) });
      return prepareAs(args.draft);
    }
    if (!OWN.has(cmd)) return inner(cmd, args, options);
    window.__ipcCalls.push({ cmd, args: clone(args) });
    const failure = window.__ipcFail[cmd];
    if (failure) {
      delete window.__ipcFail[cmd];
      await delay(20);
      throw failure;
    }
    return handle(cmd, args);
  };
}
