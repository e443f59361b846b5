"""The README's rule index (R1–R8 → where it is enforced → its tests) stays true: every name it
gives resolves to code and every test file it names exists, so a newcomer who follows it never
lands on something renamed away."""

import importlib
import re
from pathlib import Path

import yorisoi

ROOT = Path(yorisoi.__file__).parent
README = (ROOT.parent / "README.md").read_text(encoding="utf-8")


def _rows():
    section = README.split("## Where each rule lives", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.splitlines() if re.match(r"\| (R[1-8]|名寄せ) ", line)]


def _resolves(dotted: str) -> bool:
    """`access.consented_cases`, `cases.services.meetings`, `yorisoi.concurrency.lock_version`."""
    parts = dotted.removeprefix("yorisoi.").split(".")
    for cut in range(len(parts), 0, -1):
        try:
            target = importlib.import_module("yorisoi." + ".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            if not hasattr(target, name):
                return False
            target = getattr(target, name)
        return True
    return False


def test_every_rule_has_a_row():
    rules = [row.split("|")[1].split()[0] for row in _rows()]
    assert rules == [f"R{n}" for n in range(1, 8)] + ["名寄せ", "R8"]


def test_every_name_in_the_index_exists():
    missing = []
    for row in _rows():
        _rule, where, tests = row.split("|")[1:4]
        current_module = ""
        for name in re.findall(r"`([^`]+)`", where):
            if name.startswith("yorisoi/"):
                continue  # a package path, checked below with the tests
            if "." in name:
                current_module = name.rsplit(".", 1)[0]
                if not _resolves(name):
                    missing.append(name)
            elif current_module and not _resolves(f"{current_module}.{name}"):
                missing.append(f"{current_module}.{name}")
        folder = ""
        for path in re.findall(r"`([^`]+\.py)`", tests):
            folder = path.rsplit("/", 1)[0] if "/" in path else folder
            full = ROOT / (path if "/" in path else f"{folder}/{path}")
            if path.startswith("tests/"):  # the browser tests, beside the package
                full = ROOT.parent / path
            if not full.exists():
                missing.append(str(full.relative_to(ROOT.parent)))
    assert missing == []
