"""The provider's plan hook: a provider may refine each planned change (Provider.plan_change),
forcing replacement of an update, predicting output values (the next version number), which
then count as known for the resources that refer to them, or adding notes to the reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.plan.refs import has_refs
from fnplan.provider_schema import PlannedChange

if TYPE_CHECKING:
    from fnplan.plan.model import ResourceChange
    from fnplan.provider import Provider
    from fnplan.state.model import ResourceState


def refine(
    change: ResourceChange, prior: ResourceState | None, provider: Provider | None
) -> tuple[ResourceChange, dict[str, Any]]:
    """`change` as the provider's plan hook refines it, and the outputs it predicts."""
    hook = getattr(provider, "plan_change", None)
    if hook is None:
        return change, {}
    paths = [attr.path for attr in change.changes if attr.forces_replacement]
    planned = PlannedChange(
        address=change.address,
        type=change.type,
        action=change.action,
        prior=prior,
        resource=change.resource,
        replace_paths_changed=list(paths),
    )
    refined = hook(planned)
    if not isinstance(refined, PlannedChange):
        raise ProviderError(
            f"{change.address}: provider {change.provider}'s plan_change returned "
            f"{type(refined).__name__}, not a PlannedChange"
        )
    # a "prediction" that is itself known only after apply predicts nothing
    predicted = {k: v for k, v in refined.predicted_outputs.items() if not has_refs(v)}
    if refined.notes:  # what the provider will do, in order, shown among the reasons
        change = change.model_copy(update={"reasons": [*change.reasons, *refined.notes]})
    added = [path for path in refined.replace_paths_changed if path not in paths]
    replaces = refined.action == "replace" or bool(added)
    if change.action != "update" or not replaces:
        return change, predicted
    reason = (
        f"forces replacement: {', '.join(added)} (provider {change.provider})"
        if added
        else f"provider {change.provider} replaces it"
    )
    refined_change = change.model_copy(
        update={"action": "replace", "reasons": [*change.reasons, reason]}
    )
    return refined_change, predicted
