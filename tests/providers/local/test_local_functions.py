"""Function versions: publish, observe, number, prune, delete, errors, concurrency."""

from __future__ import annotations

import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fnplan.providers.local import LocalProvider
from fnplan.providers.local.store import LocalStore

from fnplan.errors import ProviderError

from .conftest import Deploy, function, recorded, write_source


def test_create_publishes_an_immutable_snapshot(
    provider: LocalProvider, project: Path, deploy: Deploy
) -> None:
    source = write_source(project / "functions" / "echo", extra={"lib/util.py": "X = 1\n"})
    resource = function("function.echo", source)
    outputs = provider.create(resource)

    version = resource.attributes["version"]
    version_dir = project / ".fnplan/local/functions/function.echo" / version
    assert outputs["version"] == version
    assert outputs["version_number"] == 1
    assert outputs["python"] == sys.executable
    assert outputs["handler"] == "main.handler"
    assert outputs["code"] == str(version_dir / "code")
    assert outputs["versions"] == [{"number": 1, "hash": version, "path": outputs["code"]}]
    assert (version_dir / "code/lib/util.py").read_text() == "X = 1\n"
    manifest = json.loads((version_dir / "manifest.json").read_text())
    assert manifest["version_number"] == 1
    assert set(manifest["files"]) == {"main.py", "lib/util.py"}
    assert manifest["attributes"]["handler"] == "main.handler"
    assert "keep_versions" not in manifest["attributes"]

    observation = provider.observe(recorded(resource, outputs))
    assert observation.exists
    assert observation.up_to_date(resource.attributes)
    assert observation.outputs == outputs


def test_create_twice_is_idempotent_and_delete_twice_succeeds(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    first = provider.create(resource)
    second = provider.create(resource)
    assert first == second
    state = recorded(resource, second)
    provider.delete(state)
    provider.delete(state)
    assert not provider.observe(state).exists
    assert not (project / ".fnplan" / "local").exists()


def test_update_publishes_new_numbered_versions_and_prunes_to_keep_versions(
    provider: LocalProvider, project: Path, deploy: Deploy
) -> None:
    source = project / "src"
    hashes: list[str] = []
    state = None
    for n in range(5):
        write_source(source, f"def handler(event, context):\n    return {n}\n")
        resource = function("function.echo", source, keep=2)
        hashes.append(resource.attributes["version"])
        outputs = provider.update(resource, state) if state else provider.create(resource)
        state = recorded(resource, outputs)
        assert outputs["version_number"] == n + 1

    assert state is not None
    assert [v["number"] for v in state.outputs["versions"]] == [4, 5]
    assert [v["hash"] for v in state.outputs["versions"]] == hashes[3:]
    function_dir = project / ".fnplan/local/functions/function.echo"
    assert sorted(p.name for p in function_dir.iterdir()) == sorted([*hashes[3:], "versions.json"])
    assert LocalStore(project / ".fnplan").function_versions("function.echo") == hashes[3:]


def test_retained_versions_survive_pruning(provider: LocalProvider, project: Path) -> None:
    source = project / "src"
    hashes: list[str] = []
    for n in range(4):
        write_source(source, f"def handler(event, context):\n    return {n}\n")
        resource = function("function.echo", source, keep=1, retain=hashes[:1])
        hashes.append(resource.attributes["version"])
        outputs = provider.create(resource)
    assert [v["hash"] for v in outputs["versions"]] == [hashes[0], hashes[3]]
    assert [v["number"] for v in outputs["versions"]] == [1, 4]

    # once no longer retained, the pinned version goes too
    outputs = provider.create(function("function.echo", source, keep=1))
    assert [v["number"] for v in outputs["versions"]] == [4]


def test_redeploying_a_kept_version_reuses_its_number(
    provider: LocalProvider, project: Path
) -> None:
    source = project / "src"
    write_source(source, "def handler(event, context):\n    return 'a'\n")
    first = function("function.echo", source)
    provider.create(first)
    write_source(source, "def handler(event, context):\n    return 'b'\n")
    provider.create(function("function.echo", source))
    write_source(source, "def handler(event, context):\n    return 'a'\n")
    rolled_back = provider.create(function("function.echo", source))
    assert rolled_back["version"] == first.attributes["version"]
    assert rolled_back["version_number"] == 1
    assert [v["number"] for v in rolled_back["versions"]] == [1, 2]


def test_editing_a_snapshot_file_is_reported_as_tampering_and_update_repairs_it(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    state = recorded(resource, provider.create(resource))
    main = Path(state.outputs["code"]) / "main.py"
    main.write_text("def handler(event, context):\n    return 'evil'\n")

    observation = provider.observe(state)
    assert observation.exists
    assert observation.attributes["source_hash"].startswith(
        "tampered: the stored code hashes to sha256:"
    )
    assert observation.differs_from(resource.attributes) == ["source_hash"]

    outputs = provider.update(resource, state)
    assert outputs["version_number"] == 1
    assert main.read_text() == (project / "src" / "main.py").read_text()
    assert provider.observe(state).up_to_date(resource.attributes)


@pytest.mark.parametrize("change", ["add", "remove"])
def test_added_or_removed_snapshot_files_are_tampering(
    provider: LocalProvider, project: Path, change: str
) -> None:
    source = write_source(project / "src", extra={"data.txt": "x"})
    resource = function("function.echo", source)
    state = recorded(resource, provider.create(resource))
    code = Path(state.outputs["code"])
    if change == "add":
        (code / "backdoor.py").write_text("import os\n")
    else:
        (code / "data.txt").unlink()
    assert provider.observe(state).attributes["source_hash"].startswith("tampered:")


def test_touching_a_file_or_running_the_code_is_not_tampering(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    state = recorded(resource, provider.create(resource))
    code = Path(state.outputs["code"])
    (code / "main.py").touch()
    (code / "__pycache__").mkdir()
    (code / "__pycache__" / "main.cpython-311.pyc").write_bytes(b"\0")
    assert provider.observe(state).up_to_date(resource.attributes)


def test_a_deleted_snapshot_is_damage_that_create_repairs(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    state = recorded(resource, provider.create(resource))
    version_dir = Path(state.outputs["code"]).parent
    for path in sorted(version_dir.rglob("*"), reverse=True):
        path.rmdir() if path.is_dir() else path.unlink()
    version_dir.rmdir()

    observation = provider.observe(state)
    assert observation.exists and observation.attributes["source_hash"].startswith("damaged:")
    outputs = provider.create(resource)
    assert outputs["version_number"] == 1
    assert provider.observe(state).up_to_date(resource.attributes)


def test_a_moved_source_directory_is_not_a_new_version(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    state = recorded(resource, provider.create(resource))
    moved = (project / "src").rename(project / "elsewhere")
    relocated = resource.model_copy(
        update={"attributes": {**resource.attributes, "source": str(moved)}}
    )
    # where the code came from is not part of what is stored: only the state records it
    assert "source" not in provider.observe(state).attributes
    outputs = provider.update(relocated, state)
    assert (outputs["version"], outputs["version_number"]) == (state.outputs["version"], 1)
    assert provider.observe(state).up_to_date(relocated.attributes)


def test_a_lost_versions_file_is_rebuilt_from_the_manifests(
    provider: LocalProvider, project: Path
) -> None:
    source = project / "src"
    for n in range(2):
        write_source(source, f"def handler(event, context):\n    return {n}\n")
        resource = function("function.echo", source)
        provider.create(resource)
    versions_file = project / ".fnplan/local/functions/function.echo/versions.json"
    versions_file.unlink()
    observation = provider.observe(recorded(resource))
    assert observation.exists and observation.attributes["source_hash"].startswith("damaged:")
    outputs = provider.create(resource)
    assert [v["number"] for v in outputs["versions"]] == [1, 2]
    assert outputs["version_number"] == 2


def test_store_reads_a_deployed_version(provider: LocalProvider, project: Path) -> None:
    resource = function("function.echo", write_source(project / "src"), env={"MODE": "test"})
    outputs = provider.create(resource)
    store = LocalStore(project / ".fnplan")
    deployed = store.function_version("function.echo", outputs["version"])
    assert deployed == store.latest_function_version("function.echo")
    assert deployed.number == 1
    assert deployed.code_dir == Path(outputs["code"])
    assert deployed.handler == "main.handler"
    assert deployed.python == sys.executable
    assert deployed.env == {"LOG_FORMAT": "json", "MODE": "test"}
    assert (deployed.timeout, deployed.memory) == (10.0, 128)
    assert deployed.input_schema == {"type": "object"}
    with pytest.raises(ProviderError, match=r"has no deployed version nope"):
        store.function_version("function.echo", "nope")


def test_missing_source_and_handler_are_clear_errors(
    provider: LocalProvider, project: Path
) -> None:
    with pytest.raises(ProviderError) as error:
        provider.create(function("function.gone", project / "absent"))
    assert f"source directory {project / 'absent'} does not exist" in error.value.render()
    assert "/project/main.hcl:3:1" in error.value.render()

    with pytest.raises(ProviderError, match=r"handler module app\.py not found"):
        provider.create(function("function.bad", write_source(project / "src"), handler="app.run"))
    with pytest.raises(ProviderError, match=r"MODULE\.FUNCTION"):
        provider.create(function("function.bad", project / "src", handler="run"))
    assert not (project / ".fnplan" / "local").exists()


def test_a_runtime_without_its_venv_is_a_clear_error(
    provider: LocalProvider, project: Path
) -> None:
    runtime = {"address": "runtime.img", "language": "python3.11", "packages": ["pillow"]}
    with pytest.raises(ProviderError, match=r"the environment of runtime\.img is not built"):
        provider.create(function("function.echo", write_source(project / "src"), runtime=runtime))


def test_fifty_functions_created_from_ten_threads(provider: LocalProvider, project: Path) -> None:
    resources = [
        function(f"function.f{i}", write_source(project / f"src{i}", extra={"n.txt": str(i)}))
        for i in range(50)
    ]
    with ThreadPoolExecutor(max_workers=10) as pool:
        outputs = list(pool.map(provider.create, resources + resources))
    assert all(o["version_number"] == 1 for o in outputs)
    for resource, result in zip(resources, outputs[:50], strict=True):
        observation = provider.observe(recorded(resource, result))
        assert observation.up_to_date(resource.attributes)
    with ThreadPoolExecutor(max_workers=10) as pool:
        list(pool.map(provider.delete, [recorded(r) for r in resources]))
    assert not (project / ".fnplan" / "local").exists()


def test_code_that_changed_after_planning_is_not_published(
    provider: LocalProvider, project: Path
) -> None:
    source = write_source(project / "src")
    resource = function("function.echo", source)
    (source / "main.py").write_text("def handler(event, context):\n    return 'later'\n")
    with pytest.raises(ProviderError, match="it changed after the plan was made"):
        provider.create(resource)
    assert not (project / ".fnplan" / "local" / "functions").exists()


def test_a_version_that_is_not_the_hash_of_its_configuration_is_not_published(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    forged = resource.model_copy(update={"attributes": {**resource.attributes, "memory": 4096}})
    with pytest.raises(ProviderError, match="`version` is not the hash"):
        provider.create(forged)


def test_an_edited_manifest_is_reported_as_tampering(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    state = recorded(resource, provider.create(resource))
    manifest_path = Path(state.outputs["code"]).parent / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["attributes"]["memory"] = 4096
    manifest_path.write_text(json.dumps(manifest))
    observation = provider.observe(state)
    assert observation.attributes["version"].startswith("tampered:")
    provider.update(resource, state)
    assert provider.observe(state).up_to_date(resource.attributes)


def test_a_half_deleted_function_still_exists_until_delete_finishes(
    provider: LocalProvider, project: Path
) -> None:
    resource = function("function.echo", write_source(project / "src"))
    state = recorded(resource, provider.create(resource))
    directory = project / ".fnplan/local/functions/function.echo"
    (directory / "versions.json").unlink()  # a delete killed half way
    assert provider.observe(state).exists
    provider.delete(state)
    assert not provider.observe(state).exists
    assert not (project / ".fnplan" / "local").exists()
