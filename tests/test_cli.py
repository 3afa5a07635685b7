from __future__ import annotations

import subprocess
import sys


def test_the_console_script_runs_django_commands_with_dashed_names(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "greenlist", "help", "--commands"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert "migrate" in result.stdout and "demo" in result.stdout
    result = subprocess.run(
        [sys.executable, "-m", "greenlist", "audit-x"], capture_output=True, text=True, cwd=tmp_path
    )
    assert result.returncode != 0 and "audit_x" in result.stderr
