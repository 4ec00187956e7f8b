"""Compositions: the page's default file, validation naming service and field, resolution."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from balena_lab.errors import ComposeError, NoDockerfileError, UnknownDeviceTypeError
from balena_lab.resolution.compose import (
    compose,
    default_composition,
    load_compose,
    validate_compose,
)

from ..files import write_tree as write

PAGE_YAML = """\
version: '2.1'
networks: {}
volumes:
  resin-data: {}
services:
  main:
    build:
      context: .
    privileged: true
    restart: always
    network_mode: host
    volumes:
      - 'resin-data:/data'
    labels:
      io.balena.features.kernel-modules: '1'
      io.balena.features.firmware: '1'
      io.balena.features.dbus: '1'
      io.balena.features.supervisor-api: '1'
      io.balena.features.balena-api: '1'
"""




def test_default_composition_is_the_pages() -> None:
    assert default_composition() == yaml.safe_load(PAGE_YAML)
    with_file = default_composition("Dockerfile.custom")
    assert with_file["services"]["main"]["build"] == {"context": ".",
                                                      "dockerfile": "Dockerfile.custom"}
    validate_compose(default_composition())  # balena accepts its own default


def test_single_container_project_is_generated_and_resolved(tmp_path: Path) -> None:
    write(tmp_path, {"Dockerfile.template": "FROM %%BALENA_SERVICE_NAME%%\n"})
    composition = compose(tmp_path, "intel-nuc")
    assert composition.source == "generated"
    assert composition.services[0].resolution.dockerfile == "FROM main\n"  # type: ignore[union-attr]
    assert yaml.safe_load(composition.to_yaml()) == yaml.safe_load(PAGE_YAML)
    assert any("io.resin" in note for note in composition.notes)


def test_empty_project_has_nothing_to_build(tmp_path: Path) -> None:
    with pytest.raises(NoDockerfileError):
        compose(tmp_path)


MULTI = """\
version: '2.4'
services:
  frontend:
    build: ./frontend
    network_mode: host
  backend:
    build:
      context: backend
      dockerfile: docker/Dockerfile.api
    volumes: ['data:/data']
    depends_on: [frontend]
  cache:
    image: redis:7
volumes:
  data:
"""


def test_multi_service_resolves_every_service_with_its_name(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": MULTI,
                     "frontend/Dockerfile.template": "FROM %%BALENA_SERVICE_NAME%%-%%BALENA_ARCH%%\n",
                     "backend/docker/Dockerfile.api.aarch64": "FROM api64\n",
                     "backend/docker/Dockerfile.api": "FROM api\n"})
    composition = compose(tmp_path, "raspberrypi4-64")
    got = {s.name: s.resolution for s in composition.services}
    assert got["frontend"].dockerfile == "FROM frontend-aarch64\n"  # type: ignore[union-attr]
    assert got["backend"].source == "docker/Dockerfile.api.aarch64"  # type: ignore[union-attr]
    assert got["backend"].dockerfile_name == "docker/Dockerfile"  # type: ignore[union-attr]
    assert got["cache"] is None
    assert compose(tmp_path).services[1].resolution is None  # no device type: checked only
    assert "<td><b>backend</b></td>" in composition._repr_html_()


@pytest.mark.parametrize("service_yaml,service,field,words", [
    ("web:\n    build: .\n    container_name: x", "web", "container_name", "Supervisor"),
    ("web:\n    build: .\n    tty: true", "web", "tty", "not support"),
    ("web:\n    build: .\n    volumes: ['/host:/data']", "web", "volumes.0", "does not match"),
    ("web:\n    build: .\n    network_mode: none", "web", "network_mode", "does not match"),
    ("web:\n    build: .\n    depends_on: {db: {condition: service_healthy}}", "web",
     "depends_on", "not of type"),
    ("web:\n    build: {context: ., isolation: x}", "web", "build.isolation", "not support"),
    ("web:\n    build: .\n    pid: container", "web", "pid", "host"),
    ("web:\n    build: .\n    restart: sometimes", "web", "restart", "is not one of"),
])
def test_validation_names_service_and_field(tmp_path: Path, service_yaml: str, service: str,
                                            field: str, words: str) -> None:
    write(tmp_path, {"docker-compose.yml": f"services:\n  {service_yaml}\n",
                     "Dockerfile": "FROM x\n"})
    with pytest.raises(ComposeError) as caught:
        compose(tmp_path)
    assert (caught.value.service, caught.value.field) == (service, field)
    assert f"service {service!r}, field {field!r}" in str(caught.value)
    assert words in str(caught.value)
    assert caught.value.type == "compose"


@pytest.mark.parametrize("build,field,words", [
    ("./missing", "build", "no folder"),
    ("../outside", "build", "not a project subfolder"),
    ("https://github.com/x/y.git", "build", "git URLs"),
    ("empty", "build", "nothing to build"),
])
def test_build_context_must_hold_something(tmp_path: Path, build: str, field: str,
                                           words: str) -> None:
    write(tmp_path, {"docker-compose.yml": f"services:\n  web:\n    build: {build}\n",
                     "empty/README": "x"})
    with pytest.raises(ComposeError, match=words) as caught:
        compose(tmp_path)
    assert (caught.value.service, caught.value.field) == ("web", field)


def test_service_resolution_errors_name_service(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml":
                     "services:\n  api:\n    build: {context: api, dockerfile: Nope}\n",
                     "api/Dockerfile": "FROM x\n"})
    with pytest.raises(ComposeError) as caught:
        compose(tmp_path, "intel-nuc")
    assert (caught.value.service, caught.value.field) == ("api", "build.dockerfile")
    assert "Specified file not found or is invalid: Nope" in str(caught.value)


def test_service_needs_build_or_image(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": "services:\n  x:\n    privileged: true\n"})
    with pytest.raises(ComposeError, match="needs build or image"):
        compose(tmp_path)


def test_bad_yaml_and_bad_device_type(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": "services: [\n"})
    with pytest.raises(ComposeError, match="not valid YAML at line"):
        compose(tmp_path)
    with pytest.raises(UnknownDeviceTypeError):
        compose(tmp_path, "nope-device")


def test_a_service_folder_linked_out_of_the_project_is_refused(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "Dockerfile").write_text("FROM x\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "svc").symlink_to(outside)
    (project / "docker-compose.yml").write_text("version: '2.1'\nservices:\n  svc:\n    build: ./svc\n")
    with pytest.raises(ComposeError, match="leads out of the project") as caught:
        compose(project, "raspberrypi4-64")
    assert caught.value.service == "svc"


def test_a_compose_file_that_is_not_utf8_is_a_compose_error(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_bytes(b"version: '2.1'\nservices: \xff\n")
    with pytest.raises(ComposeError, match="not valid UTF-8"):
        load_compose(path)


# --- issue 12: what the generated compose comparison with balena's parser found ----------


@pytest.mark.parametrize("services,field", [
    ("  main:\n    build: .\n    volumes: ['data:/data']\n", "volumes"),
    ("  main:\n    build: .\n    networks: [frontend]\n", "networks"),
])
def test_undeclared_volumes_and_networks_are_refused_as_compose_go_does(
        tmp_path: Path, services: str, field: str) -> None:
    write(tmp_path, {"docker-compose.yml": "services:\n" + services, "Dockerfile": "FROM x\n"})
    with pytest.raises(ComposeError) as caught:
        compose(tmp_path)
    assert caught.value.service == "main" and caught.value.field == field
    assert "is not declared" in caught.value.reason
    write(tmp_path, {"docker-compose.yml": "services:\n" + services
                     + "volumes: {data: {}}\nnetworks: {frontend: {}}\n"})
    assert compose(tmp_path).services[0].name == "main"


def test_service_names_are_compose_go_names(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": "services:\n  'with space':\n    build: .\n",
                     "Dockerfile": "FROM x\n"})
    with pytest.raises(ComposeError, match="with space"):
        compose(tmp_path)


def test_a_package_json_service_has_nothing_to_build_in_a_compose_file(tmp_path: Path) -> None:
    """compose-go writes build.dockerfile: Dockerfile, so the builder never takes the
    Node.js resolver for a service of a compose file."""
    write(tmp_path, {"docker-compose.yml": "services:\n  web:\n    build: ./web\n",
                     "web/package.json": '{"scripts": {}, "engines": {"node": "4.x"}}'})
    with pytest.raises(ComposeError, match="does not build package.json alone"):
        compose(tmp_path)
    with pytest.raises(ComposeError, match="Specified file not found or is invalid: Dockerfile"):
        compose(tmp_path, "intel-nuc")


def test_a_deeply_nested_compose_file_is_a_compose_error(tmp_path: Path) -> None:
    write(tmp_path, {"docker-compose.yml": "services:\n  main:\n    build: .\n    x-a: "
                     + "[" * 3000 + "]" * 3000 + "\n"})
    with pytest.raises(ComposeError, match="nested too deeply") as caught:
        compose(tmp_path)
    assert caught.value.path == str(tmp_path / "docker-compose.yml")


@pytest.mark.parametrize("top", ["networks: {frontend: {driver: overlay}}",
                                 "volumes: {data: {driver: nfs}}",
                                 "volumes: {data: {external: true}}",
                                 "networks: {frontend: {attachable: true}}"])
def test_network_and_volume_drivers_balena_refuses(tmp_path: Path, top: str) -> None:
    write(tmp_path, {"docker-compose.yml": f"services:\n  main:\n    build: .\n{top}\n",
                     "Dockerfile": "FROM x\n"})
    with pytest.raises(ComposeError):
        compose(tmp_path)


@pytest.mark.parametrize("depends", [
    {"main": ["main"]},  # found by the generated compose test
    {"a": ["b"], "b": ["a"]},
    {"a": ["b"], "b": ["c"], "c": ["a"]},
])
def test_a_dependency_cycle_is_refused_as_compose_go_refuses_it(
        tmp_path: Path, depends: dict[str, object]) -> None:
    import yaml

    services = {name: {"image": "redis", "depends_on": on} for name, on in depends.items()}
    (tmp_path / "docker-compose.yml").write_text(yaml.safe_dump(
        {"version": "2.1", "services": services}))
    with pytest.raises(ComposeError, match="dependency cycle"):
        compose(tmp_path)
