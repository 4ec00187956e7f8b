"""Hypothesis strategies for whole projects and compose files nobody wrote by hand.

A :class:`GeneratedProject` is what balena's resolver looks at: the service
directory's files (top level and sub-folders), the device type (slugs, aliases)
and arch, the specified dockerfile, and extra build variables. File names are
drawn around the ones the resolvers take (every arch, the device type, its slug
and aliases, near misses and case changes); bodies from template pieces (every
build variable and its ``RESIN_`` alias, unknown and misspelled names, ``#``
lines, half-written ``%%``, lodash delimiters, JavaScript globals) joined with
LF, CRLF or CR, with or without a BOM, sometimes empty, non-ASCII or not UTF-8;
``package.json`` of every shape. :func:`compose_files` draws docker-compose.yml
texts.

The pieces never form a JavaScript loop or a call other than lodash's own
``print``: balena's builder evaluates ``<% %>`` and must stop on every project.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from hypothesis import strategies as st

from balena_lab.catalog.arches import all_arches
from balena_lab.catalog.devicetypes import get_device_type

ARCHES: tuple[str, ...] = tuple(all_arches())
SLUGS: tuple[str, ...] = (
    "raspberrypi3", "raspberrypi4-64", "intel-nuc", "raspberry-pi", "qemux86", "qemux86-64",
    "beaglebone-black", "parallella", "hummingboard", "odroid-xu4", "cybertan-ze250",
    "intel-edison", "jetson-nano", "raspberrypi5",
)
ALIASES: tuple[str, ...] = (
    "beaglebone", "parallella-hdmi-resin", "raspberrypi", "raspberrypi2", "nuc", "ZE250",
    "odroid-u3+", "odroid-ux3", "cubox-i", "solidrun-imx6", "hummingboard2", "edison",
)
DEVICE_TYPES: tuple[str, ...] = SLUGS + ALIASES


@dataclass(frozen=True)
class GeneratedProject:
    files: dict[str, bytes]
    device_type: str
    arch: str  # the fleet arch passed to both
    dockerfile: str | None  # as given to balena_lab ("" included)
    variables: dict[str, str] = field(default_factory=dict)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for rel, content in self.files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return folder

    def describe(self) -> str:
        """The project as Python literals: enough to add it to corpus.py."""
        files = {k: v.decode("utf-8", errors="backslashreplace")[:300] for k, v in
                 self.files.items()}
        return (f"device_type={self.device_type!r} arch={self.arch!r} "
                f"dockerfile={self.dockerfile!r} variables={self.variables!r} files={files!r}")


# --- template bodies ---------------------------------------------------------------------

VARIABLES = ("BALENA_ARCH", "BALENA_MACHINE_NAME", "RESIN_ARCH", "RESIN_MACHINE_NAME",
             "BALENA_SERVICE_NAME", "BALENA_APP_NAME", "BALENA_RELEASE_HASH", "MY_VAR")
MISSPELLED = ("BALENA_ARC", "BALENA_ARCHH", "BALENA_MACHINE", "RESIN_MACHINENAME",
              "BALENA__ARCH", "MISSING", "AB", "A_", "BALENA_ARCH_")
# Pieces that keep a template valid, and pieces that test an edge (most fail or are kept
# as written); a line draws the first kind five times as often, so that most generated
# projects get as far as a resolved text.
SAFE_PIECES: tuple[str, ...] = (
    "%%BALENA_ARCH%%", "%%BALENA_MACHINE_NAME%%", "%%RESIN_ARCH%%", "%%RESIN_MACHINE_NAME%%",
    "%%BALENA_SERVICE_NAME%%",
    "FROM ", "FROM balenalib/", "RUN echo ", "LABEL a=", "CMD ", "ENV X=", "ARG ", "COPY . /app",
    "\t", " ", "$VAR", "${BALENA_ARCH}", "${X:-y}", "\\", "'", '"', "`", "-", "=", ":", "/",
    ".", ",", "_", "A", "x", "1", "é", "日本", "🚀", "\u2028", "\u00a0",
)
EDGE_PIECES: tuple[str, ...] = (
    *(f"%%{name}%%" for name in VARIABLES[5:]), *(f"%%{name}%%" for name in MISSPELLED),
    # not references: lowercase, mixed case, one letter, digits, spaces, leading _
    "%%balena_arch%%", "%%Balena_Arch%%", "%%A%%", "%%A1%%", "%%_ARCH%%", "%% BALENA_ARCH %%",
    "%%BALENA-ARCH%%",
    # half-written
    "%%BALENA_ARCH%", "%BALENA_ARCH%%", "%%BALENA_ARCH", "BALENA_ARCH%%", "%%", "%", "%%%",
    "%%%%", "%%%BALENA_ARCH%%%",
    # JavaScript accidents: lodash delimiters and globals
    "%%JSON%%", "%%URL%%", "<%", "%>", "<%-", "<%=", "<% print('hi') %>", "<%- 'a&b' %>",
    "<%= x %>", "<% %>", "<%%BALENA_ARCH%%%>",
    # comments: a # in column 0 keeps the line as written
    "# ", "#", " #",
)
PIECES = SAFE_PIECES * 5 + EDGE_PIECES
LINE = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
CLEAN_LINE = st.lists(st.sampled_from(SAFE_PIECES), max_size=6).map("".join)
NEWLINES = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])


@st.composite
def template_bodies(draw: st.DrawFn) -> bytes:
    """A Dockerfile (template) body as bytes: pieces, line endings, BOM, bad UTF-8."""
    shape = draw(st.sampled_from(["text"] * 8 + ["empty", "bytes"]))
    if shape == "empty":
        return b""
    # Half the bodies are clean (they resolve), half hold edges (most of those fail).
    lines = draw(st.lists(draw(st.sampled_from([LINE, CLEAN_LINE])), min_size=1, max_size=5))
    text = draw(NEWLINES).join(lines) + draw(st.sampled_from(["", "\n", "\r\n"]))
    if draw(st.integers(0, 9)) == 0:
        text = "\ufeff" + text
    data = text.encode("utf-8")
    if shape == "bytes":  # invalid UTF-8 somewhere: Node's toString() gives U+FFFD
        at = draw(st.integers(0, len(data)))
        bad = draw(st.sampled_from([b"\xff", b"\xc3", b"\xe2\x82", b"\xed\xa0\x80", b"\x80"]))
        data = data[:at] + bad + data[at:]
    return data


# --- package.json ---------------------------------------------------------------------

RANGES = ("^6", "4.x", ">=0.10", "~0.12", "0.10.22", "*", "", "latest", "^99", "not a range!",
          ">=4 <5", "6 || 8", "v6", "=6.9.1", "6.9", "x", "^6.0.0-beta", ">= 6",
          "1.2.3 - 4.5.6", "<0.10", ">99", "^0.0.1", "6.x.x", "~6", " ^6 ", "4.X",
          "^4 || ^6 || ^8", "8.x.1", "x.1", "8.*.0", "^6.0.0-x.1", "6 - 8", "0", "<=6", "!6",
          "^ 6", "> 6", "08", "6.09", ">=*", "~>6", "6.*", "||", "  ")
MISSING = object()
SCRIPTS = (MISSING, None, {}, {"start": "node a.js"}, {"preinstall": "bash deps.sh"},
           {"install": "make"}, {"postinstall": None}, {"test": "x", "start": 5}, 5, 0, "",
           "preinstall", ["preinstall"], [], True, False, {"preinstall": [[[]]]})
ENGINES = (MISSING, None, {}, {"node": 8}, {"node": None}, {"node": ["^6"]}, {"node": True},
           "node 8", [], 5, {"npm": "6"})
RAW_PACKAGE_JSON = (
    "{broken", "", " ", "{} extra", '{"a":1,}', "\ufeff{}", "NaN", '{"engines": {"node": NaN}}',
    "{'a': 1}", "null", "[]", "[1]", '"str"', "5", "true", "[" * 1500 + "]" * 1500,
    '{"scripts": {}, "engines": {"node": "\\u0036.x"}}',
    '{"scripts": {}, "engines": {"node": "4.x"}, "engines": {"node": "^99"}}',
    '\t{"scripts":{},"engines":{"node":"4.x"}}\r\n',
    '{"scripts": {}, "engines": {"node": "4.x"}, "n": ' + "9" * 5000 + "}",
    '{"scripts": {}, "engines": {"node": "4.x"}, "f": 1e400, "s": "\\ud800"}',
    '{"a": "\x01"}', '{"scripts": {}, "engines": {"node": "4.x"}} // comment',
)


@st.composite
def package_jsons(draw: st.DrawFn) -> bytes:
    if draw(st.integers(0, 4)) == 0:
        return draw(st.sampled_from(RAW_PACKAGE_JSON)).encode("utf-8")
    data: dict[str, object] = {}
    if draw(st.booleans()):
        data["name"] = draw(st.sampled_from(["app", "caf\u00e9", ""]))
    scripts = draw(st.sampled_from(SCRIPTS))
    if scripts is not MISSING:
        data["scripts"] = scripts
    engines = draw(st.sampled_from(ENGINES + ({"node": "R"},) * 6))
    if engines == {"node": "R"}:
        engines = {"node": draw(st.sampled_from(RANGES))}
    if engines is not MISSING:
        data["engines"] = engines
    if draw(st.integers(0, 9)) == 0:
        depth = draw(st.sampled_from([10, 1200, 3000]))
        text = json.dumps(data)[:-1] + (", " if data else "") + '"deep": ' + "[" * depth \
            + "]" * depth + "}"
        return text.encode("utf-8")
    return json.dumps(data, indent=draw(st.sampled_from([None, 2, "\t"]))).encode("utf-8")


# --- file names -------------------------------------------------------------------------

FOLDERS = ("", "", "", "", "", "", "", "", "sub/", "docker/", "my.app/", "a/b/", "./")
STEMS = ("Dockerfile", "Dockerfile", "Dockerfile", "Dockerfile", "dockerfile", "DOCKERFILE",
         "DockerFile", "Dockerfile.custom", "Containerfile", "Dockerfile.template")
SPECIFIED = (*(None,) * 24, "", "Dockerfile", "./Dockerfile",
             "Dockerfile.template", "Dockerfile.custom", "docker/Dockerfile.custom",
             "./docker/Dockerfile.custom", "docker//Dockerfile.custom",
             "docker/Dockerfile.custom/", "docker/./Dockerfile.custom", "sub/Dockerfile",
             "my.app/Dockerfile", "a/b/Dockerfile", "missing/Dockerfile", "Dockerfile.aarch64",
             "../Dockerfile", "/docker/Dockerfile.custom", "Containerfile",
             "docker/Containerfile")


def _extensions(device_type: str, arch: str) -> list[str]:
    """Every ``.<ext>`` worth trying: the ones that match, often; kin, arches, near misses."""
    device = get_device_type(device_type)
    kin = {device.slug, *device.aliases} - {device_type}
    near = {device_type.upper(), device_type.capitalize(), device_type + "x",
            device_type[:-1], device_type.replace("-", ""), device_type + ".template"}
    arches = [*ARCHES, *(a.upper() for a in ARCHES[:2]), "arm64", "x86_64", "armhf", "armv7"]
    matching = ["", ".template", f".{device_type}", f".{arch}", f".{device.arch}"] * 6
    return [*matching, *[f".{e}" for e in (*sorted(kin), *sorted(near), *arches,
            "raspberrypi5", "jetson-nano", "custom", "Template", "tmpl", "template.aarch64",
            "", "é")]]


@st.composite
def projects(draw: st.DrawFn) -> GeneratedProject:
    device_type = draw(st.sampled_from(DEVICE_TYPES))
    arch = draw(st.sampled_from([get_device_type(device_type).arch] * 4 + list(ARCHES)))
    specified = draw(st.sampled_from(SPECIFIED))
    extensions = _extensions(device_type, arch)
    files: dict[str, bytes] = {}
    for _ in range(draw(st.integers(1, 5))):
        if specified and draw(st.booleans()):
            # The specified path and its siblings: that is where its matching happens.
            name = specified.strip("/").removeprefix("./") + draw(st.sampled_from(extensions))
        else:
            name = draw(st.sampled_from(FOLDERS)) + draw(st.sampled_from(STEMS)) \
                + draw(st.sampled_from(extensions))
        name = name.replace("//", "/").removeprefix("./")
        if name and not name.startswith("/") and ".." not in name.split("/"):
            files[name] = draw(template_bodies())
    if draw(st.integers(0, 2)) == 0:
        files["package.json"] = draw(package_jsons())
        for marker in draw(st.lists(st.sampled_from(["wscript", "binding.gyp", "sub/x.gyp",
                                                       "Package.json"]), max_size=2)):
            files[marker] = b"{}\n"
    variables = draw(st.sampled_from([
        {}, {}, {}, {"BALENA_APP_NAME": "fleet"}, {"BALENA_ARCH": "override"},
        {"MY_VAR": "x $1 \\ ' %%BALENA_ARCH%%"}, {"BALENA_RELEASE_HASH": "abc", "MY_VAR": ""},
        {"BALENA_MACHINE_NAME": "other"}]))
    return GeneratedProject(_no_clashes(files), device_type, arch, specified, variables)


def _no_clashes(files: dict[str, bytes]) -> dict[str, bytes]:
    """Drop a file whose name is also a folder of another file (no filesystem holds both)."""
    folders = {"/".join(name.split("/")[:i]) for name in files
               for i in range(1, name.count("/") + 1)}
    return {name: data for name, data in files.items() if name not in folders}


# --- docker-compose.yml -----------------------------------------------------------------

SERVICE_NAMES = ("main", "frontend", "back_end", "my-service", "a", "Main", "1st", "x.y",
                 "_svc", "sérvice", "with space")
CONTEXTS = (".", "./app", "app", "app/", "./app/", "sub/..", "missing", "../outside", "/abs",
            "https://github.com/x/y.git", "git@github.com:x/y.git", "app.git", "", "my.app")
DOCKERFILES = ("Dockerfile", "Dockerfile.custom", "docker/Dockerfile", "./Dockerfile",
               "Dockerfile.template", "", "/abs/Dockerfile")
ARGS = ({}, {"A": "1"}, {"A": "x", "B": "2"}, ["A=1", "B=x y"], {"A": 1}, {"A": None}, {"A": True}, {"A": 1.5}, {"A": ""},
        ["A=1"], ["A"], ["A="], ["A=1=2"], ["A=1", "A=2"], [], "A=1", 5, None,
        {"A": {"x": 1}}, [1], {"": "x"})
LABELS = ({}, {"io.balena.features.dbus": "1"}, {"a": 1}, {"a": True}, {"a": None},
          ["io.balena.features.dbus=1"], ["a"], ["a=b=c"], "a=b", 5, None,
          {"io.balena.private.x": "1"}, {"io.balena.features.requires.sw.supervisor": ">=10"},
          {"io.balena.features.requires.arch.sw": "notanarch"})
VOLUMES = (["resin-data:/data"], ["data:/data:ro"], ["/data"], ["/host:/data"],
           ["./rel:/data"], ["/var/run/docker.sock:/var/run/docker.sock"], ["missing:/x"],
           "data:/data", [{"type": "volume", "source": "data", "target": "/data"}], [5], None)
NETWORKS = (["frontend"], {"frontend": None}, {"frontend": {"aliases": ["x"]}}, ["missing"],
            "frontend", None, {"frontend": {"ipv4_address": "10.0.0.2"}})
VERSIONS = ("2", "2.1", "2.4", "3", "3.8", 2.1, 3, "1", "", "latest", None)
SERVICE_EXTRAS = ({},) * 20 + ({"image": "debian"}, {"privileged": True}, {"privileged": "yes"},
                  {"restart": "always"}, {"restart": "sometimes"}, {"network_mode": "host"},
                  {"ports": ["80:80"]}, {"ports": "80"}, {"tty": True}, {"container_name": "x"},
                  {"expose": ["80"]}, {"logging": {"driver": "none"}}, {"links": ["a"]},
                  {"environment": {"A": None}}, {"environment": ["A"]}, {"depends_on": ["main"]},
                  {"command": 5}, {"unknown_field": 1}, {"x-extension": {"a": 1}},
                  {"cpus": 0.5}, {"stdin_open": True}, {"env_file": ".env"})


@dataclass(frozen=True)
class GeneratedCompose:
    text: str
    folders: tuple[str, ...]  # project sub-folders to create (build contexts)

    def write(self, folder: Path) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        for name in self.folders:
            (folder / name).mkdir(parents=True, exist_ok=True)
            (folder / name / "Dockerfile").write_text("FROM debian\n")
        (folder / "Dockerfile").write_text("FROM debian\n")
        path = folder / "docker-compose.yml"
        path.write_text(self.text, encoding="utf-8")
        return path


@st.composite
def builds(draw: st.DrawFn) -> object:
    form = draw(st.sampled_from(["short"] * 3 + ["long"] * 6 + ["bad"]))
    if form == "short":
        return draw(st.sampled_from(CONTEXTS))
    if form == "bad":
        return draw(st.sampled_from([5, True, ["."], None, {}, {"context": 5},
                                     {"dockerfile": 5}, {"context": "."," unknown": 1},
                                     {"context": ".", "network": "host"},
                                     {"context": ".", "target": "dev"}]))
    build: dict[str, object] = {}
    if draw(st.integers(0, 4)):
        build["context"] = draw(st.sampled_from(CONTEXTS))
    if draw(st.booleans()):
        build["dockerfile"] = draw(st.sampled_from(DOCKERFILES))
    if draw(st.booleans()):
        build["args"] = draw(st.sampled_from(ARGS))
    if draw(st.integers(0, 3)) == 0:
        build["labels"] = draw(st.sampled_from(LABELS))
    return build


@st.composite
def compose_files(draw: st.DrawFn) -> GeneratedCompose:
    document: dict[str, object] = {}
    version = draw(st.sampled_from(VERSIONS + ("omit",) * 4))
    if version != "omit":
        document["version"] = version
    services: dict[str, object] = {}
    for name in draw(st.lists(st.sampled_from(SERVICE_NAMES), min_size=0, max_size=3,
                              unique=True)):
        service: dict[str, object] = {}
        if draw(st.integers(0, 5)):
            service["build"] = draw(builds())
        service.update(draw(st.sampled_from(SERVICE_EXTRAS)))
        if draw(st.integers(0, 5)) == 0:
            service["labels"] = draw(st.sampled_from(LABELS))
        if draw(st.integers(0, 5)) == 0:
            service["volumes"] = draw(st.sampled_from(VOLUMES))
        if draw(st.integers(0, 6)) == 0:
            service["networks"] = draw(st.sampled_from(NETWORKS))
        services[name] = draw(st.sampled_from([service] * 40 + [None, "x", 5, []]))
    shape = draw(st.sampled_from(["services"] * 30 + ["none", "list", "null", "scalar"]))
    if shape == "services":
        document["services"] = services
    elif shape != "none":
        document["services"] = {"list": list(services), "null": None, "scalar": "x"}[shape]
    if draw(st.integers(0, 1)) == 0:
        document["volumes"] = draw(st.sampled_from([{"data": None}, {"data": {}}, {"data": {},
                                                    "resin-data": None}, {"resin-data": {}},
                                                    {"data": {"driver": "nfs"}}, ["data"],
                                                    {"resin-data": {"external": True}}]))
    if draw(st.integers(0, 1)) == 0:
        document["networks"] = draw(st.sampled_from([{"frontend": None}, {"frontend": {}},
                                                     {"frontend": None}, {"frontend": {}},
                                                     {"frontend": {"driver": "overlay"}},
                                                     ["frontend"]]))
    if draw(st.integers(0, 9)) == 0:
        document[draw(st.sampled_from(["x-common", "secrets", "configs", "unknown"]))] = {}
    if draw(st.integers(0, 29)) == 0:  # not a mapping at all, or not YAML
        return GeneratedCompose(draw(st.sampled_from(["", "- a\n", "just text\n", "a: [\n",
                                                      "services: {main: {build: .}\n"])), ())
    text = json.dumps(document, ensure_ascii=False, indent=draw(st.sampled_from([None, 2])))
    folders = ("app", "my.app", "sub", "missing/..")
    return GeneratedCompose(text, folders[:3])
