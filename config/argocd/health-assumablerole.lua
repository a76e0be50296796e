-- Argo CD health check for AssumableRole (iam.baseline.dev). The three kinds share this body;
-- health_test.go keeps the copies identical and in argocd-cm-patch.yaml.
-- kstatus rules, as the operator writes them (DESIGN.md, Conventions):
--   Healthy     Ready is True and both status.observedGeneration and the Ready
--               condition's observedGeneration equal metadata.generation.
--   Degraded    Stalled is True: progress needs a person (a spec change, or AWS).
--   Progressing anything else: no status yet, an older generation, Reconciling,
--               or Ready False/Unknown (its reason and message are shown).
-- Argo CD runs custom health scripts without the string library, so this uses
-- only base Lua: ipairs, tostring and concatenation.

local hs = { status = "Progressing", message = "" }

local function find(conditions, ctype)
  if conditions == nil then
    return nil
  end
  for _, c in ipairs(conditions) do
    if c.type == ctype then
      return c
    end
  end
  return nil
end

-- describe gives "Reason: message", or whichever of the two is set.
local function describe(c)
  local reason = c.reason or ""
  local message = c.message or ""
  if reason ~= "" and message ~= "" then
    return reason .. ": " .. message
  end
  if message ~= "" then
    return message
  end
  return reason
end

if obj.status == nil then
  hs.message = "Waiting for the operator to report status"
  return hs
end

local generation = nil
if obj.metadata ~= nil then
  generation = obj.metadata.generation
end
local observed = obj.status.observedGeneration

-- Conditions written for an older spec say nothing about the current one.
if generation ~= nil and observed ~= generation then
  hs.message = "Waiting for the operator to observe generation " .. tostring(generation)
  if observed ~= nil then
    hs.message = hs.message .. " (status describes generation " .. tostring(observed) .. ")"
  end
  return hs
end

local conditions = obj.status.conditions

-- A Stalled condition left over from an older generation is stale; one without
-- observedGeneration is trusted, since status.observedGeneration is current.
local stalled = find(conditions, "Stalled")
if stalled ~= nil and stalled.status == "True" and
    (stalled.observedGeneration == nil or generation == nil or stalled.observedGeneration == generation) then
  hs.status = "Degraded"
  hs.message = stalled.message or ""
  if hs.message == "" then
    hs.message = describe(stalled)
  end
  return hs
end

-- Reconciling wins over a Ready that is still True from before: work is under way.
local reconciling = find(conditions, "Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.message = "Reconciling"
  local detail = describe(reconciling)
  if detail ~= "" then
    hs.message = hs.message .. ": " .. detail
  end
  return hs
end

local ready = find(conditions, "Ready")
if ready == nil then
  hs.message = "Waiting for the Ready condition"
  return hs
end

if ready.status == "True" then
  if generation ~= nil and ready.observedGeneration ~= generation then
    hs.message = "Waiting for the Ready condition to describe generation " .. tostring(generation)
    return hs
  end
  hs.status = "Healthy"
  hs.message = ready.message or ""
  if hs.message == "" then
    hs.message = "Ready"
  end
  return hs
end

hs.message = "Not ready"
local detail = describe(ready)
if detail ~= "" then
  hs.message = hs.message .. ": " .. detail
end
return hs
