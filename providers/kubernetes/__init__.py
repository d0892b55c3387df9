"""The Kubernetes provider: Knative Services for functions, Argo WorkflowTemplates for
workflows, Knative Eventing for events and triggers, and the kubernetes state backend.
The official `kubernetes` client is imported only when a configuration uses them."""

from .provider import KubernetesProvider

__all__ = ["KubernetesProvider"]
