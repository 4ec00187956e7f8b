"""balena_lab.errors: one tree; a fix worded for the command line and for a notebook."""

from __future__ import annotations

import pytest

from balena_lab.catalog.devicetypes import get_device_type
from balena_lab.errors import BalenaLabError, TemplateVariableError, UnknownDeviceTypeError
from balena_lab.resolution.templates import builtin_variables, render


def test_a_notebook_gets_its_own_fix_and_the_cli_keeps_its_flag() -> None:
    with pytest.raises(TemplateVariableError) as caught:
        render("FROM %%MY_BASE%%\n", builtin_variables("raspberrypi3", "armv7hf"))
    assert "--var MY_BASE=VALUE" in str(caught.value)
    assert "--var" not in caught.value.for_notebook()
    assert "%%BALENA_ARCH%%" in caught.value.for_notebook()


def test_a_typo_gets_did_you_mean_in_both() -> None:
    with pytest.raises(TemplateVariableError) as caught:
        render("FROM %%BALENA_MACHINE_NAM%%\n", builtin_variables("raspberrypi3", "armv7hf"))
    for text in (str(caught.value), caught.value.for_notebook()):
        assert "did you mean %%BALENA_MACHINE_NAME%%?" in text
    with pytest.raises(UnknownDeviceTypeError) as device:
        get_device_type("raspberrypi4-46")
    assert "Did you mean raspberrypi4-64" in device.value.for_notebook()
    assert "balena-lab devices" in str(device.value)
    assert "balena-lab devices" not in device.value.for_notebook()


def test_without_a_notebook_fix_the_fix_is_the_same() -> None:
    error = BalenaLabError("broken", fix="mend it")
    assert error.for_notebook() == str(error) == "broken\n  fix: mend it"


def test_every_error_has_a_json_form_named_after_its_class() -> None:
    from balena_lab.errors import EngineUnreachable, UnreadableInputError

    assert UnreadableInputError("no such file", path="x").to_dict() == {
        "type": "unreadable-input", "message": "x: no such file"}
    assert EngineUnreachable("gone", fix="start it").to_dict() == {
        "type": "engine-unreachable", "message": "gone", "fix": "start it"}
