"""Rollouts on Lambda: a function with a gradual `rollout` gets an alias `live` that follows
its newest version; apply moves it there in the rollout's steps through the alias's
RoutingConfig (the old version stays primary, the new one takes AdditionalVersionWeights),
waiting `interval` between steps. `fnplan rollout status|promote|abort` read and move the
same alias; apply notices a promote or abort made while it waits.

Callers that should follow the rollout (triggers, other systems) call `live_arn`; a traffic
change made outside fnplan reads back as drift on the function's `version`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fnplan.errors import FnplanError, ProviderError
from fnplan.naming import LAMBDA_FUNCTION, physical_name
from fnplan.provider import current_call
from fnplan.provider_schema import Diagnostic, PlannedChange
from fnplan.rollouts import is_gradual, rollout_interval, traffic_steps

from .clients import Clients, aws_errors

if TYPE_CHECKING:
    from fnplan.state.model import ResourceState

#: the alias that follows a function's rollouts
LIVE_ALIAS = "live"
#: how often apply looks at the alias while it waits between steps (for promote / abort)
_POLL_SECONDS = 1.0


class Traffic:
    """Where the live alias sends traffic: `stable` takes what `new` (if any) does not."""

    def __init__(self, alias: Mapping[str, Any]) -> None:
        self.arn = str(alias["AliasArn"])
        self.stable = int(alias["FunctionVersion"])
        weights = (alias.get("RoutingConfig") or {}).get("AdditionalVersionWeights") or {}
        self.new, self.percent = None, 0
        for version, weight in weights.items():
            self.new, self.percent = int(version), round(float(weight) * 100)

    def serves(self, version: int) -> bool:
        """Whether all traffic is on `version`."""
        return self.new is None and self.stable == version


def rollout_diagnostics(attributes: Mapping[str, Any]) -> list[Diagnostic]:
    """An interval that is no duration, at the rollout block."""
    try:
        rollout_interval(attributes.get("rollout"))
    except FnplanError as exc:
        return [Diagnostic(exc.message, "rollout")]
    return []


def rollout_notes(change: PlannedChange) -> list[str]:
    """The ordered steps a function update's rollout takes, for the plan to show."""
    resource, prior = change.resource, change.prior
    if change.type != "function" or resource is None or prior is None:
        return []
    rollout = resource.attributes.get("rollout") or {}
    if not is_gradual(rollout) or resource.attributes.get("version") == prior.outputs.get(
        "version"
    ):
        return []
    old, steps = prior.outputs.get("version_number"), traffic_steps(rollout)
    wait = rollout.get("interval") if rollout_interval(rollout) else None
    notes = []
    for index, percent in enumerate(steps, 1):
        text = f"rollout step {index}/{len(steps)}: alias {LIVE_ALIAS}: "
        if percent < 100:
            text += f"{percent}% of traffic on the new version, {100 - percent}% on v{old}"
            text += f", then wait {wait}" if wait else ""
        else:
            text += "all traffic on the new version"
        notes.append(text)
    return notes


class LiveAlias:
    """The live alias of one Lambda function."""

    def __init__(self, clients: Clients, address: str, name: str) -> None:
        self.lam = clients["lambda"]
        self.address, self.name = address, name

    def read(self) -> Traffic | None:
        """Where the alias sends traffic (None: there is no alias)."""
        with aws_errors(f"{self.address}: lambda GetAlias {self.name}:{LIVE_ALIAS}"):
            try:
                return Traffic(self.lam.get_alias(FunctionName=self.name, Name=LIVE_ALIAS))
            except self.lam.exceptions.ResourceNotFoundException:
                return None

    def route(
        self, stable: int, new: int | None = None, percent: int = 0, *, missing: bool = False
    ) -> Traffic:
        """Send `percent` of the traffic to `new`, the rest to `stable` (all of it: the alias
        is made when missing; `missing`: most likely, so it is created without trying an
        update first)."""
        weights = {str(new): percent / 100} if new is not None and percent else {}
        if missing and not weights:
            with aws_errors(f"{self.address}: lambda CreateAlias {self.name}:{LIVE_ALIAS}"):
                try:
                    return Traffic(
                        self.lam.create_alias(
                            FunctionName=self.name, Name=LIVE_ALIAS, FunctionVersion=str(stable)
                        )
                    )
                except self.lam.exceptions.ResourceConflictException:
                    pass  # it exists: updated below
        with aws_errors(f"{self.address}: lambda UpdateAlias {self.name}:{LIVE_ALIAS}"):
            try:
                alias = self.lam.update_alias(
                    FunctionName=self.name,
                    Name=LIVE_ALIAS,
                    FunctionVersion=str(stable),
                    RoutingConfig={"AdditionalVersionWeights": weights},
                )
            except self.lam.exceptions.ResourceNotFoundException:
                if weights:
                    raise
                alias = self.lam.create_alias(
                    FunctionName=self.name, Name=LIVE_ALIAS, FunctionVersion=str(stable)
                )
        return Traffic(alias)

    def roll_out(
        self, version: int, rollout: Mapping[str, Any] | None, *, first: bool = False
    ) -> str:
        """Move the alias to `version` in the rollout's steps (at once without a gradual
        rollout, for a `first` version, or one the alias serves already); the alias ARN."""
        if first:
            return self.route(version, missing=True).arn
        current = self.read() if is_gradual(rollout) else None
        if current is None or current.stable == version:
            return self.route(version).arn
        call, interval = current_call(), rollout_interval(rollout)
        for percent in traffic_steps(rollout)[:-1]:
            set_to = self.route(current.stable, version, percent)
            call.progress(f"{self.name}: {percent}% of traffic on version {version}")
            if self._hold(set_to, interval):
                return set_to.arn  # promoted while it waited
        return self.route(version).arn

    def _hold(self, set_to: Traffic, seconds: float) -> bool:
        """Wait between steps, watching the alias: True when `fnplan rollout promote` moved
        all traffic to the new version; an abort (or any other change) stops the rollout."""
        call = current_call()
        remaining = seconds
        while remaining > 0:
            if call.wait(min(_POLL_SECONDS, remaining)):
                call.check_cancelled()
            remaining -= _POLL_SECONDS
            now = self.read()
            if now is not None and set_to.new is not None and now.serves(set_to.new):
                return True
            if now is None or (now.new, now.percent, now.stable) != (
                set_to.new,
                set_to.percent,
                set_to.stable,
            ):
                raise ProviderError(
                    f"{self.address}: the rollout of version {set_to.new} was aborted "
                    f"(alias {LIVE_ALIAS} changed outside this apply)",
                    hint="the next plan shows the change again; apply rolls it out anew",
                )
        return False


class AwsRollouts:
    """The "rollouts" capability (fnplan.provider.RolloutController) of the aws provider."""

    clients: Clients
    prefix: str

    def rollout_status(self, deployed: ResourceState) -> dict[str, Any]:
        """Where the live alias sends traffic."""
        traffic = self._live(deployed)
        status: dict[str, Any] = {"address": deployed.address, "alias": traffic.arn}
        if traffic.new is None:
            return {**status, "state": "complete", "version": traffic.stable, "percent": 100}
        return {
            **status,
            "state": "in progress",
            "version": traffic.new,
            "percent": traffic.percent,
            "previous_version": traffic.stable,
        }

    def promote_rollout(self, deployed: ResourceState) -> None:
        """All traffic to the new version now."""
        traffic = self._in_flight(deployed)
        self._alias(deployed).route(traffic.new or traffic.stable)

    def abort_rollout(self, deployed: ResourceState) -> None:
        """All traffic back to the previous version."""
        traffic = self._in_flight(deployed)
        self._alias(deployed).route(traffic.stable)

    def _alias(self, deployed: ResourceState) -> LiveAlias:
        """The live alias of the function's own name: the one apply recorded (an imported
        function keeps its name), else the one fnplan gives it (functions.py's)."""
        address = deployed.address
        name = deployed.outputs.get("name") or physical_name(
            address, LAMBDA_FUNCTION, prefix=self.prefix
        )
        return LiveAlias(self.clients, address, str(name))

    def _live(self, deployed: ResourceState) -> Traffic:
        address = deployed.address
        traffic = self._alias(deployed).read() if address.split(".")[-2] == "function" else None
        if traffic is None:
            raise FnplanError(
                f"{address} has no rollouts on aws: no alias {LIVE_ALIAS}",
                hint='give the function a rollout { strategy = "canary" ... } block and apply',
            )
        return traffic

    def _in_flight(self, deployed: ResourceState) -> Traffic:
        traffic, address = self._live(deployed), deployed.address
        if traffic.new is None:
            raise FnplanError(
                f"no rollout of {address} is in flight: all traffic is on version {traffic.stable}",
                hint=f"fnplan rollout status {address}",
            )
        return traffic


def observed_version(
    clients: Clients, prior: ResourceState, name: str, recorded: str | None
) -> str | None:
    """The version hash the live alias really serves: the recorded one, or that of the
    version traffic was moved to outside fnplan (a rollout left in flight, a console edit)."""
    if not prior.outputs.get("live_arn"):
        return recorded
    traffic = LiveAlias(clients, prior.address, name).read()
    number = prior.outputs.get("version_number")
    if traffic is not None and traffic.serves(int(number or 0)):
        return recorded
    if traffic is None:
        return f"(alias {LIVE_ALIAS} deleted outside fnplan)"
    hashes = {v.get("number"): v.get("hash") for v in prior.outputs.get("versions") or []}
    shown = hashes.get(traffic.stable) or f"Lambda version {traffic.stable}"
    if traffic.new is not None:
        return f"{shown} ({100 - traffic.percent}%), Lambda version {traffic.new}"
    return str(shown)
