"""The `kubernetes` state backend, shipped with the kubernetes provider
(`pip install 'fnplan[kubernetes]'`) and found by the engine through the `fnplan.backends`
entry points: `backend "kubernetes" { secret_suffix, namespace, config_path, context,
in_cluster }`, as Terraform's kubernetes backend."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fnplan.errors import ConfigError, SourcePos

from .backend import KubeBackend, KubeWorkspaces
from .names import DNS_LABEL

__all__ = ["KubeBackend", "KubeWorkspaces", "open_kubernetes_backend"]

SETTINGS = ("secret_suffix", "namespace", "config_path", "context", "in_cluster")
DEFAULT_NAMESPACE = "default"
#: the suffix's length limit keeps every object name and label value within Kubernetes' own
_SUFFIX_LENGTH = 40


def open_kubernetes_backend(
    config: Mapping[str, Any], pos: str | None, directory: Path, lock_timeout: float
) -> KubeWorkspaces:
    """The workspaces a `backend "kubernetes" { ... }` block names; ConfigError for a bad
    setting or a kubeconfig that cannot be loaded."""
    where = SourcePos.parse(pos)
    unknown = sorted(set(config) - set(SETTINGS))
    if unknown:
        raise ConfigError(
            f'unknown setting {unknown[0]!r} in backend "kubernetes"', pos=where, allowed=SETTINGS
        )
    suffix = config.get("secret_suffix")
    if (
        not isinstance(suffix, str)
        or len(suffix) > _SUFFIX_LENGTH
        or not DNS_LABEL.fullmatch(suffix)
    ):
        raise ConfigError(
            f'backend "kubernetes": secret_suffix must be a short DNS label, not {suffix!r}',
            pos=where,
            hint=f"1 to {_SUFFIX_LENGTH} lowercase letters, digits and '-': the project's name",
        )
    namespace = config.get("namespace", DEFAULT_NAMESPACE)
    if not isinstance(namespace, str) or not DNS_LABEL.fullmatch(namespace):
        raise ConfigError(
            f'backend "kubernetes": namespace must be a namespace name, not {namespace!r}',
            pos=where,
        )
    for name in ("config_path", "context"):
        if name in config and not isinstance(config[name], str):
            raise ConfigError(f'backend "kubernetes": {name} must be a string', pos=where)
    in_cluster = config.get("in_cluster", False)
    if not isinstance(in_cluster, bool):
        raise ConfigError('backend "kubernetes": in_cluster must be true or false', pos=where)
    try:
        import kubernetes  # noqa: F401
    except ImportError:
        raise ConfigError(
            'backend "kubernetes" needs the kubernetes client, which is not installed',
            pos=where,
            hint="install it with: pip install 'fnplan[kubernetes]'",
        ) from None
    from .api import connect

    config_path = config.get("config_path")
    if config_path is not None:
        config_path = str(directory / Path(config_path).expanduser())
    try:
        api = connect(config_path, config.get("context"), in_cluster, namespace)
    except ValueError as exc:
        raise ConfigError(
            f'backend "kubernetes": cannot load the cluster configuration: {exc}',
            pos=where,
            hint="set config_path (and context) in the backend block, or in_cluster = true "
            "inside a pod",
        ) from None
    return KubeWorkspaces(api, suffix, lock_timeout=lock_timeout)
