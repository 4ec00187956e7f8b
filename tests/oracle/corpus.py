"""The corpus of projects compared with balena's own resolver, one per rule or edge.

Each project is files (path -> text or bytes) plus how balena is asked to
resolve it. ``expect`` says how balena_lab must relate to the builder:

- ``same``: identical kind, resolved name and text, or the same error type;
- ``js-code``: the template holds lodash code delimiters or a JavaScript
  global; balena's builder runs them, balena_lab reports template-syntax;
- ``page``: a Node.js project where the page and the current builder differ;
  balena_lab follows the page and succeeds where the builder fails.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

# One device type per arch family, plus its arch: (slug, arch).
DEVICE_TYPES: tuple[tuple[str, str], ...] = (
    ("raspberrypi3", "armv7hf"),
    ("raspberrypi4-64", "aarch64"),
    ("intel-nuc", "amd64"),
    ("raspberry-pi", "rpi"),
    ("qemux86", "i386"),
    # Aliases (issue 12): the builder uses the name as given, never the canonical slug.
    ("beaglebone", "armv7hf"),
    ("parallella-hdmi-resin", "armv7hf"),
    ("nuc", "amd64"),
)

PAGE_TEMPLATE = (
    "FROM balenalib/%%BALENA_MACHINE_NAME%%-node\n\n"
    "COPY package.json /package.json\nRUN npm install\n\n"
    'COPY src/ /usr/src/app\nCMD ["node", "/usr/src/app/main.js"]\n'
)
TEXT2SPEECH = json.dumps({
    "name": "text2speech",
    "scripts": {"preinstall": "bash deps.sh"},
    "version": "0.0.3",
    "dependencies": {"speaker": "~0.0.10", "request": "~2.22.0", "lame": "~1.0.2"},
    "engines": {"node": "0.10.22"},
}, indent="\t")


@dataclass(frozen=True)
class Project:
    name: str
    files: dict[str, str | bytes]
    dockerfile: str | None = None
    variables: dict[str, str] = field(default_factory=dict)
    expect: str = "same"

    def write(self, root: Path) -> Path:
        """Materialize the project under ``root/name``; returns its folder."""
        folder = root / self.name
        folder.mkdir(parents=True, exist_ok=True)
        for rel, content in self.files.items():
            path = folder / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode("utf-8") if isinstance(content, str) else content
            path.write_bytes(data)
        return folder


def _p(name: str, files: dict[str, str | bytes], **kwargs: object) -> Project:
    return Project(name, files, **kwargs)  # type: ignore[arg-type]


CORPUS: tuple[Project, ...] = (
    # --- precedence ------------------------------------------------------------------
    _p("plain-dockerfile", {"Dockerfile": "FROM debian:trixie\nRUN echo %%BALENA_ARCH%%\n"}),
    _p("template-only", {"Dockerfile.template": PAGE_TEMPLATE}),
    _p("template-beats-dockerfile", {"Dockerfile.template": PAGE_TEMPLATE,
                                     "Dockerfile": "FROM debian\n"}),
    _p("device-beats-arch-beats-template", {
        "Dockerfile.raspberrypi3": "FROM device %%BALENA_MACHINE_NAME%%\n",
        "Dockerfile.armv7hf": "FROM arch %%BALENA_ARCH%%\n",
        "Dockerfile.aarch64": "FROM arch64 %%RESIN_ARCH%% %%RESIN_MACHINE_NAME%%\n",
        "Dockerfile.template": PAGE_TEMPLATE,
        "Dockerfile": "FROM plain\n"}),
    _p("arch-files-templated", {"Dockerfile.aarch64": "FROM balenalib/%%BALENA_MACHINE_NAME%%\n",
                                "Dockerfile.amd64": "FROM %%BALENA_ARCH%%/x\n",
                                "Dockerfile.rpi": "FROM %%BALENA_ARCH%%\n",
                                "Dockerfile.i386": "FROM i386/%%BALENA_SERVICE_NAME%%\n",
                                "Dockerfile.armv7hf": "FROM %%BALENA_ARCH%%\n"}),
    _p("other-device-only", {"Dockerfile.raspberrypi5": "FROM pi5\n"}),
    _p("other-devices-and-template", {"Dockerfile.jetson-nano": "FROM jetson\n",
                                      "Dockerfile.raspberrypi5": "FROM pi5\n",
                                      "Dockerfile.template": "FROM %%BALENA_ARCH%%\n"}),
    _p("arch-template-lookalike", {"Dockerfile.aarch64.template": "FROM %%BALENA_ARCH%%\n"}),
    _p("lowercase-names", {"dockerfile.template": "FROM lower %%BALENA_ARCH%%\n",
                           "dockerfile.aarch64": "FROM lower\n", "Dockerfile": "FROM upper\n"}),
    _p("subfolder-only", {"app/Dockerfile": "FROM debian\n", "app/Dockerfile.template": "FROM x\n"}),
    _p("empty-project", {"README.md": "nothing to build\n"}),
    _p("dockerfile-beats-package-json", {"Dockerfile": "FROM node\n", "package.json": TEXT2SPEECH}),
    _p("template-beats-package-json", {"Dockerfile.template": "FROM %%BALENA_ARCH%%\n",
                                       "package.json": "{not json"}),
    _p("failing-winner-no-fallback", {"Dockerfile.aarch64": "FROM %%NOT_SET%%\n",
                                      "Dockerfile.template": "FROM %%BALENA_ARCH%%\n",
                                      "Dockerfile": "FROM debian\n"}),
    # --- device type aliases (issue 12) -------------------------------------------------
    _p("alias-device-file", {"Dockerfile.beaglebone": "FROM %%BALENA_MACHINE_NAME%%\n",
                             "Dockerfile.beaglebone-black": "FROM slug %%RESIN_MACHINE_NAME%%\n",
                             "Dockerfile.nuc": "FROM nuc %%BALENA_MACHINE_NAME%%\n",
                             "Dockerfile.intel-nuc": "FROM slug\n",
                             "Dockerfile.armv7hf": "FROM arch %%BALENA_MACHINE_NAME%%\n"}),
    _p("alias-template", {"Dockerfile.template":
                          "FROM balenalib/%%BALENA_MACHINE_NAME%%:%%RESIN_MACHINE_NAME%%\n"}),
    _p("alias-node-image", {"package.json": json.dumps(
        {"scripts": {"install": "make"}, "engines": {"node": "^6.0.0"}})}),
    # --- Node.js ---------------------------------------------------------------------
    _p("nodejs-page-example", {"package.json": TEXT2SPEECH, "deps.sh": "apt-get install -y x\n"}),
    _p("nodejs-onbuild", {"package.json": json.dumps(
        {"scripts": {"start": "node main.js"}, "engines": {"node": "^6.0.0"}})}),
    _p("nodejs-gyp-marker", {"package.json": json.dumps(
        {"scripts": {}, "engines": {"node": ">=4 <5"}}), "binding.gyp": "{}\n"}),
    _p("nodejs-wscript-marker", {"package.json": json.dumps(
        {"scripts": {"test": "x"}, "engines": {"node": "8.x"}}), "wscript": "x\n"}),
    _p("nodejs-postinstall", {"package.json": json.dumps(
        {"scripts": {"postinstall": "make"}, "engines": {"node": "~0.12"}})}),
    _p("nodejs-unsatisfiable", {"package.json": json.dumps(
        {"scripts": {}, "engines": {"node": "^99.0.0"}})}),
    _p("nodejs-invalid-range", {"package.json": json.dumps(
        {"scripts": {}, "engines": {"node": "not a range!"}})}),
    _p("nodejs-engines-number", {"package.json": json.dumps(
        {"scripts": {}, "engines": {"node": 8}})}),
    _p("nodejs-invalid-json", {"package.json": '{"name": "x",}'}),
    _p("nodejs-no-engines", {"package.json": json.dumps({"scripts": {"start": "node a.js"}})},
       expect="page"),
    # issue 12: a "scripts" that is not an object builds (Object.keys() tolerates it)
    *(_p(f"nodejs-scripts-{name}", {"package.json": json.dumps(
        {"scripts": value, "engines": {"node": "4.x"}})})
      for name, value in (("number", 5), ("string", "preinstall"), ("array", ["install"]),
                          ("boolean", True))),
    _p("nodejs-engines-string", {"package.json": '{"scripts": {}, "engines": "node 8"}'},
       expect="page"),
    _p("nodejs-number-after-wildcard", {"package.json": json.dumps(
        {"scripts": {}, "engines": {"node": "8.x.1"}})}),
    # issue 13: npm's limits (a version of at most 256 characters, numbers up to 2**53 - 1)
    *(_p(f"nodejs-range-{name}", {"package.json": json.dumps(
        {"scripts": {}, "engines": {"node": value}})})
      for name, value in (("huge-zeros", ">=" + "0" * 100_000), ("long-prerelease",
                          ">=4.0.0-" + "a" * 300), ("beyond-safe-integer", ">=4." + "1" * 20),
                          ("many-alternatives", " || ".join(["^99.0.0"] * 2000 + ["4.x"])))),
    _p("nodejs-deeply-nested", {"package.json": '{"scripts": {}, "engines": {"node": "4.x"}, '
                                '"x": ' + "[" * 1500 + "]" * 1500 + "}"}),
    _p("nodejs-deeply-nested-array", {"package.json": "[" * 1500 + "]" * 1500}),
    _p("nodejs-null", {"package.json": "null"}),
    _p("nodejs-no-scripts", {"package.json": json.dumps({"engines": {"node": "4.x"}})},
       expect="page"),
    # --- specified dockerfile paths (compose build.dockerfile) ------------------------
    _p("specified-plain", {"docker/Dockerfile.custom": "FROM custom %%BALENA_ARCH%%\n",
                           "Dockerfile": "FROM root\n"}, dockerfile="docker/Dockerfile.custom"),
    _p("specified-template", {"docker/Dockerfile.custom": "FROM custom\n",
                              "docker/Dockerfile.custom.template": "FROM t %%BALENA_ARCH%%\n"},
       dockerfile="docker/Dockerfile.custom"),
    _p("specified-arch-and-device", {
        "docker/Dockerfile.custom.aarch64": "FROM a %%BALENA_MACHINE_NAME%%\n",
        "docker/Dockerfile.custom.raspberrypi3": "FROM rpi3\n",
        "docker/Dockerfile.custom.template": "FROM t %%BALENA_ARCH%%\n",
        "Dockerfile.aarch64": "FROM root-arch\n"}, dockerfile="docker/Dockerfile.custom"),
    _p("specified-missing", {"Dockerfile": "FROM root\n", "package.json": TEXT2SPEECH},
       dockerfile="docker/Dockerfile.custom"),
    _p("specified-dot-slash", {"docker/Dockerfile.custom": "FROM x\n"},
       dockerfile="./docker/Dockerfile.custom"),
    _p("specified-dotted-folder", {"my.app/Dockerfile.template": "FROM %%BALENA_ARCH%%\n"},
       dockerfile="my.app/Dockerfile"),
    _p("specified-top-level", {"Dockerfile.custom": "FROM plain\n",
                               "Dockerfile.custom.template": "FROM %%BALENA_MACHINE_NAME%%\n",
                               "Dockerfile.template": "FROM root\n"},
       dockerfile="Dockerfile.custom"),
    _p("specified-is-template", {"Dockerfile.template": "FROM %%BALENA_ARCH%%\n"},
       dockerfile="Dockerfile.template"),
    _p("specified-no-extension", {"build/Containerfile": "FROM x\n",
                                  "build/Containerfile.amd64": "FROM %%BALENA_ARCH%%\n"},
       dockerfile="build/Containerfile"),
    _p("specified-deep", {"a/b/c/Dockerfile": "FROM deep\n"}, dockerfile="a/b/c/Dockerfile"),
    # --- template edges ----------------------------------------------------------------
    _p("comment-lines", {"Dockerfile.template":
        "# %%UNDEFINED%% stays\n  # %%BALENA_ARCH%% indented is substituted\n"
        "#%%BALENA_ARCH%%\nFROM %%BALENA_ARCH%%\n"}),
    _p("undefined-variable", {"Dockerfile.template": "FROM x\nRUN echo %%BALENA_APP_NAME%%\n"}),
    _p("supplied-variables", {"Dockerfile.template":
        "LABEL app=%%BALENA_APP_NAME%% hash=%%BALENA_RELEASE_HASH%% svc=%%BALENA_SERVICE_NAME%%\n"},
       variables={"BALENA_APP_NAME": "myfleet", "BALENA_RELEASE_HASH": "abc123"}),
    _p("variables-override-builtins", {"Dockerfile.template": "FROM %%BALENA_ARCH%% %%RESIN_ARCH%%\n"},
       variables={"BALENA_ARCH": "overridden"}),
    _p("not-references", {"Dockerfile.template":
        "RUN echo %%balena_arch%% %%A%% %%A1%% %% BALENA_ARCH %% $BALENA_ARCH ${BALENA_ARCH}\n"
        "RUN echo %%%BALENA_ARCH%%% %%BALENA_ARCH%%%%RESIN_ARCH%% 100%% %%_X%%\n"}),
    _p("crlf", {"Dockerfile.template":
        "# %%NOPE%% comment\r\nFROM %%BALENA_ARCH%%\r\nRUN echo %%BALENA_MACHINE_NAME%%\r\n"}),
    _p("cr-only-comment", {"Dockerfile.template": "# header\rFROM %%NOPE%%\rRUN x\r"}),
    _p("cr-only", {"Dockerfile.template": "FROM %%BALENA_ARCH%%\rRUN %%BALENA_MACHINE_NAME%%\r"}),
    _p("bom-comment", {"Dockerfile.template": "\ufeff# %%NOPE%%\nFROM x\n"}),
    _p("bom-substituted", {"Dockerfile.template": "\ufeff# arch %%BALENA_ARCH%%\nFROM x\n"}),
    _p("quotes-and-backslashes", {"Dockerfile.template":
        "RUN echo 'it''s' \"q\" \\n \\\\ %%BALENA_ARCH%% \\\nFROM a\u2028b %%BALENA_ARCH%%\n"}),
    _p("unicode", {"Dockerfile.template": "LABEL name=\"caf\u00e9 \U0001f680 %%BALENA_ARCH%%\"\n"}),
    _p("invalid-utf8", {"Dockerfile.template": b"FROM \xff\xfe %%BALENA_ARCH%%\nRUN \xc3\n",
                        "Dockerfile": b"FROM \xff\n"}),
    _p("invalid-utf8-plain", {"Dockerfile": b"FROM debian\nRUN echo \xe9t\xe9\n"}),
    _p("empty-template", {"Dockerfile.template": ""}),
    _p("no-trailing-newline", {"Dockerfile.template": "FROM %%BALENA_ARCH%%"}),
    _p("undefined-in-arch-file", {"Dockerfile.armv7hf": "FROM %%NOT_DEFINED_ANYWHERE%%\n",
                                  "Dockerfile.amd64": "FROM ok\n", "Dockerfile": "FROM x\n"}),
    _p("unterminated-delimiter", {"Dockerfile.template": "RUN echo <%\nFROM %%BALENA_ARCH%% %>\n"}),
    _p("js-evaluate", {"Dockerfile.template": "FROM x\nRUN echo <% print('hi') %>\n"},
       expect="js-code"),
    _p("js-escape", {"Dockerfile.template": "FROM <%- '<a>' %>\n"}, expect="js-code"),
    _p("js-equals-syntax-error", {"Dockerfile.template": "FROM <%= x %>\n"}, expect="js-code"),
    _p("js-global", {"Dockerfile.template": "FROM %%JSON%%\n"}, expect="js-code"),
    _p("js-in-comment-ok", {"Dockerfile.template": "# <% process.exit(1) %>\nFROM %%BALENA_ARCH%%\n"}),
)
