"""`fnplan render`: the artifacts providers would deploy for the configuration (a state
machine definition, Kubernetes manifests, a local workflow document), for review, through
their "render" capability; written, when asked, only inside the chosen directory."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from fnplan.errors import FnplanError, ProviderError, did_you_mean

if TYPE_CHECKING:
    from fnplan.compile.model import Desired
    from fnplan.provider import ArtifactRenderer
    from fnplan.resources import Resource
    from fnplan.workspace import Workspace


@dataclass(frozen=True)
class Artifact:
    """One rendered file: the resource it belongs to, its relative name and its text."""

    address: str
    name: str
    text: str

    @property
    def path(self) -> PurePosixPath:
        """Where it goes inside an output directory: ADDRESS/NAME."""
        return PurePosixPath(self.address) / self.name


def render(
    workspace: Workspace, address: str | None = None, provider: str | None = None
) -> list[Artifact]:
    """The artifacts of every resource of the configuration (or of `address`: a resource or
    a block with its copies), optionally of one provider only, in address order.

    Without either, providers that cannot render are left out; naming a resource or a
    provider that cannot is a clean "provider X cannot render its artifacts" error."""
    from fnplan.provider import RENDER, capability, has_capability, open_providers

    desired, lineage = _desired(workspace)
    selected = _select(desired, address, provider)
    needed = {resource.provider for resource in selected}
    providers = open_providers(desired.providers, needed, workspace.directory, lineage=lineage)
    explicit = address is not None or provider is not None
    capable = {a for a, p in providers.items() if has_capability(p, RENDER)}
    if explicit or not capable:
        for name in sorted(needed - capable):
            capability(providers[name], RENDER, name)  # raises, naming what it can do
    found: list[Artifact] = []
    for resource in selected:
        if resource.provider in capable:
            renderer = capability(providers[resource.provider], RENDER, resource.provider)
            found.extend(_rendered(renderer, resource))
    return found


def write(artifacts: list[Artifact], out_dir: Path) -> list[Path]:
    """Write each artifact to OUT_DIR/ADDRESS/NAME; names that would leave OUT_DIR are
    refused before anything is written."""
    from fnplan.files import write_atomically

    root = out_dir.resolve()
    targets = [(_inside(root, artifact), artifact) for artifact in artifacts]
    for target, artifact in targets:
        target.parent.mkdir(parents=True, exist_ok=True)
        if not target.parent.resolve().is_relative_to(root):  # a symlinked directory
            raise _unsafe(artifact, f"its directory leads outside {out_dir}")
        write_atomically(target, artifact.text.encode("utf-8"))
    return [target for target, _ in targets]


def _desired(workspace: Workspace) -> tuple[Desired, str | None]:
    """The compiled configuration (through the desired cache), against the current state;
    and the state's lineage, which providers put on what they render as apply does."""
    prepared = workspace.prepare()
    state = prepared.backend.read()
    return workspace.desired(prepared, state), state.lineage


def _select(desired: Desired, address: str | None, provider: str | None) -> list[Resource]:
    """The resources to render, by address; clean errors for names that match nothing."""
    resources = sorted(desired.resources.values(), key=lambda r: r.address)
    if provider is not None:
        used = desired.providers_used()
        if provider not in used:
            raise FnplanError(
                f"--provider {provider}: no resource of the configuration goes to it",
                allowed=used,
                hint=did_you_mean(provider, used),
            )
        resources = [r for r in resources if r.provider == provider]
    if address is not None:
        chosen = [r for r in resources if address in (r.address, r.group)]
        if not chosen:
            known = {r.address for r in resources} | {r.group for r in resources if r.group}
            raise FnplanError(
                f"no resource {address} in the configuration"
                + (f" on provider {provider}" if provider else ""),
                hint=did_you_mean(address, known) or "list them with: fnplan graph --format json",
            )
        resources = chosen
    return resources


def _rendered(renderer: ArtifactRenderer, resource: Resource) -> list[Artifact]:
    files = renderer.render(resource)
    return [Artifact(resource.address, name, files[name]) for name in sorted(files)]


def _inside(root: Path, artifact: Artifact) -> Path:
    """The artifact's file under `root`: a relative path of plain names, never leaving it."""
    path = artifact.path
    parts = path.parts
    if (
        path.is_absolute()
        or not artifact.name
        or any(part in ("", ".", "..") or "\\" in part or "\0" in part for part in parts)
        or "/" in artifact.address
    ):
        raise _unsafe(artifact, "it is not a relative path of plain names")
    target = root.joinpath(*parts)
    if not target.resolve().is_relative_to(root):
        raise _unsafe(artifact, f"it leads outside {root}")
    return target


def _unsafe(artifact: Artifact, why: str) -> ProviderError:
    return ProviderError(
        f"{artifact.address}: the provider rendered the file name {artifact.name!r}, which "
        f"cannot be written: {why}"
    )
