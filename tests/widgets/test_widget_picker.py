"""The device type picker: search, arch filter, value and arch, without a browser."""

from __future__ import annotations

from balena_lab.widgets import DeviceTypePicker


def test_starts_on_the_given_device_type_and_shows_its_arch() -> None:
    picker = DeviceTypePicker("raspberrypi3")
    assert picker.value == "raspberrypi3"
    assert picker.arch == "armv7hf"
    assert picker.select.value == "raspberrypi3"
    assert "armv7hf" in picker.info.value
    assert any("· armv7hf" in label for label, _ in picker.select.options)


def test_an_alias_becomes_the_slug() -> None:
    picker = DeviceTypePicker("raspberrypi3")
    picker.value = "raspberry-pi2"
    assert picker.value == "raspberry-pi2" and picker.select.value == "raspberry-pi2"


def test_search_by_name_narrows_the_list_and_picks_a_match() -> None:
    picker = DeviceTypePicker("raspberrypi3")
    picker.search.value = "Intel NUC"
    slugs = [slug for _, slug in picker.select.options]
    assert slugs == ["intel-nuc"]
    assert picker.value == "intel-nuc" and picker.arch == "amd64"


def test_search_by_slug_keeps_the_current_device_type_when_it_still_matches() -> None:
    picker = DeviceTypePicker("raspberrypi4-64")
    picker.search.value = "raspberrypi"
    assert picker.value == "raspberrypi4-64"
    assert len(picker.select.options) > 3


def test_arch_filter_shows_only_that_arch() -> None:
    picker = DeviceTypePicker("raspberrypi3")
    picker.arch_filter.value = "aarch64"
    assert picker.arch == "aarch64"
    assert all(label.endswith("· aarch64") for label, _ in picker.select.options)


def test_no_match_keeps_the_current_device_type() -> None:
    picker = DeviceTypePicker("raspberrypi3")
    picker.search.value = "no such board"
    assert picker.value == "raspberrypi3"
    assert "0 match(es)" in picker.info.value


def test_setting_a_value_outside_the_filter_clears_the_filter() -> None:
    picker = DeviceTypePicker("raspberrypi3")
    picker.arch_filter.value = "amd64"
    picker.value = "raspberrypi3"
    assert picker.arch_filter.value == "" and picker.select.value == "raspberrypi3"


def test_choosing_in_the_dropdown_sets_the_value() -> None:
    picker = DeviceTypePicker("raspberrypi3")
    picker.select.value = "genericx86-64-ext"
    assert picker.value == "genericx86-64-ext" and picker.arch == "amd64"
