"""The engine is deterministic and stands on its own, without Django."""

import os
import random
import subprocess
import sys
from pathlib import Path

from yorisoi.linkage import link
from yorisoi.linkage.tests.world import HANAKO, town

ROOT = Path(__file__).resolve().parents[3]


def test_the_same_records_in_any_order_give_the_same_links():
    records = [*town(), HANAKO]
    shuffled = records[:]
    random.Random(3).shuffle(shuffled)  # noqa: S311 — an order, not a secret
    assert link(records) == link(shuffled)


def test_the_engine_imports_and_runs_without_django():
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    code = (
        "import sys; from yorisoi.linkage import Record, csvio, link; "
        "link([Record('a', family_name='山田'), Record('b', family_name='山田')]); "
        "assert not [m for m in sys.modules if m.split('.')[0] == 'django'], 'django imported'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True)  # noqa: S603
