"""The device type picker: search by name or slug, filter by arch, see the arch."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w
import traitlets

from ..catalog import devicetypes


def _label(device: devicetypes.DeviceType) -> str:
    return f"{device.name} ({device.slug}) · {device.arch}"


class DeviceTypePicker(w.VBox):  # type: ignore[misc]  # ipywidgets is untyped
    """Pick a device type. ``value`` is its slug; ``arch`` its arch (read-only).

    Typing in ``search`` or choosing an arch in ``arch_filter`` narrows the
    list; when the current device type drops out of it, the first match is
    chosen (an empty result keeps the current one).
    """

    value = traitlets.Unicode()
    arch = traitlets.Unicode(read_only=True)

    def __init__(self, value: str = "raspberrypi4-64", **kwargs: Any) -> None:
        self.search = w.Text(placeholder="search: name, slug or alias", description="Search",
                             continuous_update=True, layout=w.Layout(width="320px"))
        arches = list(devicetypes.device_types_by_arch())
        self.arch_filter = w.Dropdown(options=[("every arch", ""), *[(a, a) for a in arches]],
                                      value="", description="Arch",
                                      layout=w.Layout(width="220px"))
        self.select = w.Dropdown(description="Device type", layout=w.Layout(width="560px"),
                                 style={"description_width": "initial"})
        self.select.add_class("balena-lab-device-type")
        self.info = w.HTML()
        super().__init__([w.HBox([self.search, self.arch_filter]), self.select, self.info],
                         **kwargs)
        self.add_class("balena-lab-picker")
        self._ready = False
        self.value = devicetypes.get_device_type(value).slug
        self._refilter()
        self._ready = True
        self._show(devicetypes.get_device_type(self.value))
        self.search.observe(lambda _: self._refilter(), "value")
        self.arch_filter.observe(lambda _: self._refilter(), "value")
        self.select.observe(self._on_select, "value")

    def _refilter(self) -> None:
        found = devicetypes.search_device_types(self.search.value, self.arch_filter.value or None)
        options = [(_label(d), d.slug) for d in found]
        if not options:
            current = devicetypes.get_device_type(self.value)
            options = [(_label(current), current.slug)]
        slugs = [slug for _, slug in options]
        self._busy = True
        try:
            self.select.options = options
            self.select.value = self.value if self.value in slugs else slugs[0]
        finally:
            self._busy = False
        self._matches = len(found)
        self._on_select()
        if getattr(self, "_ready", False):
            self._show(devicetypes.get_device_type(self.value))

    def _on_select(self, _: Any = None) -> None:
        if self.select.value is not None and not getattr(self, "_busy", False):
            self.value = self.select.value

    @traitlets.observe("value")
    def _on_value(self, change: dict[str, Any]) -> None:
        device = devicetypes.get_device_type(change["new"])
        if device.slug != change["new"]:
            self.value = device.slug
            return
        self.set_trait("arch", device.arch)
        if not getattr(self, "_ready", False):
            return
        if self.select.value != device.slug:
            if device.slug not in [slug for _, slug in self.select.options]:
                self.search.value = ""
                self.arch_filter.value = ""
            self.select.value = device.slug
        self._show(device)

    def _show(self, device: devicetypes.DeviceType) -> None:
        self.info.value = (
            f"<span class='balena-lab-arch'><b>{html.escape(device.name)}</b>: slug "
            f"<code>{html.escape(device.slug)}</code>, arch <code>{html.escape(device.arch)}"
            f"</code></span> · {self._matches} match(es)")
