"""The ARNs a workflow's state machine calls, composed from names fnplan derives before
apply: a function version is its alias `v-<hash>`, a child workflow version its state
machine alias likewise; a shell step's generated function and an image step's task family
are named from the step. Only an http step's EventBridge connection has an ARN AWS picks
(it ends in an id): apply creates the connections before it generates the definition.
The execution role is granted exactly what the targets hand out (`step_statements`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fnplan.errors import ProviderError
from fnplan.naming import STATE_MACHINE, physical_name
from fnplan.workflow.model import Step, WorkflowDocument

from .config import AwsConfig
from .connections import connection_name
from .ecs_tasks import run_task_arguments, task_family
from .expression_function import expression_function_name
from .functions import alias_name, function_name
from .shell_function import shell_function_name
from .sql_target import SqlTargetError, sql_target

#: the rule Step Functions manages to learn when an `ecs:runTask.sync` task stops
ECS_SYNC_RULE = "StepFunctionsGetEventsForECSTaskRule"


def state_machine_name(address: str, prefix: str) -> str:
    return physical_name(address, STATE_MACHINE, prefix=prefix)


class AwsTargets:
    """fnplan.providers.aws.asl.Targets for one workflow; remembers what it handed out."""

    def __init__(
        self,
        workflow: str,
        prefix: str,
        region: str,
        account: str,
        config: AwsConfig | None = None,
        document: WorkflowDocument | None = None,
        connections: Mapping[str, str] | None = None,
    ) -> None:
        self.workflow = workflow
        self.prefix = prefix
        self.region = region
        self.account = account
        self.config = config or AwsConfig()
        self.steps = {step.name: step for step in document.steps} if document else {}
        self.connections = dict(connections or {})  # http step -> its connection's ARN
        self.functions: set[str] = set()  # unqualified function ARNs called
        self.state_machines: set[str] = set()  # unqualified state machine ARNs started
        self.uses_expressions = False
        self.shell_steps: set[str] = set()  # shell steps run by a generated function
        self.task_families: dict[str, str] = {}  # image shell step -> its task family
        self.http_steps: set[str] = set()
        self.sql_targets: list[Mapping[str, str]] = []

    def function_arn(self, address: str, version: str) -> str:
        arn = self._lambda(function_name(address, self.prefix))
        self.functions.add(arn)
        return f"{arn}:{alias_name(version)}"

    def workflow_arn(self, address: str, version: str) -> str:
        name = state_machine_name(address, self.prefix)
        arn = f"arn:aws:states:{self.region}:{self.account}:stateMachine:{name}"
        self.state_machines.add(arn)
        return f"{arn}:{alias_name(version)}"

    def expression_function_arn(self) -> str:
        self.uses_expressions = True
        arn = self._lambda(expression_function_name(self.workflow, self.prefix))
        self.functions.add(arn)
        return arn

    def shell_function_arn(self, step: str) -> str:
        arn = self._lambda(shell_function_name(self.workflow, step, self.prefix))
        self.shell_steps.add(step)
        self.functions.add(arn)
        return arn

    def http_connection_arn(self, step: str) -> str:
        """The connection apply made; before apply (render) its name and a placeholder id."""
        self.http_steps.add(step)
        if step in self.connections:
            return self.connections[step]
        name = connection_name(self.workflow, step, self.prefix)
        return f"arn:aws:events:{self.region}:{self.account}:connection/{name}/known-after-apply"

    def ecs_task(self, step: str, image: str) -> Mapping[str, Any]:
        if self.config.ecs is None:  # validate reports it at the workflow
            raise ProviderError(f"{self.workflow}: step {step!r}: {ECS_NEEDED}")
        family = task_family(self.workflow, step, self.prefix)
        self.task_families[step] = family
        return run_task_arguments(self.config.ecs, family)

    def sql_target(self, step: str, connection: Any) -> Mapping[str, str]:
        try:
            target = sql_target(connection, self.config.data_api)
        except SqlTargetError as exc:  # validate reports it at the workflow
            raise ProviderError(f"{self.workflow}: step {step!r}: {exc}") from None
        self.sql_targets.append(target)
        return target

    def step_statements(self) -> list[dict[str, Any]]:
        """What the state machine's role needs for the http, sql and image steps it runs."""
        return self._http_statements() + self._sql_statements() + self._ecs_statements()

    def _http_statements(self) -> list[dict[str, Any]]:
        if not self.http_steps:
            return []
        machine = f"arn:aws:states:{self.region}:{self.account}:stateMachine:"
        machine += state_machine_name(self.workflow, self.prefix)
        invoke = [_invoke_http(machine, self.steps.get(step)) for step in sorted(self.http_steps)]
        names = sorted(connection_name(self.workflow, s, self.prefix) for s in self.http_steps)
        events = f"arn:aws:events:{self.region}:{self.account}:connection"
        secrets = f"arn:aws:secretsmanager:{self.region}:{self.account}:secret:events!connection"
        return [
            *invoke,
            {
                "Effect": "Allow",
                "Action": "events:RetrieveConnectionCredentials",
                "Resource": [f"{events}/{name}/*" for name in names],
            },
            {
                "Effect": "Allow",
                "Action": ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                "Resource": [f"{secrets}/{name}/*" for name in names],
            },
        ]

    def _sql_statements(self) -> list[dict[str, Any]]:
        if not self.sql_targets:
            return []
        clusters = sorted({t["ResourceArn"] for t in self.sql_targets})
        secrets = sorted({t["SecretArn"] for t in self.sql_targets})
        return [
            {"Effect": "Allow", "Action": "rds-data:ExecuteStatement", "Resource": clusters},
            {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": secrets},
        ]

    def _ecs_statements(self) -> list[dict[str, Any]]:
        if not self.task_families or self.config.ecs is None:
            return []
        definitions = f"arn:aws:ecs:{self.region}:{self.account}:task-definition"
        families = sorted(set(self.task_families.values()))
        rule = f"arn:aws:events:{self.region}:{self.account}:rule/{ECS_SYNC_RULE}"
        statements: list[dict[str, Any]] = [
            {
                "Effect": "Allow",
                "Action": "ecs:RunTask",
                "Resource": [f"{definitions}/{family}:*" for family in families],
            },
            {"Effect": "Allow", "Action": ["ecs:StopTask", "ecs:DescribeTasks"], "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": ["events:PutTargets", "events:PutRule", "events:DescribeRule"],
                "Resource": rule,
            },
        ]
        if self.config.ecs.execution_role_arn:
            statements.append(
                {
                    "Effect": "Allow",
                    "Action": "iam:PassRole",
                    "Resource": self.config.ecs.execution_role_arn,
                }
            )
        return statements

    def _lambda(self, name: str) -> str:
        return f"arn:aws:lambda:{self.region}:{self.account}:function:{name}"


ECS_NEEDED = (
    "a shell step with an image runs as an ECS task on aws: set "
    "ecs = { cluster, subnets } in the provider block"
)


def _invoke_http(machine: str, step: Step | None) -> dict[str, Any]:
    """states:InvokeHTTPEndpoint for one http step: its method, and its URL when literal."""
    statement: dict[str, Any] = {
        "Effect": "Allow",
        "Action": "states:InvokeHTTPEndpoint",
        "Resource": [machine, f"{machine}:*"],
    }
    http = step.http if step is not None else None
    if http is not None:
        condition: dict[str, Any] = {"StringEquals": {"states:HTTPMethod": http.method.upper()}}
        if isinstance(http.url, str):
            condition["StringLike"] = {"states:HTTPEndpoint": http.url}
        statement["Condition"] = condition
    return statement
