"""Compile src/greenlist/locale/*/LC_MESSAGES/django.po to django.mo without GNU gettext
(the .mo is committed; run this after editing a .po): python scripts/compile_messages.py"""

from __future__ import annotations

import ast
import struct
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "src" / "greenlist" / "locale"


def parse(text: str) -> dict[str, str]:
    messages: dict[str, str] = {}
    key: str | None = None
    current: list[str] = []
    context: list[str] | None = None
    target = ""

    def flush() -> None:
        nonlocal key, context
        if key is not None:
            messages[key] = "".join(current)
        key = None
        context = None

    for line in text.splitlines():
        line = line.strip()
        if line.startswith("msgctxt "):
            flush()
            context = [ast.literal_eval(line[8:])]
            target, current = "ctxt", context
        elif line.startswith("msgid "):
            if target != "ctxt":
                flush()
            target, current = "id", [ast.literal_eval(line[6:])]
        elif line.startswith("msgstr "):
            # A message with a context is looked up as "context\x04msgid" (gettext's convention).
            key = ("".join(context) + "\x04" if context else "") + "".join(current)
            target, current = "str", [ast.literal_eval(line[7:])]
        elif line.startswith('"'):
            current.append(ast.literal_eval(line))
        elif (not line or line.startswith("#")) and target == "str":
            flush()
            target = ""
    if target == "str":
        flush()
    return messages


def write_mo(messages: dict[str, str], path: Path) -> None:
    keys = sorted(messages)
    ids = b""
    strs = b""
    offsets = []
    for key in keys:
        k, v = key.encode(), messages[key].encode()
        offsets.append((len(ids), len(k), len(strs), len(v)))
        ids += k + b"\0"
        strs += v + b"\0"
    start = 7 * 4 + 16 * len(keys)
    table = b""
    for o_id, l_id, _, _ in offsets:
        table += struct.pack("<2I", l_id, start + o_id)
    for _, _, o_str, l_str in offsets:
        table += struct.pack("<2I", l_str, start + len(ids) + o_str)
    header = struct.pack("<7I", 0x950412DE, 0, len(keys), 7 * 4, 7 * 4 + 8 * len(keys), 0, 0)
    path.write_bytes(header + table + ids + strs)


def main() -> None:
    for po in ROOT.glob("*/LC_MESSAGES/*.po"):
        write_mo(parse(po.read_text(encoding="utf-8")), po.with_suffix(".mo"))


if __name__ == "__main__":
    main()
