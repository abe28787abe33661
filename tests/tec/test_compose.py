"""docker-compose.yml stays usable on machines with a Docker engine (none runs here, so read the file)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml

from tec.settings import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"


def test_compose_runs_neo4j_526_with_a_healthcheck_and_a_volume() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    neo4j = spec["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])
    volume = neo4j["volumes"][0].split(":")[0]
    assert volume in spec["volumes"]


def test_the_service_waits_for_a_healthy_neo4j_and_is_wired_by_settings_it_understands() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    service = spec["services"]["service"]
    assert service["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert (PROJECT_ROOT / service["build"] / "Dockerfile").exists()
    environment = {key: str(value) for key, value in service["environment"].items()}
    assert environment["NEO4J_URI"] == "bolt://neo4j:7687"
    settings = Settings.model_validate({"NEO4J_URI": environment["NEO4J_URI"], "TEC_PORT": environment["TEC_PORT"]})
    assert settings.port == 8000
    assert not settings.uses_local_neo4j


def test_docker_compose_accepts_the_file_when_it_is_installed() -> None:
    # `docker compose config -q` needs only the CLI plugin, not an engine; where the plugin is
    # missing this test checks that the Dockerfile copies every package the service imports.
    if shutil.which("docker") and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0:
        result = subprocess.run(["docker", "compose", "config", "-q"], cwd=PROJECT_ROOT, capture_output=True, text=True)
        assert result.returncode == 0, result.stderr
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text()
    for package in ("tec", "graph", "schema", "resolvers", "importers", "synthetic", "data"):
        assert f"COPY {package} ./{package}" in dockerfile
    assert Path(PROJECT_ROOT / "pyproject.toml").exists()


def test_several_instances_would_share_rate_limits_through_redis() -> None:
    spec = yaml.safe_load(COMPOSE.read_text())
    service = spec["services"]["service"]
    assert service["depends_on"]["redis"]["condition"] == "service_healthy"
    assert spec["services"]["redis"]["image"].startswith("redis:")
    storage = str(service["environment"]["TEC_RATE_LIMIT_STORAGE"])
    assert Settings.model_validate({"TEC_RATE_LIMIT_STORAGE": storage}).rate_limit_storage == "redis://redis:6379"
    assert "pip install --no-cache-dir '.[redis]'" in (PROJECT_ROOT / "Dockerfile").read_text()
