"""docker-compose.yml and deploy/Dockerfile, checked against the code they run (no Docker engine
here to run them): every service, command, port, file and variable must refer to something real."""
from __future__ import annotations

import dataclasses
import glob
import importlib
import re
import shlex
import subprocess
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from forumops_shared.config import load_settings

from .support.processes import ROOT

COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
SERVICES = COMPOSE["services"]
OURS = ("registration", "checkin", "certificates", "awards")
TOKEN = "a-test-organiser-token"


def _dockerfile(service: dict) -> Path:
    return ROOT / service["build"]["context"] / service["build"]["dockerfile"]


def _instructions(dockerfile: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments), continuation lines joined."""
    text = re.sub(r"\\\n\s*", " ", dockerfile.read_text())
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in text.splitlines()
            if line.strip() and not line.lstrip().startswith("#")]


def _env(service: dict) -> dict[str, str]:
    """The service's environment as compose would pass it (${VAR:?msg} given a value)."""
    env = service.get("environment", {})
    env = dict(item.split("=", 1) for item in env) if isinstance(env, list) else env
    return {k: re.sub(r"\$\{(FORUMOPS_\w+):\?[^}]*\}", _given, str(v)) for k, v in env.items()}


def _given(variable: re.Match) -> str:
    """What an operator gives each ${FORUMOPS_...:?} of the file."""
    return TOKEN if variable.group(1) == "FORUMOPS_ORGANISER_TOKEN" else f"secret-of-{variable.group(1)}"


BROKER_USER = ("KAFKA_SASL_USERNAME", "KAFKA_SASL_PASSWORD")


def _shared_env(service: dict) -> dict[str, str]:
    """The environment every service gets alike: all but who each is to the broker."""
    return {k: v for k, v in _env(service).items() if k not in BROKER_USER}


def _commands(service: dict) -> list[list[str]]:
    """The programs a service runs: `sh -c "a && b"` is two commands."""
    command = service["command"]
    if command[:2] == ["sh", "-c"]:
        return [shlex.split(part) for part in command[2].split("&&")]
    return [command]


def _image_services() -> dict[str, dict]:
    return {name: svc for name, svc in SERVICES.items() if "build" in svc}


def _declared_scripts() -> set[str]:
    """Console scripts of the packages the Dockerfile installs."""
    scripts = set()
    for dockerfile in {_dockerfile(svc) for svc in _image_services().values()}:
        for instruction, args in _instructions(dockerfile):
            if instruction == "RUN" and "pip install" in args:
                for folder in re.findall(r"\./(\S+)", args):
                    project = tomllib.loads((ROOT / folder / "pyproject.toml").read_text())["project"]
                    scripts |= set(project.get("scripts", {}))
    return scripts


def test_every_dependency_names_a_service_that_can_satisfy_its_condition():
    for name, svc in SERVICES.items():
        for other, needs in svc.get("depends_on", {}).items():
            assert other in SERVICES, f"{name} depends on unknown {other}"
            if needs["condition"] == "service_healthy":
                assert "healthcheck" in SERVICES[other], f"{name} waits for {other} to be healthy: it has no check"
            if needs["condition"] == "service_completed_successfully":
                assert "restart" not in SERVICES[other], f"{other} must run once and exit for {name} to start"


def test_every_volume_is_declared_and_every_mounted_file_exists():
    for name, svc in SERVICES.items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("."):
                assert (ROOT / source).exists(), f"{name} mounts {source}, which is not in the repository"
            else:
                assert source in COMPOSE["volumes"], f"{name} uses undeclared volume {source}"


def test_the_image_copies_files_that_exist_and_installs_every_package():
    for dockerfile in {_dockerfile(svc) for svc in _image_services().values()}:
        instructions = _instructions(dockerfile)
        copied = [args.split()[0] for instruction, args in instructions if instruction == "COPY"]
        assert copied and all((ROOT / source).exists() for source in copied), copied
        installed = [args for instruction, args in instructions if instruction == "RUN" and "pip install" in args]
        assert installed and "-c constraints.txt" in installed[0]
        assert {f"./{p}" for p in ("shared", *(f"services/{s}" for s in OURS))} <= set(installed[0].split())


def test_every_command_is_a_program_the_image_has_and_every_file_it_names_is_copied():
    scripts = _declared_scripts()
    for name, svc in _image_services().items():
        instructions = _instructions(_dockerfile(svc))
        copies = {args.split()[1].removeprefix("./") for instruction, args in instructions if instruction == "COPY"}
        for command in _commands(svc):
            program = command[0]
            assert program in scripts or program == "gunicorn", f"{name}: {program} is not installed in the image"
            for arg in command[1:]:
                if (ROOT / arg).is_file():
                    assert arg in copies or any(arg.startswith(c.rstrip("/") + "/") for c in copies), \
                        f"{name}: {arg} is not copied into the image"


GATEWAY = (ROOT / "deploy/nginx/forumops.conf").read_text()


@pytest.mark.parametrize("service", OURS)
def test_each_api_runs_twice_behind_the_gateway_at_its_usual_port_and_checks_its_health_there(service):
    api = SERVICES[f"{service}-api"]
    command = api["command"]
    assert command[0] == "gunicorn"
    module, factory = command[-1].split(":")
    assert callable(getattr(importlib.import_module(module), factory.removesuffix("()")))
    port = command[command.index("--bind") + 1].rsplit(":", 1)[1]
    assert api["expose"] == [port] and "ports" not in api  # replicas cannot share a published port
    assert f"127.0.0.1:{port}/readyz" in " ".join(api["healthcheck"]["test"])
    worker = SERVICES[f"{service}-worker"]
    assert worker["command"] == [f"{service}-worker"]
    assert api["deploy"]["replicas"] == worker["deploy"]["replicas"] == 2
    # The gateway publishes the port on the host and passes it to the API's replicas.
    gateway = SERVICES["gateway"]
    assert f"127.0.0.1:{port}:{port}" in gateway["ports"] and gateway["depends_on"][f"{service}-api"]
    upstream = re.search(rf"upstream (\w+) {{[^}}]*server {service}-api:{port} resolve;", GATEWAY).group(1)
    assert re.search(rf"listen {port}; location / {{ proxy_pass http://{upstream}; }}", GATEWAY)
    mounted = [v.split(":")[0] for v in gateway["volumes"]]
    assert "./deploy/nginx/forumops.conf" in mounted


def _fingerprint(service: str, env: dict[str, str]):
    """Everything a service makes of its environment: its settings and its own configuration."""
    settings = load_settings(service, env)
    config = importlib.import_module(f"{service}.config")
    own = getattr(config, f"{service}_config")(settings)
    return dataclasses.replace(settings, instance_id="", extra={}), own


def test_every_variable_given_to_the_services_is_read_by_one_of_them():
    """Remove a variable: some service must then see something else (else it is a typo or dead)."""
    env = _env(SERVICES["registration-api"])
    for name in OURS:
        assert _shared_env(SERVICES[f"{name}-api"]) == _shared_env(SERVICES["registration-api"]) == _shared_env(
            SERVICES[f"{name}-worker"])
    source = "\n".join(p.read_text() for p in [*ROOT.glob("shared/forumops_shared/*.py"), ROOT / "deploy/gunicorn.conf.py"])
    for variable in env:
        without = {k: v for k, v in env.items() if k != variable}
        read = any(_fingerprint(s, env) != _fingerprint(s, without) for s in OURS) or f'"{variable}"' in source
        assert read, f"{variable} is set in docker-compose.yml but nothing reads it"
    for service in OURS:
        settings, config = _fingerprint(service, env)
        assert config.admin_token == TOKEN  # the organiser can act at every service
        assert urlsplit(settings.database_url).path == f"/{service}"  # each service its own database


BROKERS = ("kafka-1", "kafka-2", "kafka-3")


def test_three_brokers_form_one_cluster_that_keeps_every_write_on_two_of_them():
    nodes = {name: _env(SERVICES[name]) for name in BROKERS}
    assert len({n["CLUSTER_ID"] for n in nodes.values()}) == 1
    assert sorted(int(n["KAFKA_NODE_ID"]) for n in nodes.values()) == [1, 2, 3]
    for name, kafka in nodes.items():
        controller_port = re.search(r"CONTROLLER://:(\d+)", kafka["KAFKA_LISTENERS"]).group(1)
        voters = dict(v.split("@") for v in kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(","))
        assert voters == {str(n): f"{other}:{controller_port}" for n, other in enumerate(BROKERS, 1)}
        assert kafka["KAFKA_ADVERTISED_LISTENERS"] == f"BROKER://{name}:9092"
        assert (kafka["KAFKA_DEFAULT_REPLICATION_FACTOR"], kafka["KAFKA_MIN_INSYNC_REPLICAS"],
                kafka["KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE"]) == ("3", "2", "false")
        assert (kafka["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"], kafka["KAFKA_TRANSACTION_STATE_LOG_MIN_ISR"]) == ("3", "2")
        assert SERVICES[name]["volumes"] == [f"{name}-data:/var/lib/kafka/data"]  # each node its own data
        assert SERVICES["kafka-topics"]["depends_on"][name]["condition"] == "service_healthy"


def test_the_services_reach_the_broker_and_the_databases_compose_starts():
    env = _env(SERVICES["registration-api"])
    advertised = {_env(SERVICES[name])["KAFKA_ADVERTISED_LISTENERS"].removeprefix("BROKER://") for name in BROKERS}
    assert set(env["KAFKA_BOOTSTRAP_SERVERS"].split(",")) == advertised
    kafka = _env(SERVICES["kafka-1"])
    protocols = dict(pair.split(":") for pair in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(","))
    assert set(protocols.values()) == {"SASL_PLAINTEXT"}  # nobody in without credentials
    assert kafka["KAFKA_ALLOW_EVERYONE_IF_NO_ACL_FOUND"] == "false" and kafka["KAFKA_SUPER_USERS"] == "User:admin"
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    topics = SERVICES["kafka-topics"]
    assert [c[0] for c in _commands(topics)] == ["forumops-create-topics", "forumops-broker-access"]
    setup = _env(topics)
    assert setup["KAFKA_BOOTSTRAP_SERVERS"] == env["KAFKA_BOOTSTRAP_SERVERS"]
    assert f'password="{setup["ADMIN_KAFKA_PASSWORD"]}"' in kafka["KAFKA_LISTENER_NAME_BROKER_PLAIN_SASL_JAAS_CONFIG"]
    for name in OURS:  # each service is the user the set-up made, with the password it was given
        for part in ("api", "worker"):
            settings = load_settings(name, _env(SERVICES[f"{name}-{part}"]))
            assert settings.kafka_username == name
            assert settings.kafka_password == setup[f"{name.upper()}_KAFKA_PASSWORD"]
    assert len({setup[f"{name.upper()}_KAFKA_PASSWORD"] for name in OURS} | {setup["ADMIN_KAFKA_PASSWORD"]}) == len(OURS) + 1

    postgres = _env(SERVICES["postgres"])
    created = set(re.findall(r"CREATE DATABASE (\w+)", (ROOT / "deploy/postgres/init.sql").read_text()))
    for service in OURS:
        url = urlsplit(load_settings(service, env).database_url)
        assert (url.hostname, url.port) == ("postgres", 5432)
        assert (url.username, url.password) == (postgres["POSTGRES_USER"], postgres["POSTGRES_PASSWORD"])
        assert url.path.lstrip("/") in created
    migrate = SERVICES["migrate"]
    assert [c[0] for c in _commands(migrate)] == [f"{s}-migrate" for s in OURS]
    for name in OURS:
        assert {"kafka-topics", "migrate"} <= set(SERVICES[f"{name}-api"]["depends_on"])


@pytest.mark.parametrize("package", ["shared/forumops_shared", *(f"services/{s}/{s}" for s in OURS)])
def test_every_file_a_package_ships_besides_python_is_in_its_package_data(package):
    """The image installs the packages (not editable): a template, script or font left out of
    package-data would be missing in it, though every test here passes from the source tree."""
    folder = ROOT / package
    project = tomllib.loads((folder.parent / "pyproject.toml").read_text())
    patterns = project["tool"]["setuptools"]["package-data"][folder.name]
    shipped = {match for pattern in patterns for match in glob.glob(pattern, root_dir=folder)}
    tracked = subprocess.run(["git", "ls-files", "."], cwd=folder, capture_output=True, text=True, check=True).stdout.split()
    needed = {f for f in tracked if not f.endswith(".py") and "/" in f}
    assert needed - shipped == set()
