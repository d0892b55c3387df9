"""Workflow documents as Step Functions state machines (Amazon States Language, JSONata)."""

from .definition import state_machine_definition
from .tasks import Targets

__all__ = ["Targets", "state_machine_definition"]
