"""Argument types shared by the subcommands; argparse turns their errors into usage errors."""

from __future__ import annotations

import argparse


def key_value(text: str) -> tuple[str, str]:
    """``KEY=VALUE`` (for --var, --build-arg, --env); the value may be empty."""
    key, sep, value = text.partition("=")
    if not sep or not key:
        raise argparse.ArgumentTypeError(f"wants KEY=VALUE, not {text!r}")
    return key, value


def volume(text: str) -> tuple[str, str]:
    """``NAME:/PATH`` for a named volume."""
    name, sep, path = text.partition(":")
    if not sep or not name or not path.startswith("/"):
        raise argparse.ArgumentTypeError(f"wants NAME:/PATH (a named volume), not {text!r}")
    return name, path
