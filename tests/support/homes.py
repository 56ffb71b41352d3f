"""Teller homes for tests, built from the repository's shipped sources only.

A checkout also holds what the console and `teller-admin` write there (`receipts/spool/`,
`db/*.db`, `logs/`, `teller.toml`, all git-ignored). A test home copies the procedure files and
receipt layouts alone, so nothing a person did in the working copy (a test page printed, a
demo shift run) can change what a test sees.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

#: what a home takes from the sources: file patterns per folder (the folders' own sub-folders,
#: such as receipts/spool, are never copied)
SHIPPED = {"scripts_yaml": ("*.yaml", "*.json", "*.md"), "scripts_yaml/scenarios": ("*.yaml", "*.md"),
           "scripts_yaml/cases": ("*.yaml",), "receipts": ("*.yaml",)}


def copy_sources(root: Path, *, source: Path = REPO) -> Path:
    """Put the shipped procedures and layouts of `source` into the home `root`; returns `root`."""
    root.mkdir(parents=True, exist_ok=True)
    for folder, patterns in SHIPPED.items():
        dest = root / folder
        dest.mkdir(parents=True, exist_ok=True)
        for pattern in patterns:
            for path in sorted((source / folder).glob(pattern)):
                if path.is_file():
                    shutil.copy2(path, dest / path.name)
    return root
