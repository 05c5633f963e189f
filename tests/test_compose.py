"""docker-compose.yml cannot run here (no Docker engine), so check what it refers to instead."""

from __future__ import annotations

import re

import yaml

from devdb.project import project_root

ROOT = project_root()


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_mounted_path_exists() -> None:
    for name, service in _compose()["services"].items():
        for volume in service.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith((".", "/")):
                assert (ROOT / source).exists(), f"{name} mounts missing {source}"


def test_hasura_gets_the_project_directories_and_a_pinned_v2_image() -> None:
    engine = _compose()["services"]["graphql-engine"]
    assert re.fullmatch(r"hasura/graphql-engine:v2\.\d+\.\d+\.cli-migrations-v3", engine["image"])
    mounts = dict(v.split(":")[:2] for v in engine["volumes"])
    assert mounts == {"./hasura/migrations": "/hasura-migrations", "./hasura/metadata": "/hasura-metadata"}
    assert yaml.safe_load((ROOT / "hasura/metadata/version.yaml").read_text()) == {"version": 3}


def test_the_service_builds_from_a_dockerfile_that_exists() -> None:
    actions = _compose()["services"]["actions"]
    build = actions["build"]
    context = ROOT / (build if isinstance(build, str) else build["context"])
    assert (context / "Dockerfile").is_file()


def test_every_env_var_the_metadata_reads_is_given_to_hasura() -> None:
    """`from_env`, `value_from_env`, `webhook_from_env` and `{{VAR}}` templates must resolve in the engine."""
    env = _compose()["services"]["graphql-engine"]["environment"]
    wanted: set[str] = set()
    for path in (ROOT / "hasura/metadata").rglob("*"):
        if path.is_file() and path.suffix in {".yaml", ".yml"}:
            text = path.read_text()
            wanted |= set(re.findall(r"(?:from_env|value_from_env|webhook_from_env):\s*([A-Z0-9_]+)", text))
            wanted |= set(re.findall(r"\{\{([A-Z0-9_]+)\}\}", text))
    missing = wanted - set(env)
    assert not missing, f"graphql-engine lacks {sorted(missing)}"


def test_the_service_gets_every_setting_it_requires() -> None:
    from actions.settings import Settings

    env = _compose()["services"]["actions"]["environment"]
    prefix = Settings.model_config.get("env_prefix", "")
    for name, field in Settings.model_fields.items():
        if field.is_required():
            assert f"{prefix}{name}".upper() in env, f"actions lacks {prefix}{name}".upper()
    assert env.get(f"{prefix}ENVIRONMENT".upper()) == "prod"


def test_no_secret_is_written_inline() -> None:
    for name, service in _compose()["services"].items():
        for key, value in (service.get("environment") or {}).items():
            if any(word in key for word in ("SECRET", "PASSWORD", "KEY")) and key != "PG_DATABASE_URL":
                assert str(value).startswith("${"), f"{name}.{key} is inline"
