-- Argo CD health of every datashare.lgsp.vn kind, read from its Ready and
-- Stalled conditions and observedGeneration (see docs/argocd.md).
--   Healthy      Ready is True for the current generation.
--   Progressing  the operator has not decided the current generation yet,
--                or the object will be Ready without anyone acting (a
--                gateway to report on a route).
--   Suspended    the object waits for a moment to come, or for another
--                party's consent: the appointment or agreement starts later,
--                the provider or the DIC has not consented yet.
--   Degraded     someone must act; the message says who.
local hs = { status = "Progressing", message = "Waiting for the operator to reconcile" }
if obj.status == nil or obj.status.conditions == nil then
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration ~= obj.metadata.generation then
  hs.message = "Waiting for the operator to reconcile generation " .. obj.metadata.generation
  return hs
end
local waiting = {
  NotYetValid = true,
  AppointmentNotStarted = true,
  AwaitingProviderConsent = true,
  AwaitingCoordinatorEndorsement = true,
}
local ready, stalled
for _, c in ipairs(obj.status.conditions) do
  if c.type == "Ready" then ready = c end
  if c.type == "Stalled" then stalled = c end
end
if ready == nil then
  return hs
end
hs.message = (ready.reason or "") .. ": " .. (ready.message or "")
if ready.status == "True" then
  hs.status = "Healthy"
elseif waiting[ready.reason] then
  hs.status = "Suspended"
elseif stalled ~= nil and stalled.status == "True" then
  hs.status = "Degraded"
else
  hs.status = "Progressing"
end
return hs
