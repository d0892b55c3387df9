"""What the Kubernetes provider declares about the resource types it deploys (protocol v2).

Each resource type's module adds its schema here as it lands (functions, runtimes,
workflows, events, triggers)."""

from __future__ import annotations

from fnplan.provider_schema import ResourceSchema

RESOURCE_SCHEMAS: dict[str, ResourceSchema] = {}
