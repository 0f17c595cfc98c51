// Argo CD does not assess the health of Application resources (removed in
// v1.8), so a parent waits for nothing between its sync waves. This check,
// installed in argocd-cm by the root Application before any child is created,
// restores it, and is stricter than the one in Argo CD's documentation, which
// trusts the child's health alone: that can read Healthy while the child is
// still out of sync, mid-sync, or after its last sync failed (an object that
// never applied). Here a child counts as healthy only when it is synced to
// Git, its last sync did not fail and its own health is Healthy.

/** The argocd-cm key Argo CD reads a health check for argoproj.io/Application from. */
export const APPLICATION_HEALTH_KEY = "resource.customizations.health.argoproj.io_Application";

export const APPLICATION_HEALTH_LUA = `hs = {}
hs.status = "Progressing"
hs.message = "Waiting for the Application to report its status"
if obj.status == nil then
  return hs
end
if obj.status.operationState ~= nil then
  local phase = obj.status.operationState.phase
  if phase == "Failed" or phase == "Error" then
    hs.status = "Degraded"
    hs.message = "Last sync " .. phase .. ": " .. (obj.status.operationState.message or "")
    return hs
  end
  if phase == "Running" or phase == "Terminating" then
    hs.message = "Sync in progress"
    return hs
  end
end
if obj.status.sync == nil or obj.status.sync.status ~= "Synced" then
  hs.message = "Waiting for the Application to sync"
  return hs
end
if obj.status.health ~= nil and obj.status.health.status ~= nil then
  hs.status = obj.status.health.status
  hs.message = obj.status.health.message or ""
end
return hs
`;

/** Entries the root Application merges into argocd-cm. */
export function argocdSettings(): Record<string, string> {
  return { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA };
}
