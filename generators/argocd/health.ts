// Argo CD does not assess the health of Application resources (removed in
// v1.8), so a parent waits for nothing between its sync waves. This check,
// installed in argocd-cm by the root Application before any child is created,
// restores it, and is stricter than the one in Argo CD's documentation, which
// trusts the child's health alone: that can read Healthy while the child is
// still out of sync, mid-sync, or after its last sync failed (an object that
// never applied). Here a child counts as healthy only when it is synced to
// Git, its last sync did not fail and its own health is Healthy.

import { FIRST_CONSUMER_ANNOTATION } from "../render/storage.js";

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

/** The argocd-cm key of the PersistentVolumeClaim health check. */
export const CLAIM_HEALTH_KEY = "resource.customizations.health.PersistentVolumeClaim";

/**
 * Argo CD's built-in claim check (gitops-engine health_pvc.go) with one
 * exception: a Pending claim that declares it binds on first use by a
 * scheduled run (FIRST_CONSUMER_ANNOTATION, set by the generator only where
 * the class binds WaitForFirstConsumer and nothing long-running mounts it)
 * is Healthy while no node has been chosen for it. Once the scheduler picks a
 * node (volume.kubernetes.io/selected-node) it is Progressing again, so a
 * claim that then fails to bind is not hidden.
 */
export const CLAIM_HEALTH_LUA = `hs = {}
local phase = nil
if obj.status ~= nil then
  phase = obj.status.phase
end
if phase == "Bound" then
  hs.status = "Healthy"
  hs.message = ""
  return hs
end
if phase == "Lost" then
  hs.status = "Degraded"
  hs.message = "The claim lost its volume"
  return hs
end
if phase == "Pending" then
  local ann = obj.metadata.annotations
  if ann ~= nil and ann["${FIRST_CONSUMER_ANNOTATION}"] ~= nil and ann["volume.kubernetes.io/selected-node"] == nil then
    hs.status = "Healthy"
    hs.message = "Binds when its first consumer runs: " .. ann["${FIRST_CONSUMER_ANNOTATION}"]
    return hs
  end
  hs.status = "Progressing"
  hs.message = "Waiting for the claim to bind"
  return hs
end
hs.status = "Unknown"
hs.message = ""
return hs
`;

/** Entries the root Application merges into argocd-cm. */
export function argocdSettings(): Record<string, string> {
  return { [APPLICATION_HEALTH_KEY]: APPLICATION_HEALTH_LUA, [CLAIM_HEALTH_KEY]: CLAIM_HEALTH_LUA };
}
