"""runtime → the image its functions run on; no Kubernetes object of its own.

A runtime is a base image + env + resources; code arrives separately (knative.py), so one
image serves many functions. A runtime with `packages` needs an image with them installed:
the user names it (`image`), or `fnplan render` writes the build context for one (fnplan
builds no images).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from fnplan.errors import ProviderError
from fnplan.provider import Observation

if TYPE_CHECKING:
    from fnplan.resources import Resource
    from fnplan.state.model import ResourceState

#: the reference runtime's files, copied into a build context (examples/runtimes/python)
REFERENCE_RUNTIME = "examples/runtimes/python"


def python_version(runtime: Mapping[str, Any]) -> str | None:
    """ "3.12" for language "python3.12"; None for other languages."""
    language = str(runtime.get("language") or "")
    rest = language.removeprefix("python")
    if rest != language and rest.replace(".", "").isdigit():
        return rest
    return None


def runtime_image(address: str, runtime: Mapping[str, Any]) -> str:
    """The image a function of `runtime` runs on: the runtime's own `image`, which must follow
    the runtime image contract; ProviderError naming what to do when there is none."""
    image = runtime.get("image")
    if image:
        return str(image)
    hint = (
        "`fnplan render --provider kubernetes` writes its build context (Dockerfile); "
        "build and push it, then set the runtime's `image`"
    )
    if runtime.get("packages"):
        raise ProviderError(
            f"{address}: runtime {runtime.get('address', '')} has `packages`, so it needs an "
            "image with them installed and fnplan builds no images",
            hint=hint,
        )
    raise ProviderError(
        f"{address}: runtime {runtime.get('address', '')} names no `image`; on Kubernetes a "
        "runtime is an image that follows the runtime image contract",
        hint=hint,
    )


def render_runtime(resource: Resource) -> dict[str, str]:
    """`fnplan render`: the build context of a runtime that needs an image (it has packages
    or names none), with the reference runtime's server; nothing for one that names its
    image and has no packages."""
    from importlib.resources import files

    attributes = {**resource.attributes, "address": resource.address}
    if attributes.get("image") and not attributes.get("packages"):
        return {}
    server = files("fnplan.examples").joinpath("runtimes", "python", "server.py").read_text()
    return build_context(attributes, server)


def build_context(runtime: Mapping[str, Any], server: str) -> dict[str, str]:
    """The files of a build context for `runtime` (Dockerfile + the reference server text
    `server`): the reference runtime on the runtime's Python, its packages installed."""
    version = python_version(runtime)
    if version is None:
        raise ProviderError(
            f"{runtime.get('address', 'runtime')}: fnplan ships a reference runtime for "
            f"python3.X only, not {runtime.get('language')!r}; write its image by hand"
        )
    lines = [
        f"FROM python:{version}-slim",
        "WORKDIR /fnplan",
        "COPY server.py /fnplan/server.py",
    ]
    packages = [str(p) for p in runtime.get("packages") or []]
    if packages:
        quoted = " ".join(_quote(p) for p in packages)
        lines.append(f"RUN pip install --no-cache-dir {quoted}")
    env = {str(k): str(v) for k, v in (runtime.get("env") or {}).items()}
    lines += [f"ENV {k}={_quote(v)}" for k, v in sorted(env.items())]
    lines += ["EXPOSE 8080", 'CMD ["python", "/fnplan/server.py"]', ""]
    return {"Dockerfile": "\n".join(lines), "server.py": server}


def _quote(text: str) -> str:
    """A shell word for `text` in a Dockerfile RUN / ENV line."""
    import shlex

    return shlex.quote(text)


class Runtimes:
    """A runtime has no Kubernetes object: applying it checks it names a usable image, which
    its functions' Services then run."""

    def observe(self, prior: ResourceState) -> Observation:
        """There is nothing in the cluster to read: the recorded runtime is what exists."""
        return Observation(
            exists=True, attributes=dict(prior.attributes), outputs=dict(prior.outputs)
        )

    def create(self, resource: Resource) -> dict[str, Any]:
        return {
            "image": runtime_image(
                resource.address, {**resource.attributes, "address": resource.address}
            )
        }

    def update(self, resource: Resource, prior: ResourceState) -> dict[str, Any]:
        return self.create(resource)

    def delete(self, prior: ResourceState) -> None:
        """Nothing in the cluster belongs to a runtime alone."""
