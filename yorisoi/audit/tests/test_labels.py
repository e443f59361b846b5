"""Every action code the code records, and every legal basis, has a Japanese name: the trail
never shows a raw code to a person asking what was done with their data (開示請求)."""

import ast
import re
from pathlib import Path

from yorisoi.access import bases
from yorisoi.audit.labels import ACTION_LABELS, action_label, basis_label
from yorisoi.participation.models import PlacementStatus

SOURCE = Path(__file__).resolve().parents[2]
CODE = re.compile(r"^[a-z][a-z_]*\.[a-z][a-z_]*$")
WRITERS = {"record", "record_reads", "record_ids"}
# Codes built from a value: the prefix and every value it may take.
BUILT = {"participation.placement_": PlacementStatus.values}


def _name(call: ast.Call) -> str | None:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)


def _codes_in(node) -> set[str]:
    return {
        n.value
        for n in ast.walk(node)
        if isinstance(n, ast.Constant) and isinstance(n.value, str) and CODE.match(n.value)
    }


def _recorded_codes() -> tuple[set[str], list[str]]:
    """Scan the source: every record()/record_reads() call, and every helper that passes its
    `action` argument on to them (cases' _audit, _viewed …), called with a literal code."""
    trees = {
        path: ast.parse(path.read_text())
        for path in SOURCE.rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    }
    codes, unknown = set(), []
    forwarders = dict.fromkeys(WRITERS, (0, "action"))  # name → where the code is passed
    for path, tree in trees.items():
        for func in ast.walk(tree):
            if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            positional = [a.arg for a in func.args.args]
            params = {*positional, *(a.arg for a in func.args.kwonlyargs)}
            for call in ast.walk(func):
                if not (isinstance(call, ast.Call) and _name(call) in WRITERS and call.args):
                    continue
                code = call.args[0]
                if isinstance(code, ast.Name) and code.id in params:
                    # the caller names the code
                    at = positional.index(code.id) if code.id in positional else None
                    forwarders[func.name] = (at, code.id)
                elif isinstance(code, ast.Name):
                    codes |= _codes_in(func)  # e.g. a loop over (code, bases) pairs
                elif isinstance(code, ast.JoinedStr):
                    prefix = code.values[0].value if code.values else ""
                    if prefix in BUILT:
                        codes |= {prefix + value for value in BUILT[prefix]}
                    else:
                        unknown.append(f"{path}:{call.lineno}")
                else:
                    codes |= _codes_in(code)
    for tree in trees.values():
        for call in ast.walk(tree):
            if not (isinstance(call, ast.Call) and _name(call) in forwarders):
                continue
            at, keyword = forwarders[_name(call)]
            given = [k.value for k in call.keywords if k.arg == keyword]
            if at is not None and at < len(call.args):
                given.append(call.args[at])
            for arg in given:
                if not isinstance(arg, ast.JoinedStr):  # read above, with its values
                    codes |= _codes_in(arg)
    return codes, unknown


def test_every_recorded_action_has_a_japanese_label():
    codes, unknown = _recorded_codes()
    assert not unknown, f"codes built in a way this test cannot read: {unknown}"
    assert len(codes) > 100  # the scan found the calls
    missing = sorted(codes - set(ACTION_LABELS))
    assert not missing, f"add these to audit/labels.py ACTION_LABELS: {missing}"


def test_the_scan_sees_codes_passed_through_helpers():
    codes, _ = _recorded_codes()
    # cases.services._audit("case.moved", …) and views' _viewed(…, action="case.timeline_viewed")
    assert {"case.moved", "case.timeline_viewed", "participation.placement_settled"} <= codes
    assert {"person.listed", "person.searched"} <= codes  # both branches of a conditional


def test_every_basis_has_a_label():
    codes = {v for k, v in vars(bases).items() if k.startswith("BASIS_") and isinstance(v, str)}
    assert codes and all(basis_label(c) != c for c in codes)


def test_an_unknown_code_reads_as_itself():
    assert action_label("person.viewed") == "本人情報の閲覧"
    assert action_label("legacy.code") == "legacy.code"
    assert basis_label("") == "－"
