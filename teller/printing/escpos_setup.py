"""python-escpos loaded once, safely and lean: its pickled printer database built by us (atomically,
one folder per install), its logging kept off the console screen, and Pillow and qrcode deferred
until an image is printed. teller.printing.escpos calls `prepare()` before it uses the library.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

LOG = "teller.printing.escpos"  # the module that prints (messages keep its name)

_prepared = False


def capabilities_dir() -> Path:
    """This install's folder for python-escpos's pickled printer database.

    One folder per install (per copy of the library: its folder and version name it), so two
    installs never share, and never half-read, one file. $ESCPOS_CAPABILITIES_PICKLE_DIR wins.
    """
    env = os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR")
    if env:
        return Path(env)
    import hashlib

    source = _capabilities_source()
    key = hashlib.sha256(str(source.resolve() if source else "").encode()).hexdigest()[:12]
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "teller" / "escpos" / key


def _capabilities_source() -> Path | None:
    """The printer database shipped inside python-escpos (found without importing its module)."""
    import importlib.util

    spec = importlib.util.find_spec("escpos")
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(list(spec.submodule_search_locations)[0]) / "capabilities.json"


def capabilities_pickle(folder: Path) -> Path:
    """The file python-escpos reads (the same name its capabilities module builds)."""
    import platform

    return folder / f"{platform.python_version()}.capabilities.pickle"


def ensure_capabilities_cache(folder: Path) -> Path:
    """Build the pickled printer database ourselves, atomically, before python-escpos looks.

    python-escpos opens the pickle for writing before it fills it: a kill at that moment
    left an empty file and every later print failed with EOFError. Here a damaged file
    (empty, truncated, not a printer database) is removed, and a missing or stale one is
    written to a temporary file, flushed and renamed into place, so a reader sees either
    no file or a whole one.
    """
    import pickle

    source = os.environ.get("ESCPOS_CAPABILITIES_FILE") or _capabilities_source()
    target = capabilities_pickle(folder)
    if target.exists():
        try:
            with open(target, "rb") as fh:
                data = pickle.load(fh)
            if not isinstance(data, dict) or "profiles" not in data:
                raise ValueError("not a printer database")
            if source is None or Path(source).stat().st_mtime <= target.stat().st_mtime:
                return target
        except Exception:  # EOFError, UnpicklingError, ValueError...: rebuild it
            logging.getLogger(LOG).warning("printer capabilities cache %s is damaged; rebuilding it", target)
        try:
            target.unlink()
        except FileNotFoundError:
            pass
    if source is None:
        return target
    import json
    import tempfile

    with open(source, encoding="utf-8") as fh:
        data = json.load(fh)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".capabilities-", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            pickle.dump(data, fh, protocol=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return target


def prepare() -> None:
    """Load python-escpos once: its printer database from our cache, its image stack deferred."""
    global _prepared
    if _prepared:
        return
    root = logging.getLogger()
    if not root.handlers:  # keep basicConfig() from adding a stderr handler under the UI
        root.addHandler(logging.NullHandler())
    cache = capabilities_dir()
    try:
        ensure_capabilities_cache(cache)
        os.environ.setdefault("ESCPOS_CAPABILITIES_PICKLE_DIR", str(cache))
    except (OSError, ValueError):  # read-only home, unreadable database: the library uses a temp folder
        logging.getLogger(LOG).warning("printer capabilities cache not written in %s", cache, exc_info=True)
    # escpos.capabilities evaluates mkdtemp() as the default of os.environ.get() even when the
    # pickle folder is set, leaving an empty temp folder per start: hand it our folder instead.
    import tempfile

    real_mkdtemp = tempfile.mkdtemp
    tempfile.mkdtemp = lambda *a, **k: os.environ.get("ESCPOS_CAPABILITIES_PICKLE_DIR") or real_mkdtemp(*a, **k)  # type: ignore[assignment]
    try:
        try:
            import escpos.capabilities  # noqa: F401
        except Exception:  # damaged between our check and its read (another process): once more
            import sys

            for name in [m for m in sys.modules if m == "escpos" or m.startswith("escpos.")]:
                del sys.modules[name]
            try:
                capabilities_pickle(cache).unlink()
            except OSError:
                pass
            ensure_capabilities_cache(cache)
            import escpos.capabilities  # noqa: F401
    finally:
        tempfile.mkdtemp = real_mkdtemp
    _import_without_images()
    _prepared = True


# ---- python-escpos without its image stack -------------------------------------------------
#: What python-escpos imports only to print images (raster images, QR codes drawn as images,
#: software barcodes): Pillow and qrcode. Text, native QR codes, cuts and the cash drawer
#: never touch them, and they cost a tenth of the console's memory (and 0.1 s) at import.
IMAGE_STACK = ("PIL", "qrcode")


class _OnFirstUse:
    """Import finder: modules of IMAGE_STACK imported while python-escpos loads are created
    empty and executed on first attribute access (importlib.util.LazyLoader), so they load
    only when an image is printed. Other modules, and imports after the window, are untouched."""

    def find_spec(self, name, path, target=None):
        import importlib.util
        import sys

        if name.split(".")[0] not in IMAGE_STACK:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                    spec.loader = importlib.util.LazyLoader(spec.loader)
                return spec
        return None


def _import_without_images() -> None:
    """Import python-escpos's printer classes with the image stack deferred to first use.

    Pillow's and qrcode's modules are made lazy (_OnFirstUse). One module would still load
    Pillow at once: `escpos.image`, whose annotations name `PIL.Image.Image` and are evaluated
    as it loads. While `escpos.escpos` loads, a stand-in takes its place; the stand-in's
    `EscposImage` imports the real module when an image is first printed, and puts the real
    class in the library's place for the images after it (tests/test_light.py prints one)."""
    import sys
    import types

    if "escpos.escpos" in sys.modules or "PIL.Image" in sys.modules:
        return  # already imported, or Pillow is loaded anyway: nothing to save

    class EscposImage:  # noqa: D401 - stands for escpos.image.EscposImage until first used
        def __new__(cls, *args, **kwargs):
            if sys.modules.get("escpos.image") is stand_in:
                del sys.modules["escpos.image"]
            import escpos.escpos
            import escpos.image

            escpos.escpos.EscposImage = escpos.image.EscposImage
            return escpos.image.EscposImage(*args, **kwargs)

    stand_in = types.ModuleType("escpos.image", "python-escpos's image module, imported when an image is printed")
    stand_in.EscposImage = EscposImage
    finder = _OnFirstUse()
    sys.modules.setdefault("escpos.image", stand_in)
    sys.meta_path.insert(0, finder)
    try:
        import escpos.printer  # noqa: F401 - the printer classes, Dummy included
    finally:
        sys.meta_path.remove(finder)
        if sys.modules.get("escpos.image") is stand_in:
            del sys.modules["escpos.image"]  # a later `import escpos.image` gets the real module
