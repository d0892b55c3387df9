"""netsim's protocol v2 parts through the CLI: validation hooks with positions, import of
another configuration's object, the `netsim_object` data source, `moved` re-tagging."""

from __future__ import annotations

from pathlib import Path

from tests.cli.conftest import Runner, assert_clean_error

from .conftest import objects, write_project

EVENT = 'event "greeted" {\n  type = "com.example.greeted"\n}\n'


def write(directory: Path, text: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.hcl").write_text(text)
    return directory


def test_validate_reports_the_provider_block_and_resource_rules_at_their_place(
    fnplan: Runner, tmp_path: Path
) -> None:
    body = (
        'runtime "python" {\n  language = "python3.12"\n}\n\n'
        'function "f" {\n  runtime = runtime.python\n  source = "./f"\n  memory = 20000\n}\n'
    )
    project = write(tmp_path / "p", 'provider "netsim" {\n  latency_ms = -5\n}\n\n' + body)
    (project / "f").mkdir()
    (project / "f" / "main.py").write_text("def handler(e, c):\n    return e\n")
    assert_clean_error(
        fnplan("validate", cwd=project, check=None),
        'main.hcl:2:16: error: latency_ms in provider "netsim" block',
    )
    write(project, 'provider "netsim" {\n  latency_ms = 5\n}\n\n' + body)
    assert_clean_error(
        fnplan("validate", cwd=project, check=None),
        "main.hcl:12:12: error: function.f.memory: "
        "netsim functions take 128 to 10240 MB, not 20000",
    )


def test_import_adopts_an_object_another_configuration_created(
    fnplan: Runner, tmp_path: Path
) -> None:
    shared = 'provider "netsim" {\n  root = "../cloud"\n}\n' + EVENT
    first, second = write(tmp_path / "first", shared), write(tmp_path / "second", shared)
    fnplan("apply", "--auto-approve", cwd=first)
    (made,) = objects(tmp_path / "cloud").values()
    assert_clean_error(
        fnplan("apply", "--auto-approve", cwd=second, check=None),
        f"adopt it with `fnplan import event.greeted {made['id']}`",
    )

    fnplan("import", "event.greeted", made["id"], cwd=second)
    fnplan("plan", "--detailed-exitcode", cwd=second, check=0)
    (adopted,) = objects(tmp_path / "cloud").values()
    assert adopted["id"] == made["id"]
    assert adopted["tags"]["fnplan:lineage"] != made["tags"]["fnplan:lineage"]
    assert_clean_error(
        fnplan("import", "event.greeted", "ev-000000000000", cwd=first, check=None),
        "already",
    )


def test_a_data_source_reads_an_existing_object_by_id_or_by_name(
    fnplan: Runner, tmp_path: Path
) -> None:
    owner = write(tmp_path / "owner", 'provider "netsim" {\n  root = "../cloud"\n}\n' + EVENT)
    fnplan("apply", "--auto-approve", cwd=owner)
    (made,) = objects(tmp_path / "cloud").values()
    reader = write(
        tmp_path / "reader",
        'provider "netsim" {\n  root = "../cloud"\n}\n\n'
        f'data "netsim_object" "by_id" {{\n  id = "{made["id"]}"\n}}\n\n'
        'data "netsim_object" "by_name" {\n'
        f'  type = "event"\n  name = "{made["name"]}"\n}}\n\n'
        'event "echo" {\n  type = "${data.netsim_object.by_id.spec.type}.echo"\n}\n\n'
        'output "arn" {\n  value = data.netsim_object.by_name.arn\n}\n',
    )
    fnplan("apply", "--auto-approve", cwd=reader)
    assert fnplan("output", "arn", cwd=reader).stdout.strip().strip('"') == made["arn"]
    echo = objects(tmp_path / "cloud")["event.echo"]
    assert echo["spec"]["type"] == "com.example.greeted.echo"
    fnplan("plan", "--detailed-exitcode", cwd=reader, check=0)

    missing = reader / "main.hcl"
    missing.write_text(missing.read_text().replace(made["id"], "ev-000000000000"))
    assert_clean_error(
        fnplan("plan", cwd=reader, check=None), "there is no netsim object 'ev-000000000000'"
    )


def test_a_moved_block_keeps_the_object_and_retags_it(fnplan: Runner, tmp_path: Path) -> None:
    project = write(tmp_path / "p", 'provider "netsim" {}\n' + EVENT)
    root = project / ".fnplan" / "netsim"
    fnplan("apply", "--auto-approve", cwd=project)
    before = objects(root)["event.greeted"]

    (project / "main.hcl").write_text(
        'provider "netsim" {}\n'
        + EVENT.replace('"greeted"', '"hello"')
        + "\nmoved {\n  from = event.greeted\n  to   = event.hello\n}\n"
    )
    plan = fnplan("plan", cwd=project).stdout
    assert "will be created" not in plan and "destroyed" not in plan.replace("0 to destroy", "")
    fnplan("apply", "--auto-approve", cwd=project)
    after = objects(root)
    assert list(after) == ["event.hello"]
    assert after["event.hello"]["id"] == before["id"]
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)


def test_a_reference_to_the_next_version_is_known_at_plan_time(
    fnplan: Runner, tmp_path: Path
) -> None:
    """function.bye's env names function.hello's version ARN: a code change of hello shows
    the ARN netsim will give the new version, and apply stores exactly that."""
    project = write_project(tmp_path / "p", 'provider "netsim" {}\n')
    text = (project / "main.hcl").read_text()
    (project / "main.hcl").write_text(
        text.replace(
            '  source  = "./functions/bye"\n',
            '  source  = "./functions/bye"\n  env = { HELLO = function.hello.version_arn }\n',
        )
    )
    root = project / ".fnplan" / "netsim"
    assert "HELLO" in fnplan("plan", cwd=project).stdout
    fnplan("apply", "--auto-approve", cwd=project)
    arn = objects(root)["function.hello"]["arn"]
    assert objects(root)["function.bye"]["spec"]["env"]["HELLO"] == f"{arn}:1"

    (project / "functions" / "hello" / "main.py").write_text("def handler(e, c):\n    return 2\n")
    plan = fnplan("plan", cwd=project).stdout
    assert f'env.HELLO: "{arn}:1" → "{arn}:2"' in plan
    fnplan("apply", "--auto-approve", cwd=project)
    assert objects(root)["function.bye"]["spec"]["env"]["HELLO"] == f"{arn}:2"
    fnplan("plan", "--detailed-exitcode", cwd=project, check=0)
