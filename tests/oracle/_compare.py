"""How a balena_lab resolution relates to balena's: the same, or a counted known difference.

Shared by the hand-made corpus (``test_oracle.py``) and the generated projects
(``test_generated.py``). :func:`classify` puts one pair of outcomes in a bucket:

- ``same``: identical kind, resolved name and text, or the same error type (and, where
  both say it in the same words, the same message);
- ``js-accident``: balena_lab refused lodash code delimiters or a JavaScript global in a
  template (``<% %>``, ``<%- %>``, ``<%= %>``, ``%%JSON%%``), which balena's builder runs;
- ``page``: a ``package.json`` without ``scripts`` or ``engines.node``: balena_lab follows
  the page (``scripts`` optional, node ``0.10.22`` by default), the current builder fails;
- ``disagree``: anything else, with a sentence saying how.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from balena_lab.errors import ResolutionError, TemplateSyntaxError, TemplateVariableError
from balena_lab.resolution.resolver import Resolution, resolve

# The builder's own TypeErrors on a package.json it cannot read (null, an array, no scripts).
NODE_CRASHES = ("Cannot convert undefined or null to object",
                "Cannot read properties of null (reading 'scripts')",
                "Cannot read properties of null (reading 'engines')")
# Where the page and the builder differ (see corpus.py, expect="page").
PAGE_FAILURES = ("package.json: engines.node must be specified", NODE_CRASHES[0])
_JS_CODE = re.compile(r"<%[\s\S]+?%>|%%(JSON|URL)%%")


def builder_error_type(result: dict[str, Any]) -> str:
    """The balena_lab error type that matches the builder's error."""
    message = result["error"]
    if message == "Could not find a Dockerfile for this service":
        return "no-dockerfile"
    if message.startswith("Specified file not found or is invalid: "):
        return "dockerfile-not-found"
    if result["errorName"] == "DockerfileTemplateVariableError":
        if re.fullmatch(r"[A-Z][A-Z_]+ is not defined", message):
            return "template-variable"
        return "template-syntax"
    if message.startswith("Couldn't satisfy node version"):
        return "node-version"
    if message.startswith("package.json:") or message in NODE_CRASHES:
        return "package-json"
    return f"unexpected: {message}"


def ours(folder: Path, device_type: str, dockerfile: str | None,
         variables: dict[str, str], arch: str | None = None) -> Resolution | ResolutionError:
    try:
        return resolve(folder, device_type, arch, dockerfile=dockerfile, variables=variables)
    except ResolutionError as error:
        return error


def _same(mine: Resolution | ResolutionError, theirs: dict[str, Any]) -> str | None:
    """None when the two outcomes agree exactly; else how they differ."""
    if theirs["error"] is not None:
        if not isinstance(mine, ResolutionError):
            return f"builder failed ({theirs['error']!r}) but balena_lab resolved {mine.kind}"
        if mine.type != builder_error_type(theirs):
            return f"error types differ: balena_lab {mine.type} ({mine.reason!r}), builder " \
                   f"{theirs['error']!r}"
        exact = mine.type in ("no-dockerfile", "dockerfile-not-found", "node-version") or (
            theirs["error"].startswith(("package.json: engines.node",
                                        "package.json: must be a JSON object")))
        # balena_lab quotes a long range short (balena_lab._text.snippet): the rest is the same.
        shortened = mine.reason.endswith("...") and theirs["error"].startswith(mine.reason[:-3])
        if exact and mine.reason != theirs["error"] and not shortened and not (
                theirs["error"] in NODE_CRASHES or mine.reason.startswith(theirs["error"])):
            return f"messages differ: {mine.reason!r} vs {theirs['error']!r}"
        if isinstance(mine, TemplateVariableError) and \
                theirs["error"] != f"{mine.variable} is not defined":
            return f"undefined variables differ: {mine.variable} vs {theirs['error']!r}"
        return None
    if not isinstance(mine, Resolution):
        return f"builder resolved {theirs['kind']} {theirs['name']!r} but balena_lab: " \
               f"{mine.type}: {mine.reason}"
    if (mine.kind, mine.dockerfile_name) != (theirs["kind"], theirs["name"]):
        return f"kind/name differ: {(mine.kind, mine.dockerfile_name)} vs " \
               f"{(theirs['kind'], theirs['name'])}"
    if mine.dockerfile != theirs["contents"]:
        return f"text differs: {mine.dockerfile!r} vs {theirs['contents']!r}"
    if theirs["resolvedName"] is not None and mine.dockerfile_name != theirs["resolvedName"]:
        return f"resolved names differ: {mine.dockerfile_name!r} vs {theirs['resolvedName']!r}"
    return None


def _is_js_code(mine: ResolutionError) -> bool:
    """True when the file balena_lab refused really holds code or a global, off # lines."""
    if mine.path is None:
        return False
    text = Path(mine.path).read_bytes().decode("utf-8", errors="replace")
    return any(_JS_CODE.search(line) for line in text.split("\n") if not line.startswith("#"))


def classify(mine: Resolution | ResolutionError, theirs: dict[str, Any]) -> tuple[str, str | None]:
    """``(bucket, None)`` for same / js-accident / page, ``("disagree", why)`` otherwise."""
    if isinstance(mine, TemplateSyntaxError):
        if _is_js_code(mine):
            return "js-accident", None
        return "disagree", f"balena_lab refused code that is not there: {mine.reason}"
    why = _same(mine, theirs)
    if why is None:
        return "same", None
    if theirs["error"] in PAGE_FAILURES and theirs["kind"] is None and (
            (isinstance(mine, Resolution) and mine.kind == "nodejs" and mine.node is not None
             and any("engines.node must be specified" in d or "crashes" in d
                     for d in mine.node.builder_differences))
            or (isinstance(mine, ResolutionError) and mine.type in ("package-json",
                                                                     "node-version"))):
        return "page", None
    return "disagree", why


def compare(mine: Resolution | ResolutionError, theirs: dict[str, Any], expect: str) -> None:
    """Assert the relation ``expect`` (see corpus.py) between the two outcomes."""
    bucket, why = classify(mine, theirs)
    if expect == "js-code":
        assert bucket == "js-accident", (mine, theirs)
    elif expect == "page":
        assert bucket == "page" and isinstance(mine, Resolution), (mine, theirs)
    else:
        assert bucket == "same", why
