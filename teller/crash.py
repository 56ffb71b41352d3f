"""The one handler for unexpected errors, in the console and in teller-admin.

Nobody at a counter ever reads a traceback: the clerk (or the operator) gets one short line
in the UI language with a reference, and the details go to `<home>/logs/teller-errors.log`
under that reference. The details are a plain traceback, never local variables (Textual's
and Rich's crash renderers print them: a new service password, an ID number and a full
name appeared on screen that way), and secrets are masked in what is written:

- 18-character ID numbers (17 digits and a digit or X), wherever they appear;
- any 6-digit number standing alone (service passwords and PINs are 6 digits or fewer);
- the values the run knows as secrets (`remember_secret`, or `secrets=` of `report`):
  passwords and PINs typed, ID numbers, names;
- the value after anything named like password / pin (`password='…'`, `"pin": "…"`);
- SQLAlchemy's `[parameters: …]` list (it carries the row being written).

No Textual import here: the app calls `report` from its own exception hook
(teller/ui/app.py); the CLI runs through `run_cli`; anything else through `install()`.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterable

LOG_NAME = "teller-errors.log"
LOG_MAX_BYTES = 5 * 1024 * 1024  # then it moves to teller-errors.log.1 (one old file kept)
EXIT_CRASH = 70  # EX_SOFTWARE: an internal error, not the user's input

MASK = "******"
_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_SIX_RE = re.compile(r"(?<![\d.])\d{6}(?![\d.])")
_NAMED_RE = re.compile(
    r"""(?ix)
    (\b(?:\w*(?:password|passwd|pwd)\w*|(?:\w*_)?pin(?:_\w*)?)['"]?\s*[:=]\s*)   # password=, "pin": , old_password :
    (?:'[^']*'|"[^"]*"|[^\s,;)}\]]+)                             # its value
    """
)
_PARAMS_RE = re.compile(r"\[parameters: .*?\](?=\s*(?:\n|\(Background|$))", re.S)
_SECRET_KEY_RE = re.compile(r"(?i)pass|pwd|pin|id_number|^name$|holder_name|_name$|owner")

_known: set[str] = set()
_home: Path | None = None
_lock = threading.Lock()


# ---- what is secret ------------------------------------------------------------------------------
def remember_secret(*values: object) -> None:
    """Values this process must never write out (a PIN typed, a password, an ID number)."""
    for value in values:
        if isinstance(value, str) and value.strip():
            _known.add(value.strip())


def secrets_in(answers: dict[str, Any] | None) -> set[str]:
    """The answers of a run whose names say they are secret or personal (password, pin, ID, name)."""
    found: set[str] = set()
    for key, value in (answers or {}).items():
        if isinstance(value, str) and value.strip() and _SECRET_KEY_RE.search(str(key)):
            found.add(value.strip())
    return found


def secrets_of_person(person: Any) -> set[str]:
    """A customer's (or clerk's) name and ID number, when a run holds one."""
    found: set[str] = set()
    for attr in ("name", "id_number"):
        value = getattr(person, attr, None)
        if isinstance(value, str) and len(value.strip()) >= 2:
            found.add(value.strip())
    return found


def mask(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every secret it may hold replaced by ******."""
    text = _PARAMS_RE.sub("[parameters: (hidden)]", text)
    for value in sorted({*_known, *(s for s in secrets if isinstance(s, str))}, key=len, reverse=True):
        value = value.strip()
        if len(value) >= 2:
            text = text.replace(value, MASK)
    text = _ID_RE.sub("[ID]", text)
    text = _NAMED_RE.sub(lambda m: m.group(1) + MASK, text)
    return _SIX_RE.sub(MASK, text)


# ---- where it goes -------------------------------------------------------------------------------
def set_home(home: Path | str | None) -> None:
    """The teller home whose logs/ folder receives the reports (the settings' home)."""
    global _home
    _home = Path(home) if home else None


def log_path(home: Path | str | None = None) -> Path:
    base = Path(home) if home else (_home or _default_home())
    return base / "logs" / LOG_NAME


def _default_home() -> Path:
    for i, arg in enumerate(sys.argv):  # teller-admin --home PATH / --home=PATH, before settings load
        if arg == "--home" and i + 1 < len(sys.argv):
            return Path(sys.argv[i + 1])
        if arg.startswith("--home="):
            return Path(arg.split("=", 1)[1])
    from teller.config import default_home

    return default_home()


def new_ref() -> str:
    """A short reference the clerk can read out on the phone: E-7K3Q9A."""
    alphabet = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I
    import secrets  # here, not at start-up: it loads hashlib (1 ms before the first frame)

    return "E-" + "".join(secrets.choice(alphabet) for _ in range(6))


def details(error: BaseException, secrets: Iterable[str] = ()) -> str:
    """The traceback of `error` (and its causes), without local variables, masked."""
    lines = traceback.format_exception(type(error), error, error.__traceback__)
    return mask("".join(lines), secrets)


def report(error: BaseException, *, home: Path | str | None = None, secrets: Iterable[str] = (), where: str = "") -> tuple[str, Path | None]:
    """Write `error` to the error log under a new reference; (reference, log file or None)."""
    ref = new_ref()
    stamp = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
    body = details(error, secrets)
    entry = f"==== {ref} {stamp} pid {os.getpid()} {where}\n{body}\n"
    path = log_path(home)
    try:
        with _lock:
            path.parent.mkdir(parents=True, exist_ok=True)
            if path.exists() and path.stat().st_size > LOG_MAX_BYTES:
                os.replace(path, path.with_name(LOG_NAME + ".1"))
            with open(path, "a", encoding="utf-8") as fh:
                fh.write(entry)
                fh.flush()
                os.fsync(fh.fileno())
    except OSError:
        return ref, None
    return ref, path


def clerk_message(ref: str) -> str:
    from teller.strings import t

    return t("crash.message", ref=ref)


# ---- installing it -------------------------------------------------------------------------------
def _hook(kind: str, stream=None) -> Callable:
    def handle(exc_type, exc, tb) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        if exc is not None and exc.__traceback__ is None:
            exc = exc.with_traceback(tb)
        ref, path = report(exc if exc is not None else exc_type(), where=kind)
        from teller.strings import t

        print(t("crash.cli", ref=ref, log=path or "-"), file=stream or sys.stderr)

    return handle


class _ErrorLogHandler(logging.Handler):
    """Warnings of teller's own loggers (a printer's technical reason, ...) into the error log, masked."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            stamp = datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")
            line = f"---- {stamp} {record.name} {record.levelname}: {mask(record.getMessage())}\n"
            path = log_path()
            with _lock:
                path.parent.mkdir(parents=True, exist_ok=True)
                with open(path, "a", encoding="utf-8") as fh:
                    fh.write(line)
        except Exception:  # a log that cannot be written must not stop the counter
            pass


def install(home: Path | str | None = None) -> None:
    """For a plain process (the console before and after Textual): sys and thread hooks, and
    teller's warnings into the same log file."""
    if home is not None:
        set_home(home)
    logger = logging.getLogger("teller")
    if not any(isinstance(h, _ErrorLogHandler) for h in logger.handlers):
        handler = _ErrorLogHandler(level=logging.WARNING)
        logger.addHandler(handler)
    sys.excepthook = _hook("process")
    thread_hook = _hook("thread")
    threading.excepthook = lambda args: thread_hook(args.exc_type, args.exc_value, args.exc_traceback)


def install_cli(home: Path | str | None = None) -> None:
    """The hooks for teller-admin (Typer resets sys.excepthook when it runs: use run_cli)."""
    install(home)


def run_cli(main: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run teller-admin's Typer app: an unexpected error prints one line and exits 70."""
    install_cli()
    try:
        return main(*args, **kwargs)
    except (SystemExit, KeyboardInterrupt):
        raise
    except BaseException as exc:  # noqa: BLE001 - the boundary: nothing past here shows a traceback
        ref, path = report(exc, where="teller-admin " + " ".join(mask(a) for a in sys.argv[1:2]))
        from teller.strings import t

        print(f"teller-admin: {t('crash.cli', ref=ref, log=path or '-')}", file=sys.stderr)
        raise SystemExit(EXIT_CRASH) from None
