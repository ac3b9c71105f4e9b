"""Packaging glue: ship the top-level data folders inside the wheel.

``workbook_templates/`` (pipeline and layout as data) and ``macros/`` (VBA source) sit at the top of
the repository, where people look for them, and install as ``xltrack.workbook_templates`` and
``xltrack.macros``. Everything else is in pyproject.toml.
"""
from setuptools import find_packages, setup

setup(
    packages=find_packages(include=["xltrack", "xltrack.*"]) + ["xltrack.workbook_templates", "xltrack.macros"],
    package_dir={"xltrack.workbook_templates": "workbook_templates", "xltrack.macros": "macros"},
)
