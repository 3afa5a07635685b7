"""``greenlist score FILE.json --format json`` and ``greenlist energy-level --product NAME --value X``."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

INPUT = {
    "system": "GB/T 36132-2025",
    "basic_requirements_met": True,
    "indicators": [
        {
            "name": "能源消耗强度",
            "value": 0.85,
            "leading": 0.90,
            "baseline": 1.2,
            "points": 8,
            "direction": "inverse",
        },
        {
            "name": "能碳管理系统平台功能符合数量",
            "value": 6,
            "leading": 8,
            "baseline": 0,
            "points": 6,
            "direction": "forward",
        },
    ],
}


def run(name: str, *args: str) -> Any:
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return json.loads(out.getvalue())


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "指标.json"
    path.write_text(json.dumps(INPUT, ensure_ascii=False), encoding="utf-8")
    return path


def test_score_prints_the_contract(good: Path) -> None:
    result = run("score", str(good), "--format", "json")
    assert set(result) == {"total", "areas", "indicators", "green"}
    assert (result["total"], result["areas"]["能源低碳化"], result["green"]) == (12.5, 12.5, None)
    assert result["indicators"][3] == {"name": "能碳管理系统平台功能符合数量", "score": 4.5}


def test_score_detail_explains_each_indicator(good: Path) -> None:
    result = run("score", str(good), "--detail")
    assert result["indicators"][3]["explanation"] == (
        "实际值 6 介于基准值 0 与引领值 8 之间（正向，越高越好），线性计分 6×(6−0)÷(8−0) = 4.5"
    )
    assert result["verdict"] == (
        "基本要求符合，总分 12.5；所依据的评价体系未规定合格分，得分只作比较，不据此判定是否达到绿色工厂要求"
    )
    assert result["pass_mark"]["value"] is None


def test_score_bad_input_is_a_command_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="找不到文件"):
        run("score", str(tmp_path / "没有.json"))
    broken = tmp_path / "坏.json"
    broken.write_text('{"system": ', encoding="utf-8")
    with pytest.raises(CommandError, match=re.escape("无法计分“坏.json”：输入不是有效的 JSON")):
        run("score", str(broken))
    wrong = tmp_path / "错.json"
    item = {"name": "能源消耗强度", "value": 0.85, "leading": 0.9, "baseline": 1.2, "direction": "sideways"}
    wrong.write_text(json.dumps(INPUT | {"indicators": [item]}, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CommandError, match="“能源消耗强度”）的字段 direction 应为"):
        run("score", str(wrong))
    with pytest.raises(CommandError, match="是目录"):
        run("score", str(tmp_path))


@pytest.mark.django_db
def test_energy_level_prints_the_contract() -> None:
    assert run("energy_level", "--product", "水泥熟料", "--value", "117", "--format", "json") == {
        "product": "水泥熟料",
        "value": 117,
        "unit": "kgce/t",
        "level": "基准",
        "benchmark": 100,
        "baseline": 117,
    }


@pytest.mark.django_db
def test_energy_level_accepts_negative_values() -> None:
    assert run("energy_level", "--product", "转炉工序", "--value", "-30")["level"] == "标杆"
    assert run("energy_level", "--product", "转炉工序", "--value=-9.99")["level"] == "未达基准"


@pytest.mark.django_db
def test_energy_level_bad_input_is_a_command_error() -> None:
    with pytest.raises(CommandError, match="能效参考表中没有产品“电炉”，可选：水泥熟料"):
        run("energy_level", "--product", "电炉", "--value", "100")
    with pytest.raises(CommandError, match="单位产品能耗应为数字，实际为“很低”"):
        run("energy_level", "--product", "水泥熟料", "--value", "很低")


def console(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "greenlist", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


def test_console_script_exit_codes(tmp_path: Path, good: Path) -> None:
    scored = console("score", str(good), "--format", "json", cwd=tmp_path)
    assert scored.returncode == 0 and json.loads(scored.stdout)["total"] == 12.5
    level = console(
        "energy-level", "--product", "转炉工序", "--value", "-30", "--format", "json", cwd=tmp_path
    )
    assert level.returncode == 0 and json.loads(level.stdout)["level"] == "标杆"
    unknown = console("energy-level", "--product", "电炉", "--value", "1", cwd=tmp_path)
    assert unknown.returncode != 0 and "能效参考表中没有产品“电炉”" in unknown.stderr
    bad = tmp_path / "bad.json"
    bad.write_text("not json", encoding="utf-8")
    refused = console("score", str(bad), cwd=tmp_path)
    assert refused.returncode != 0 and "输入不是有效的 JSON" in refused.stderr
    # A missing required option is argparse's error, still non-zero.
    assert console("energy-level", "--product", "水泥熟料", cwd=tmp_path).returncode != 0
