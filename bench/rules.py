"""Benchmark: the pure screening rules over a batch-wide scale, without a database.

    .venv/bin/python bench/rules.py [--repeat 5]

Screens the 10,000 applications of ``tests/rules/test_screening.py::many_applications``
(14 units, 40 evaluators, three negative records each) with ``greenlist.rules.screening.screen``
and prints the best of ``--repeat`` runs. Target: under 3 s on the reference machine. The test
checks the outcome; this script alone checks the time, because a time limit inside the test suite
fails whenever the shared machine is busy. Exit status 2 when the target is missed, 0 otherwise.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TARGET_SECONDS = 3.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    options = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    from greenlist.rules.screening import screen
    from tests.rules.test_screening import many_applications

    arguments = many_applications(10_000)
    best = float("inf")
    for _ in range(options.repeat):
        started = time.perf_counter()
        screen(*arguments).to_contract()
        best = min(best, time.perf_counter() - started)
    print(
        f"screen(): {len(arguments[1]):,} applications in {best:.2f} s (best of {options.repeat}); "
        f"target < {TARGET_SECONDS:.1f} s"
    )
    return 0 if best < TARGET_SECONDS else 2


if __name__ == "__main__":
    sys.exit(main())
