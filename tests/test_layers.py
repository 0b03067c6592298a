"""The layer contract (DESIGN.md "Layers"), checked by import-linter with the contracts in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

from importlinter import configuration
from importlinter.application import use_cases

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"


def test_imports_only_point_down(capsys):
    configuration.configure()  # what the lint-imports command does first: readers, printer, graph builder
    kept = use_cases.lint_imports(config_filename=str(PYPROJECT), cache_dir=None, no_logo=True)
    report = capsys.readouterr().out
    assert kept, f"An import breaks the layer contract (DESIGN.md \"Layers\"):\n{report}"


def test_every_package_is_under_the_contract():
    config = tomllib.loads(PYPROJECT.read_text())
    packages = {name.split(".")[0] for name in config["tool"]["setuptools"]["packages"]}
    checked = set(config["tool"]["importlinter"]["root_packages"])
    assert packages == checked, (
        "[tool.importlinter] root_packages must list every package in [tool.setuptools] packages, "
        f"and give a new one its line in the layers: missing {sorted(packages - checked)}, "
        f"extra {sorted(checked - packages)}"
    )


def test_core_holds_no_pages():
    """Staff and admin pages live in the staff package: core has services and shared parts, never a blueprint."""
    core = PYPROJECT.parent / "core"
    pages = [str(path.relative_to(core.parent)) for path in core.rglob("*.py") if "Blueprint(" in path.read_text()]
    assert pages == [], f"core must hold no pages; move these to a package of their own: {pages}"
