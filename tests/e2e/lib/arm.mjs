// Reading ARM outside the app, as the demo seed's CI service principal: what
// Azure (the simulator) recorded, to compare with what the app showed or sent.
import assert from "node:assert/strict";
import { seed } from "./seed.mjs";

/** GET `route` (a path with its query) from the simulator's ARM; answers the JSON. */
export async function armGet(sim, route) {
  const principals = await sim.principals();
  const sp = principals.servicePrincipals.find((p) => p.displayName === seed.servicePrincipal);
  const form = new URLSearchParams({
    grant_type: "client_credentials",
    client_id: sp.clientId,
    client_secret: sp.clientSecret,
    scope: "https://management.azure.com/.default",
  });
  const token = await fetch(`${sim.url}/${principals.tenantId}/oauth2/v2.0/token`, { method: "POST", body: form });
  assert.ok(token.ok, `token: HTTP ${token.status}`);
  const { access_token: accessToken } = await token.json();
  const response = await fetch(sim.url + route, { headers: { authorization: `Bearer ${accessToken}` } });
  assert.equal(response.status, 200, route);
  return response.json();
}
