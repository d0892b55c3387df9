"""Prometheus metrics of `fnplan serve`, fed from the execution-log records of its runs.

Each server has its own CollectorRegistry (nothing global), scraped at `GET /metrics`.
Workflow labels are workflow names, as in the `workflow` field of log records.
"""

from __future__ import annotations

from fnplan.run.records import RunEvent

#: Histogram buckets in seconds: from warm no-op handlers to long batch steps.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
_ATTEMPT_ENDS = frozenset({"succeeded", "retrying", "failed", "caught"})


class RunMetrics:
    """Counters and histograms of workflow runs, steps and trigger fires; thread-safe."""

    def __init__(self) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.registry = CollectorRegistry()
        self._runs = Counter(
            "fnplan_workflow_runs",
            "Finished workflow runs by workflow and final status.",
            ["workflow", "status"],
            registry=self.registry,
        )
        self._step_duration = Histogram(
            "fnplan_step_duration_seconds",
            "Duration of step attempts.",
            ["workflow", "step", "node_type"],
            buckets=DURATION_BUCKETS,
            registry=self.registry,
        )
        self._step_failures = Counter(
            "fnplan_step_failures",
            "Steps that failed after their retries (caught or not), by error type.",
            ["workflow", "step", "error"],
            registry=self.registry,
        )
        self._step_retries = Counter(
            "fnplan_step_retries",
            "Failed attempts that were retried.",
            ["workflow", "step"],
            registry=self.registry,
        )
        self._trigger_fires = Counter(
            "fnplan_trigger_fires",
            "Times a trigger started its target.",
            ["trigger", "kind"],
            registry=self.registry,
        )

    def observe(self, record: RunEvent) -> None:
        """Account for one execution-log record (an `on_event` callback of run_workflow)."""
        event = record.event
        if event in ("run_succeeded", "run_failed"):
            status = "succeeded" if event == "run_succeeded" else "failed"
            self._runs.labels(record.workflow, status).inc()
            return
        if record.step is None or event not in _ATTEMPT_ENDS:
            return
        if record.duration_ms is not None:
            node_type = record.node_type or "unknown"
            self._step_duration.labels(record.workflow, record.step, node_type).observe(
                record.duration_ms / 1000.0
            )
        if event == "retrying":
            self._step_retries.labels(record.workflow, record.step).inc()
        elif event in ("failed", "caught"):
            error = record.error.type if record.error else "unknown"
            self._step_failures.labels(record.workflow, record.step, error).inc()

    def trigger_fired(self, trigger: str, kind: str) -> None:
        """Count one fire of a trigger (an `on_fire` callback of Dispatcher)."""
        self._trigger_fires.labels(trigger, kind).inc()

    def exposition(self) -> tuple[bytes, str]:
        """The text exposition format of every metric, and its content type."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.registry), CONTENT_TYPE_LATEST
