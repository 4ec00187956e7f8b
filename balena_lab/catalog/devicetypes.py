"""balena's device types: the catalogue, lookup by slug or alias, search, and arch compatibility.

The data is ``data/device-types.yaml`` (a trimmed copy of the contracts-based
catalogue in ``shared/data``); this module turns it into values.

:func:`search_device_types` finds what people type, not only slugs: names
and aliases in any case and spacing (``raspberry pi 4``, ``RaspberryPi3``),
and the short forms every Pi owner uses (``rpi4``, ``pi4``), ranked so that
the device the words name comes first (``raspberrypi4-64`` before
``raspberrypi4-unipi-neuron``).  It is written here rather than with a fuzzy
matching library because the ranking is about the catalogue's own word
structure (a slug's dash-separated parts, a name's words); :mod:`difflib`
only serves as the last resort for typos.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass

from .. import _data
from ..errors import UnknownDeviceTypeError


@dataclass(frozen=True)
class DeviceType:
    """One balena device type (the value ``%%BALENA_MACHINE_NAME%%`` takes is its slug)."""

    slug: str
    name: str
    arch: str
    aliases: tuple[str, ...] = ()
    supported: bool = False
    # Inferred from the docs' device lists, not an official flag; None means unknown.
    discontinued: bool | None = None

    def can_run(self, image_arch: str) -> bool:
        """True when a device of this type can run images built for ``image_arch``."""
        return arch_can_run(self.arch, image_arch)


@functools.cache
def _catalogue() -> tuple[dict[str, DeviceType], dict[str, str]]:
    raw = _data.load("device-types.yaml")["device_types"]
    by_slug: dict[str, DeviceType] = {}
    for entry in raw:
        fields = dict(entry)
        fields["aliases"] = tuple(fields.get("aliases") or ())
        by_slug[entry["slug"]] = DeviceType(**fields)
    aliases: dict[str, str] = {}
    for device in by_slug.values():
        for alias in device.aliases:
            # A slug always wins over an alias of another type; first alias wins ties.
            if alias not in by_slug:
                aliases.setdefault(alias, device.slug)
    return by_slug, aliases


def all_device_types() -> dict[str, DeviceType]:
    """Every device type of the catalogue, by slug, in the data file's order."""
    return dict(_catalogue()[0])


def find_device_type(slug_or_alias: str) -> DeviceType | None:
    """The device type with this slug or alias, or None (cheap: no suggestions)."""
    by_slug, aliases = _catalogue()
    slug = slug_or_alias if slug_or_alias in by_slug else aliases.get(slug_or_alias)
    return by_slug[slug] if slug is not None else None


def get_device_type(slug_or_alias: str) -> DeviceType:
    """The device type with this slug or alias.

    Raises :class:`UnknownDeviceTypeError` naming the device types that
    :func:`search_device_types` finds for the text otherwise.
    """
    found = find_device_type(slug_or_alias)
    if found is not None:
        return found
    close_slugs = [device.slug for device in search_device_types(slug_or_alias)[:5]]
    hint = f" Did you mean {', '.join(close_slugs)}?" if close_slugs else ""
    search = f"balena-lab devices {_shell_word(slug_or_alias)}" if close_slugs else "balena-lab devices"
    raise UnknownDeviceTypeError(
        f"unknown device type {slug_or_alias!r}.{hint}",
        name=slug_or_alias,
        suggestions=tuple(close_slugs),
        fix=f"{search} lists the device types {'that match' if close_slugs else 'of balena'}",
    ).with_notebook_fix("use a device type slug such as raspberrypi4-64: "
                        "balena_lab.catalog.devicetypes.search_device_types('pi 4') finds them")


#: What people type for "Raspberry Pi" as a first word: ``rpi4``, ``pi 4``, ``rpi-zero``.
_SHORT_FORMS = {"rpi": ["raspberry", "pi"], "pi": ["raspberry", "pi"]}
#: Letters and digits, each run a word: ``rpi4`` is ``rpi``, ``4``.
_WORD = re.compile(r"[a-z]+|[0-9]+")


def _words(text: str) -> list[str]:
    words = _WORD.findall(text.lower())
    if words and words[0] in _SHORT_FORMS:
        words[:1] = _SHORT_FORMS[words[0]]
    return words


def _prefixes(words: list[str]) -> list[str]:
    """Each leading run of ``words``, squashed: ``raspberry pi 4`` gives ``raspberry``,
    ``raspberrypi``, ``raspberrypi4``."""
    return ["".join(words[:count]) for count in range(1, len(words) + 1)]


@functools.cache
def _search_keys() -> tuple[tuple[DeviceType, tuple[tuple[str, ...], ...], str], ...]:
    """Per device type: the word lists of its slug, aliases and name, and all of them as
    one lower-case text (for the substring search)."""
    keys = []
    for device in _catalogue()[0].values():
        spellings = (device.slug, *device.aliases, device.name)
        keys.append((device, tuple(tuple(_WORD.findall(text.lower())) for text in spellings),
                     " ".join(text.lower() for text in spellings)))
    return tuple(keys)


def search_device_types(query: str = "", arch: str | None = None) -> list[DeviceType]:
    """The device types ``query`` names, best first, only of ``arch`` if given.

    An empty query gives every device type in the catalogue's order.  Otherwise, in
    this order: a slug, alias or name that is the query whatever its case and spacing;
    one whose leading words are the query's (``pi4``: ``raspberrypi4-64``), fewest words
    left over first, then supported before not; one that contains the query; and only
    one whose words include the query's words in order (``rpi zero``: the Pi Zero); and
    only when nothing else matched, the slugs closest to it as a typo.
    """
    candidates = [entry for entry in _search_keys() if not arch or entry[0].arch == arch]
    needle = unicodedata.normalize("NFKC", query).strip().lower()
    if not needle:
        return [device for device, _, _ in candidates]
    wanted = "".join(_words(needle))
    ranked: list[tuple[tuple[int, int, bool, int], DeviceType]] = []
    for order, (device, spellings, text) in enumerate(candidates):
        best: tuple[int, int] | None = None
        for words in spellings:
            squashed = _prefixes(list(words))
            if wanted and wanted in squashed:
                left = len(words) - 1 - squashed.index(wanted)
                rank = (0 if left == 0 else 1, left)
                best = rank if best is None else min(best, rank)
        if best is None:
            typed = _words(needle)
            fits = [len(words) - len(typed) for words in spellings if _in_order(typed, words)]
            if typed and fits:  # "rpi zero": the words of "Raspberry Pi (v1 / Zero / Zero W)"
                best = (2, min(fits))
        if best is None and (needle in text or (wanted and wanted in text.replace(" ", ""))):
            best = (3, 0)
        if best is not None:
            ranked.append(((*best, not device.supported, order), device))
    if ranked:
        return [device for _, device in sorted(ranked, key=lambda item: item[0])]
    slugs = {device.slug: device for device, _, _ in candidates}
    names = {alias: device for device, _, _ in candidates for alias in device.aliases}
    names.update(slugs)
    close = difflib.get_close_matches(needle, list(names), n=5, cutoff=0.6)
    return list({names[name].slug: names[name] for name in close}.values())


def _in_order(typed: list[str], words: tuple[str, ...]) -> bool:
    """Whether every typed word is one of ``words``, in the same order."""
    remaining = iter(words)
    return all(any(word == candidate for candidate in remaining) for word in typed)


def _shell_word(text: str) -> str:
    return text if re.fullmatch(r"[A-Za-z0-9._-]+", text) else "'" + text.replace("'", "'\\''") + "'"


def arch_compatibility() -> dict[str, tuple[str, ...]]:
    """For each device arch, the other image arches it can also run."""
    runs = _data.load("device-types.yaml")["arch_compatibility"]["runs"]
    return {arch: tuple(others) for arch, others in runs.items()}


ARCH_COMPATIBILITY_SOURCE = (
    "balena-io/balena-sdk archCompatibilityMap / isOsArchitectureCompatibleWith: "
    "aarch64 devices also run armv7hf and rpi images, armv7hf devices also run rpi images"
)


def arch_can_run(device_arch: str, image_arch: str) -> bool:
    """True when a device of ``device_arch`` can run images built for ``image_arch``.

    This is the rule the balena API applies when a device joins a fleet: the
    fleet's arch (what ``%%BALENA_ARCH%%`` and the images are) must be the
    device's own arch or one it is backwards compatible with.
    """
    return device_arch == image_arch or image_arch in arch_compatibility().get(device_arch, ())


def device_types_by_arch() -> dict[str, list[DeviceType]]:
    """Every device type grouped by arch, arches in first-seen order."""
    groups: dict[str, list[DeviceType]] = {}
    for device in _catalogue()[0].values():
        groups.setdefault(device.arch, []).append(device)
    return groups
