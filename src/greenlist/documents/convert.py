"""Binary Word and WPS documents (.doc, .wps) converted to .docx with LibreOffice, where it is
installed, so R2 can check them as it checks a .docx (通知四: "word或WPS版")."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 120


def converter() -> str | None:
    """The LibreOffice program, or ``None`` when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_docx(content: bytes) -> bytes | None:
    """``content`` (an inspected .doc/.wps) as .docx, or ``None`` when LibreOffice is missing or
    fails on it. Runs headless in a private profile, so parallel conversions do not share one."""
    program = converter()
    if program is None:
        return None
    with tempfile.TemporaryDirectory(prefix="greenlist-convert-") as work:
        folder = Path(work)
        source = folder / "report.doc"
        source.write_bytes(content)
        try:
            subprocess.run(
                [
                    program,
                    f"-env:UserInstallation={(folder / 'profile').as_uri()}",
                    "--headless",
                    "--norestore",
                    "--convert-to",
                    "docx:MS Word 2007 XML",
                    "--outdir",
                    str(folder / "out"),
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=TIMEOUT_SECONDS,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        result = folder / "out" / "report.docx"
        return result.read_bytes() if result.exists() else None
