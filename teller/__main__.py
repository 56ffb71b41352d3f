"""`teller` (or `python -m teller`): the counter console. `--practice` for training."""

from __future__ import annotations

import argparse
import sys


def main(argv: list[str] | None = None) -> int:
    import gc

    # No automatic collection until the database is open behind the log-in screen: start-up
    # allocates a great deal and nothing of it is garbage worth 30-180 ms of a stalled screen
    # (TellerApp._open_desk turns collection back on, after freezing what was loaded).
    gc.disable()
    parser = argparse.ArgumentParser(prog="teller", description="营业厅受理台 / telecom counter console")
    parser.add_argument("--practice", action="store_true", help="练习模式：独立练习数据库，票据只写入预览目录 / practice mode")
    parser.add_argument("--config", metavar="PATH", help="设置文件 / settings file (default: teller.toml in the teller home)")
    parser.add_argument("--home", metavar="PATH", help="teller home folder (db/, receipts/, scripts_yaml/)")
    parser.add_argument("--locale", choices=("zh", "en"), help="界面语言 / UI language")
    args = parser.parse_args(argv)

    from pathlib import Path

    from teller import crash

    crash.install(args.home)  # an unexpected error: one line and a reference, the details in the log
    from teller.config import load_settings
    from teller.errors import TellerError

    try:
        overrides = {"locale": args.locale} if args.locale else {}
        settings = load_settings(args.config, home=Path(args.home) if args.home else None, **overrides)
    except TellerError as exc:
        print(f"teller: {exc.message}", file=sys.stderr)
        return 2
    if args.practice:
        settings = settings.for_practice()
    crash.set_home(settings.home)
    from teller.ui.app import TellerApp

    app = TellerApp(settings)
    app.run()
    return app.return_code or 0


if __name__ == "__main__":
    sys.exit(main())
