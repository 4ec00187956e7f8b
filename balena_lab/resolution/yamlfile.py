"""Reading a docker-compose.yml safely: bounded in size, depth and alias expansion.

A compose file is input from anyone (a learner's answer, a project off the
internet), so reading it must end in bounded time and memory with a typed
error, never a traceback:

- at most :data:`MAX_BYTES` of text;
- PyYAML's safe loader, with a mapping key twice an error (balena's parser,
  compose-go, refuses duplicate keys; PyYAML would keep the last one silently),
  and every key text;
- the document as aliases expand it at most :data:`MAX_NODES` values: a
  "billion laughs" file of 400 bytes would otherwise expand to gigabytes the
  moment anything walks or prints it, and a recursive alias never ends;
- numbers longer than Python converts (4,300 digits) are refused with the line.

Written on top of PyYAML because no YAML library offers these limits; the
loader itself is PyYAML's.
"""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any

import yaml

from ..errors import ComposeError

MAX_BYTES = 1 << 20  # 1 MiB: balena's own examples are a few hundred bytes
MAX_NODES = 100_000  # values in the document with every alias expanded


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing duplicate and non-text mapping keys."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Hashable, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # <<: *base, merged by PyYAML
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if not isinstance(key, str):
                raise ComposeError(f"line {line}: the key {key!r} must be text (write it in "
                                   "quotes)", fix=f"write '{key}' in quotes")
            if key in seen:
                raise ComposeError(f"line {line}: the key {key!r} is there twice (first at line "
                                   f"{seen[key]}); balena's parser refuses that",
                                   fix="keep one of them")
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def read_compose_yaml(path: Path) -> Any:
    """The document in ``path``; :class:`ComposeError` naming the file for anything a
    compose file must not be (too big, not YAML, too deep, expanding without bound)."""
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as error:
        raise ComposeError(f"cannot read: {error.strerror}", path=path) from None
    if len(raw) > MAX_BYTES:
        raise ComposeError(f"larger than {MAX_BYTES >> 20} MiB: not a compose file balena "
                           "could use", path=path)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ComposeError(f"not valid UTF-8 (byte {error.start})", path=path) from None
    try:
        document = yaml.load(text, Loader=_Loader)
    except ComposeError as error:
        raise ComposeError(error.message, path=path, fix=error.fix) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise ComposeError(f"not valid YAML{where}: {getattr(error, 'problem', error)}",
                           path=path) from None
    except RecursionError:
        # PyYAML composes nodes recursively: thousands of nested [ or { exhaust the stack.
        raise ComposeError("nested too deeply to read (thousands of levels of [ or {): no "
                           "compose file balena could use is shaped like that", path=path,
                           fix="flatten the nesting") from None
    except ValueError:  # Python converts integers of at most 4,300 digits
        raise ComposeError("a value cannot be read: a number of more than 4,300 digits",
                           path=path) from None
    _check_expansion(document, path)
    return document


def _check_expansion(document: Any, path: Path) -> None:
    """Refuse an alias that contains itself, then walk the document as its aliases expand
    it and stop at :data:`MAX_NODES` values."""
    if _has_cycle(document):
        raise ComposeError("an alias (*name) contains itself: the document never ends",
                           path=path, fix="remove the recursive alias")
    count = 0
    stack = [document]
    while stack:
        value = stack.pop()
        count += 1
        if count > MAX_NODES:
            raise ComposeError(f"more than {MAX_NODES:,} values once its aliases (*name) are "
                               "expanded (a \"billion laughs\" file?): not a compose file "
                               "balena could use", path=path, fix="write fewer aliases")
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)


def _has_cycle(document: Any) -> bool:
    """Whether a mapping or list contains itself (depth-first, each object once)."""
    done: set[int] = set()
    active: set[int] = set()
    stack: list[tuple[Any, bool]] = [(document, False)]
    while stack:
        value, leaving = stack.pop()
        if not isinstance(value, dict | list):
            continue
        key = id(value)
        if leaving:
            active.discard(key)
            done.add(key)
            continue
        if key in active:
            return True
        if key in done:
            continue
        active.add(key)
        stack.append((value, True))
        children = value.values() if isinstance(value, dict) else value
        stack.extend((child, False) for child in children)
    return False
