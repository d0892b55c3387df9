"""The `provider "kubernetes" {}` block, validated by the engine through the config hook."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

#: a label or annotation key: an optional DNS prefix and a name (Kubernetes' own rule)
_KEY = r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$"
_LABEL_VALUE = r"^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$"


class KubernetesConfig(BaseModel):
    """What the provider block takes.

    kubeconfig       path of a kubeconfig file (else $KUBECONFIG, ~/.kube/config, or the
                     pod's service account when fnplan runs inside a cluster)
    context          a context of that kubeconfig (else its current context)
    namespace        where every object goes (created when missing)
    workflow_engine  what runs workflows: "argo" (Argo Workflows' WorkflowTemplates)
    labels           put on every object, besides fnplan's own fnplan.io/* labels
    annotations      put on every object
    runner_image     an image with fnplan (and psycopg) installed: workflows' values steps
                     run in it
    argo_server_url  the Argo Server as seen from inside the cluster: workflow triggers post
                     their events to its events endpoint
    """

    model_config = ConfigDict(extra="forbid")

    kubeconfig: str | None = None
    context: str | None = None
    namespace: str = Field(default="default", pattern=r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")
    workflow_engine: Literal["argo"] = "argo"
    labels: dict[str, str] = Field(default_factory=dict)
    annotations: dict[str, str] = Field(default_factory=dict)
    runner_image: str = Field(default="ghcr.io/fnplan/runner:latest", min_length=1)
    argo_server_url: str = Field(
        default="http://argo-server.argo.svc.cluster.local:2746", pattern=r"^https?://[^\s/]+"
    )

    @field_validator("labels")
    @classmethod
    def _labels(cls, labels: dict[str, str]) -> dict[str, str]:
        """Label keys and values follow Kubernetes' syntax (checked here, not by the API)."""
        for key, value in labels.items():
            _check_key(key, "label")
            if not re.match(_LABEL_VALUE, value):
                raise ValueError(
                    f"label {key!r}: value {value!r} must be at most 63 letters, digits, "
                    "'-', '_' or '.', starting and ending with a letter or digit"
                )
        return labels

    @field_validator("annotations")
    @classmethod
    def _annotations(cls, annotations: dict[str, str]) -> dict[str, str]:
        for key in annotations:
            _check_key(key, "annotation")
        return annotations


def _check_key(key: str, what: str) -> None:
    if not re.match(_KEY, key):
        raise ValueError(
            f"{what} key {key!r} is not valid: an optional DNS prefix and '/', then up to 63 "
            "letters, digits, '-', '_' or '.'"
        )
