"""The ``greenlist`` console script: Django's management command line for this project.

Commands are written with dashes on the command line (``greenlist import-workbook``) and live
in modules with underscores (``import_workbook.py``).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "greenlist.settings")
    args = list(sys.argv if argv is None else argv)
    args[0] = "greenlist"
    if len(args) > 1 and not args[1].startswith("-"):
        args[1] = args[1].replace("-", "_")
    from django.core.management import execute_from_command_line

    execute_from_command_line(args)


if __name__ == "__main__":
    main()
