"""The masterclass widgets: layout and wiring only, every answer comes from the engine.

::

    from balena_lab.lessons.projects import masterclass_project
    from balena_lab.widgets import BuildPanel, DeviceTypePicker, TemplateView, link
    picker = DeviceTypePicker("raspberrypi4-64")
    view = TemplateView(masterclass_project("template-arch"))
    panel = BuildPanel(masterclass_project("template-arch"), stand_ins=True)
    link(picker, view, panel)     # view.device_type and panel.device_type follow picker.value
    picker; view; panel

Every view has a ``device_type`` trait (a slug) and an ``arch`` trait (``""``:
the device type's own) and recomputes on change, in well under a second:
resolving a project takes about a tenth of a millisecond. The build panel reads
both when a build starts, and tags the image for them.

- :class:`DeviceTypePicker`: search by name, slug or alias, filter by arch, shows the arch;
- :class:`TemplateView`: the template and its result side by side, substitutions marked;
- :class:`PrecedenceView`: the candidate files, the winner and why;
- :class:`BuildPanel`: a Build button, progress over the steps, the live log, the
  result table and the container's output;
- :class:`LintPanel`: an editable Dockerfile, linted and explained as you type;
- :class:`ResetButton`: a lesson's scratch project back as it started;
- :class:`DeviceView`: a release applied as the Supervisor applies it, the containers
  before and after, and the update's events;
- :class:`PresenterMode`: one switch for large, left-aligned text, for a projector.
"""

from __future__ import annotations

from typing import Any

import traitlets

from .build import BuildPanel
from .device import DeviceView
from .lint import LintPanel
from .picker import DeviceTypePicker
from .precedence import PrecedenceView
from .presenter import PresenterMode
from .reset import ResetButton
from .template import TemplateView


def link(picker: DeviceTypePicker, *views: Any) -> list[traitlets.dlink]:
    """Make every view's ``device_type`` follow the picker's value (one-way)."""
    return [traitlets.dlink((picker, "value"), (view, "device_type")) for view in views]


__all__ = ["BuildPanel", "DeviceTypePicker", "DeviceView", "LintPanel", "PrecedenceView",
           "PresenterMode", "ResetButton", "TemplateView", "link"]
