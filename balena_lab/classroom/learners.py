"""The learners of a class server: one system account each.

JupyterHub's local-process spawner starts each learner's Jupyter server as
that learner's own system user, so a class on one server needs, per learner:

- an account (JupyterHub logs them in with its password, through PAM);
- membership of the engine's group (``docker``): their builds run on the one
  engine the class shares;
- a home folder only they can read (mode 700: Debian's default lets every
  user read every home);
- membership of the class group (:data:`GROUP`): JupyterHub admits its
  members; :func:`remove` deletes only the accounts :func:`add` made (their
  comment is :data:`COMMENT`), and only takes an adopted account out of the
  class.  System accounts (uid below 1000, root) are never learners.

A learner's name is their namespace (:func:`~..engine.names.namespace`): every
image, container and volume they make is named after it.  So a name must
already be a valid namespace (lower-case letters and digits joined by single
dashes, starting with a letter, at most 32 characters), which makes two
learners sharing a namespace (``ann_lee`` and ``ann-lee``) impossible.

Accounts are made with the shadow suite's ``useradd``, ``usermod``,
``userdel`` and ``chpasswd``, as a system administrator would: no Python
library manages system accounts, and these are what every Debian has.
"""

from __future__ import annotations

import grp
import os
import pwd
import re
import secrets
import subprocess
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from ..engine.names import name_component
from ..errors import ClassroomError

#: The class group: JupyterHub admits its members; :func:`remove` touches only them.
GROUP = "balena-lab-learners"
#: The engine's group: its members may use the Docker socket.
ENGINE_GROUP = "docker"

_NAME = re.compile(r"[a-z][a-z0-9-]{0,31}")
#: The comment (GECOS field) of the accounts :func:`add` makes: :func:`remove` deletes
#: only those; an account it adopted is only taken out of the class.
COMMENT = "balena-lab learner"
#: The lowest uid of a person's account (Debian's UID_MIN): below are system accounts.
UID_MIN = 1000


@dataclass(frozen=True)
class Learner:
    """One learner's account: ``password`` only when :func:`add` has just set it."""

    name: str
    uid: int
    gid: int
    home: Path
    password: str | None = None
    created: bool = False


def check_name(name: str) -> str:
    """``name`` if it is a valid learner name (and so its own namespace), else ClassroomError."""
    if not _NAME.fullmatch(name) or name_component(name, "") != name:
        raise ClassroomError(
            f"{name!r} is not a learner name: use lower-case letters, digits and single "
            "dashes, starting with a letter, at most 32 characters (it names the learner's "
            "images, so it must be one)", fix="e.g. ann-lee")
    return name


def require_root(action: str) -> None:
    """ClassroomError unless this process is root (accounts and spawning need it)."""
    if os.geteuid() != 0:
        raise ClassroomError(f"{action} needs root", fix="run it with sudo")


def account(name: str) -> Learner:
    """The system account of learner ``name``; ClassroomError if there is none or it is no learner's."""
    try:
        entry = pwd.getpwnam(name)
    except KeyError:
        raise ClassroomError(f"there is no system user {name!r} on this server",
                             fix=f"balena-lab class add {name}") from None
    learner = Learner(entry.pw_name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir))
    if entry.pw_uid < UID_MIN:
        raise ClassroomError(f"{name!r} is a system account (uid {entry.pw_uid}), not a learner's")
    missing = [group for group in (GROUP, ENGINE_GROUP) if not _member(learner, group)]
    if missing:
        raise ClassroomError(
            f"{name!r} is not a learner of this class: not in group {', '.join(missing)}",
            fix=f"balena-lab class add {name}")
    return learner


def learners() -> list[Learner]:
    """Every learner of this server (the members of :data:`GROUP`), by name."""
    try:
        members = grp.getgrnam(GROUP).gr_mem
    except KeyError:
        return []
    found = []
    for name in sorted(members):
        try:
            found.append(account(name))
        except ClassroomError:
            continue  # a member without the engine's group is not a working learner
    return found


def add(names: Sequence[str], *, set_passwords: bool = True) -> list[Learner]:
    """Make (or complete) the accounts of ``names``; return them, new passwords included.

    An existing account is only added to the groups: its password and home
    are left as they are.  A new one gets a home, ``/bin/bash`` and, with
    ``set_passwords``, a random password to hand to the learner (JupyterHub
    logs them in with it, through PAM).  Every name is checked before any
    account changes.
    """
    for name in names:
        check_name(name)
    require_root("adding learners")
    _require_group(ENGINE_GROUP, fix="install the engine first: make engine")
    if not _group_exists(GROUP):
        _tool(["groupadd", "--system", GROUP])
    made: list[Learner] = []
    for name in dict.fromkeys(names):
        try:
            existing = pwd.getpwnam(name)
        except KeyError:
            created = True
            # HOME_MODE 0700: a learner's workspace is theirs alone to read.
            _tool(["useradd", "--create-home", "--key", "HOME_MODE=0700", "--shell", "/bin/bash",
                   "--comment", COMMENT, "--groups", f"{ENGINE_GROUP},{GROUP}", name])
        else:
            if existing.pw_uid < UID_MIN:
                raise ClassroomError(f"{name!r} is a system account (uid {existing.pw_uid}): "
                                     "it cannot be a learner", fix="choose another name")
            created = False
            _tool(["usermod", "--append", "--groups", f"{ENGINE_GROUP},{GROUP}", name])
        password = None
        if created and set_passwords:
            password = secrets.token_urlsafe(9)
            _tool(["chpasswd"], stdin=f"{name}:{password}\n")
        entry = pwd.getpwnam(name)
        made.append(Learner(name, entry.pw_uid, entry.pw_gid, Path(entry.pw_dir),
                            password=password, created=created))
    return made


def remove(names: Iterable[str], *, keep_home: bool = False) -> list[tuple[str, str]]:
    """Take learners ``names`` out of the class: (name, what was done) for each.

    An account :func:`add` made is deleted, with its home unless ``keep_home``; an
    existing account it adopted is only taken out of the class's group (it was
    someone's before the class).  Refuses, before changing anything, any name that
    is not a learner's (:func:`account`).
    """
    for name in names:
        check_name(name)
    require_root("removing learners")
    chosen = [account(name) for name in dict.fromkeys(names)]
    done = []
    for learner in chosen:
        if pwd.getpwnam(learner.name).pw_gecos.split(",")[0] == COMMENT:
            _tool(["userdel", *([] if keep_home else ["--remove"]), learner.name],
                  ok_codes=(0, 12))  # 12: the home was already gone
            done.append((learner.name, "deleted"))
        else:
            _tool(["gpasswd", "--delete", learner.name, GROUP])
            kept = f"left the class (the account was not made by it: only taken out of {GROUP})"
            done.append((learner.name, kept))
    return done


def _member(learner: Learner, group: str) -> bool:
    try:
        entry = grp.getgrnam(group)
    except KeyError:
        return False
    return learner.name in entry.gr_mem or learner.gid == entry.gr_gid


def _group_exists(group: str) -> bool:
    try:
        grp.getgrnam(group)
        return True
    except KeyError:
        return False


def _require_group(group: str, *, fix: str) -> None:
    if not _group_exists(group):
        raise ClassroomError(f"there is no group {group!r} on this server", fix=fix)


def _tool(argv: list[str], *, stdin: str | None = None, ok_codes: tuple[int, ...] = (0,)) -> None:
    try:
        done = subprocess.run(argv, input=stdin, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise ClassroomError(f"{argv[0]} is not installed",
                             fix="apt-get install passwd (the shadow suite)") from None
    if done.returncode not in ok_codes:
        message = (done.stderr or done.stdout).strip() or f"exit status {done.returncode}"
        raise ClassroomError(f"{' '.join(argv[:1] + argv[-1:])}: {message}")
