"""Every node type on AWS through the real `fnplan` command, against moto in server mode: a
workflow with function, workflow (call and inline), http, sql and shell steps (a generated
function, and an ECS task for an image), joined by every dependency kind, deploys an
EventBridge connection per http step (its credential kept out of the definition), a Lambda
function per shell step, a task definition per image step; the deployed definition passes
statelint and names them; the role may call exactly them; one deleted outside fnplan is
drift that apply restores; destroy removes them all. A shell
and an sql step run in the deployed state machine (moto's interpreter) through `fnplan run`."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

from tests.aws_endpoint import queue_lambda_results, queue_rds_data_results
from tests.cli.conftest import assert_clean_error
from tests.providers.aws.asl_lint import lint
from tests.providers.aws.test_aws_workflows import client, fnplan

CLUSTER = "arn:aws:rds:us-east-1:123456789012:cluster:orders"
DB_SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:orders-db-AbCdEf"
TOKEN = "s3cr3t-token-value"

PROVIDER = """
provider "aws" {{
  region      = "us-east-1"
  endpoint    = "{endpoint}"
  name_prefix = "{prefix}"
  data_api    = {{ resource_arn = "{cluster}", secret_arn = "{secret}", database = "orders" }}
  ecs         = {{ cluster = "fnplan", subnets = ["subnet-1"] }}
}}
"""

PROJECT = """
variable "token" {
  default   = "%(token)s"
  sensitive = true
}

runtime "python" {
  language = "python3.12"
}

function "fetch" {
  runtime = runtime.python
  source  = "./functions/fetch"
}

workflow "child" {
  step "tag" {
    function = function.fetch
    input    = { label = input.label }
  }
  output = { label = step.tag.output.label }
}

workflow "all_nodes" {
  step "fetch" {
    function = function.fetch
    input    = { url = input.url }
    catch {
      errors = ["any"]
      next   = step.notify
    }
  }
  step "called" {
    workflow = workflow.child
    nesting  = "call"
    input    = { label = step.fetch.output.url }
  }
  step "inlined" {
    workflow   = workflow.child
    nesting    = "inline"
    input      = { label = "inline" }
    depends_on = [step.fetch]
  }
  step "record" {
    sql        = "INSERT INTO seen(url) VALUES (:url)"
    connection = "sqlite:///local.db"
    params     = { url = step.fetch.output.url }
    when       = step.fetch.output.ok
  }
  step "count" {
    sql        = "SELECT count(*) FROM seen"
    connection = "rds-data://reports?resource_arn=%(cluster)s:reports&secret_arn=%(secret)s"
    depends_on = [step.record]
  }
  step "notify" {
    http {
      url     = "https://hooks.example.com/fail"
      method  = "POST"
      headers = { Authorization = "Bearer ${var.token}", X-Source = "fnplan", X-Run = input.id }
      body    = { run = input.id }
    }
  }
  step "clean" {
    shell {
      script = "echo cleaning $TARGET"
      env    = { TARGET = step.fetch.output.url }
    }
  }
  step "archive" {
    shell {
      image  = "alpine:3.20"
      script = "tar czf /tmp/a.tgz ."
    }
    depends_on = [step.clean]
  }
  output = { count = step.count.output.rowcount }
}
"""


def write_project(root: Path, endpoint: str, prefix: str, extra: str = "") -> Path:
    source = root / "functions" / "fetch"
    source.mkdir(parents=True, exist_ok=True)
    (source / "main.py").write_text("def handler(event, context):\n    return event\n")
    provider = PROVIDER.format(endpoint=endpoint, prefix=prefix, cluster=CLUSTER, secret=DB_SECRET)
    project = PROJECT % {"token": TOKEN, "cluster": CLUSTER, "secret": DB_SECRET}
    (root / "main.hcl").write_text(provider + project + extra)
    return root


def _states(definition: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    stack = [definition["States"]]
    while stack:
        states = stack.pop()
        for name, state in states.items():
            found[name] = state
            stack.extend(branch["States"] for branch in state.get("Branches", []))
    return found


def _objects(endpoint: str, prefix: str) -> dict[str, list[str]]:
    """What fnplan's http and shell steps own, by service."""
    events = client(endpoint, "events").list_connections()["Connections"]
    functions = client(endpoint, "lambda").list_functions()["Functions"]
    ecs = client(endpoint, "ecs").list_task_definitions()["taskDefinitionArns"]
    roles = client(endpoint, "iam").list_roles()["Roles"]
    return {
        "connections": [c["Name"] for c in events if c["Name"].startswith(prefix)],
        "shell functions": [
            f["FunctionName"]
            for f in functions
            if f["FunctionName"].startswith(prefix) and "shell" in f["FunctionName"]
        ],
        "task definitions": [a for a in ecs if a.split("/")[-1].startswith(prefix)],
        "shell roles": [
            r["RoleName"]
            for r in roles
            if r["RoleName"].startswith(prefix) and "shell" in r["RoleName"]
        ],
    }


def test_every_node_type_deploys_and_destroys(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"n{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    fnplan(root, "apply", "--auto-approve")
    state = json.loads(fnplan(root, "state", "pull").stdout)["resources"]
    outputs = state["workflow.all_nodes"]["outputs"]
    sfn = client(aws_endpoint, "stepfunctions")
    text = sfn.describe_state_machine(stateMachineArn=outputs["arn"])["definition"]
    definition = json.loads(text)
    assert lint(definition) == []
    assert TOKEN not in text  # the Authorization header went into the connection
    states = _states(definition)

    # http: through the step's connection, which carries the static headers
    events = client(aws_endpoint, "events")
    [connection] = _objects(aws_endpoint, prefix)["connections"]
    described = events.describe_connection(Name=connection)
    notify = states["Run notify"]
    assert notify["Resource"] == "arn:aws:states:::http:invoke"
    arguments = notify["Arguments"]
    assert arguments["Authentication"] == {"ConnectionArn": described["ConnectionArn"]}
    assert arguments["Method"] == "POST"
    assert arguments["ApiEndpoint"] == "https://hooks.example.com/fail"
    assert set(arguments["Headers"]) == {"X-Run"}  # only the run-time header
    auth = described["AuthParameters"]
    assert auth["ApiKeyAuthParameters"] == {"ApiKeyName": "Authorization"}  # value: a secret
    assert auth["InvocationHttpParameters"]["HeaderParameters"] == [
        {"Key": "X-Source", "Value": "fnplan", "IsValueSecret": False}
    ]
    assert "workflow.all_nodes" in described["Description"]

    # sql: the Data API, on the provider's cluster or the one the connection URL names
    record, count = states["Run record"]["Arguments"], states["Run count"]["Arguments"]
    assert states["Run record"]["Resource"] == "arn:aws:states:::aws-sdk:rdsdata:executeStatement"
    assert (record["ResourceArn"], record["SecretArn"], record["Database"]) == (
        CLUSTER,
        DB_SECRET,
        "orders",
    )
    assert (count["ResourceArn"], count["Database"]) == (f"{CLUSTER}:reports", "reports")

    # shell: a generated function (its code holds the script), or an ECS task in the image
    [shell_function] = _objects(aws_endpoint, prefix)["shell functions"]
    lam = client(aws_endpoint, "lambda")
    found = lam.get_function(FunctionName=shell_function)
    assert found["Tags"]["fnplan:address"] == "workflow.all_nodes"
    assert states["Run clean"]["Arguments"]["FunctionName"] == found["Configuration"]["FunctionArn"]
    assert set(states["Run clean"]["Arguments"]["Payload"]) == {"env"}
    archive = states["Run archive"]
    assert archive["Resource"] == "arn:aws:states:::ecs:runTask.sync"
    [task_arn] = _objects(aws_endpoint, prefix)["task definitions"]
    task = client(aws_endpoint, "ecs").describe_task_definition(taskDefinition=task_arn)
    assert task["taskDefinition"]["containerDefinitions"][0]["image"] == "alpine:3.20"
    assert archive["Arguments"]["TaskDefinition"] == task["taskDefinition"]["family"]
    assert archive["Arguments"]["Cluster"] == "fnplan"
    command = archive["Arguments"]["Overrides"]["ContainerOverrides"][0]["Command"]
    assert command == ["/bin/sh", "-c", "tar czf /tmp/a.tgz ."]

    # nesting: the call starts the child's version alias; the inline steps are flattened in
    child = state["workflow.child"]["outputs"]["version_arn"]
    assert states["Run called"]["Arguments"]["StateMachineArn"] == child
    assert any(name.startswith("Run inlined") and name != "Run inlined" for name in states)

    # the role may call exactly these
    role = outputs["role_arn"].split("/")[-1]
    policy = client(aws_endpoint, "iam").get_role_policy(RoleName=role, PolicyName="fnplan")
    statements = {json.dumps(s["Action"]): s for s in policy["PolicyDocument"]["Statement"]}
    invoke = statements['"states:InvokeHTTPEndpoint"']
    assert invoke["Condition"]["StringEquals"] == {"states:HTTPMethod": "POST"}
    assert invoke["Condition"]["StringLike"] == {
        "states:HTTPEndpoint": "https://hooks.example.com/fail"
    }
    assert statements['"events:RetrieveConnectionCredentials"']["Resource"] == [
        f"arn:aws:events:us-east-1:123456789012:connection/{connection}/*"
    ]
    assert statements['"rds-data:ExecuteStatement"']["Resource"] == sorted(
        [CLUSTER, f"{CLUSTER}:reports"]
    )
    assert statements['"ecs:RunTask"']["Resource"] == [task_arn.rsplit(":", 1)[0] + ":*"]
    assert shell_function in json.dumps(statements['"lambda:InvokeFunction"'])

    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0
    # objects of the steps deleted outside fnplan: drift, which apply restores
    events.delete_connection(Name=connection)
    lam.delete_function(FunctionName=shell_function)
    drift = fnplan(root, "plan", "--detailed-exitcode", check=None)
    assert drift.returncode == 2 and "workflow.all_nodes" in drift.stdout, drift.stdout
    fnplan(root, "apply", "--auto-approve")
    assert len(_objects(aws_endpoint, prefix)["connections"]) == 1
    assert lam.get_function(FunctionName=shell_function)["Configuration"]["Handler"]
    assert fnplan(root, "plan", "--detailed-exitcode", check=None).returncode == 0
    described = events.describe_connection(Name=connection)  # a new id: a new ARN
    rendered = fnplan(root, "render", "--provider", "aws", "workflow.all_nodes").stdout
    assert described["ConnectionArn"] in rendered

    fnplan(root, "destroy", "--auto-approve")
    assert _objects(aws_endpoint, prefix) == {
        "connections": [],
        "shell functions": [],
        "task definitions": [],
        "shell roles": [],
    }


def test_a_step_taken_out_takes_its_objects_with_it(tmp_path: Path, aws_endpoint: str) -> None:
    prefix = f"n{uuid.uuid4().hex[:8]}"
    root = write_project(tmp_path / "p", aws_endpoint, prefix)
    fnplan(root, "apply", "--auto-approve")
    text = (root / "main.hcl").read_text()
    start, end = text.index('  step "notify"'), text.index('  step "archive"')
    text = text[:start] + text[end:]  # the http and the function-run shell step
    text = text.replace(
        '    catch {\n      errors = ["any"]\n      next   = step.notify\n    }\n', ""
    )
    (root / "main.hcl").write_text(text.replace("    depends_on = [step.clean]\n", ""))
    fnplan(root, "apply", "--auto-approve")
    left = _objects(aws_endpoint, prefix)
    assert left["connections"] == [] and left["shell functions"] == []
    assert len(left["task definitions"]) == 1  # the image step stays
    fnplan(root, "destroy", "--auto-approve")


def test_steps_the_provider_block_does_not_equip_are_validate_errors(
    tmp_path: Path, aws_endpoint: str
) -> None:
    root = write_project(tmp_path / "p", aws_endpoint, "v")
    text = (root / "main.hcl").read_text()
    bare = text.replace(
        f'  data_api    = {{ resource_arn = "{CLUSTER}", secret_arn = "{DB_SECRET}", '
        'database = "orders" }\n',
        "",
    ).replace('  ecs         = { cluster = "fnplan", subnets = ["subnet-1"] }\n', "")
    (root / "main.hcl").write_text(bare)
    result = fnplan(root, "validate", check=None)
    assert_clean_error(result, "step 'record'", "RDS Data API", "step 'archive'", "ECS task")
    assert "step 'count'" not in result.stdout + result.stderr  # names its own cluster


RUNNABLE = """
workflow "jobs" {
  step "clean" {
    shell {
      script = "echo hi $NAME"
      env    = { NAME = input.name }
    }
  }
  step "count" {
    sql        = "SELECT count(*) AS n FROM seen WHERE name = :name"
    connection = "sqlite:///local.db"
    params     = { name = input.name }
    depends_on = [step.clean]
  }
  output = { said = step.clean.output.stdout, rows = step.count.output.rows }
}
"""


def test_shell_and_sql_steps_run_in_the_deployed_state_machine(
    tmp_path: Path, aws_endpoint: str
) -> None:
    prefix = f"n{uuid.uuid4().hex[:8]}"
    root = tmp_path / "p"
    root.mkdir()
    provider = PROVIDER.format(
        endpoint=aws_endpoint, prefix=prefix, cluster=CLUSTER, secret=DB_SECRET
    )
    (root / "main.hcl").write_text(provider + RUNNABLE)
    fnplan(root, "apply", "--auto-approve")
    # moto runs no Lambda code and no database: the shell function and the Data API answer
    # queued results; the state machine's own states (gates, SDK call, outputs) really run
    queue_lambda_results(aws_endpoint, [{"stdout": "hi x\n", "exit_code": 0}])
    queue_rds_data_results(aws_endpoint, [{"formattedRecords": '[{"n": 2}]'}])
    done = fnplan(root, "run", "workflow.jobs", "--input", '{"name": "x"}', "--json")
    result = json.loads(done.stdout)
    assert result["status"] == "succeeded", result
    assert result["output"] == {"said": "hi x\n", "rows": [{"n": 2}]}
    records = [json.loads(line) for line in Path(result["log_path"]).read_text().splitlines()]
    assert ("succeeded", "count") in [(r["event"], r["step"]) for r in records]
    fnplan(root, "destroy", "--auto-approve")


def test_a_sensitive_value_in_a_shell_script_is_a_validate_error(
    tmp_path: Path, aws_endpoint: str
) -> None:
    root = write_project(tmp_path / "p", aws_endpoint, "s")
    text = (root / "main.hcl").read_text()
    leaky = text.replace('script = "echo cleaning $TARGET"', 'script = "curl -H ${var.token} x"')
    (root / "main.hcl").write_text(leaky)
    result = fnplan(root, "validate", check=None)
    assert_clean_error(result, "step 'clean'", "sensitive value in its script", "env instead")
    output = result.stdout + result.stderr
    assert "step 'notify'" not in output  # its token is a header: it goes to the connection
    assert TOKEN not in output
    in_env = text.replace("env    = { TARGET = step.fetch.output.url }", "env = { T = var.token }")
    (root / "main.hcl").write_text(in_env)  # the definition reads it from Secrets Manager
    fnplan(root, "validate")
