"""R6 lives in one place: screens, API, forms, selectors, queues, services and notifications
ask yorisoi.access; none of them tests a user's role itself (STYLE: "a view never decides a
rule by itself — `role != VOLUNTEER`, 'coordinator only' inside a view").

A role test outside the policy is how the screens and the API drifted apart before (a
民生委員's case page decided in a view, the coordinator-only access log refused inside views
mapped to every caseworker). This test reads the code and names the line that does it.
"""

import ast
from pathlib import Path

import yorisoi

ROOT = Path(yorisoi.__file__).parent
# Where roles are defined and decided, and where fictional users are made (demo data).
OUTSIDE = ("access/", "accounts/", "demo/", "testing.py", "settings.py")
USERS = {"user", "actor", "auth", "recipient", "u", "participant"}


def _role_tests(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Attribute):
            continue
        owner = node.value
        name = owner.id if isinstance(owner, ast.Name) else getattr(owner, "attr", "")
        if (node.attr == "role" and name in USERS) or name == "Role":
            found.append(f"{path.relative_to(root)}:{node.lineno}: {ast.unparse(node)}")
    return found


def _modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        if relative.startswith(OUTSIDE) or "/tests/" in relative or "/migrations/" in relative:
            continue
        if path.name == "demo.py" or "/management/" in relative:
            continue
        yield path


def test_no_module_outside_the_policy_tests_a_users_role():
    found = [line for path in _modules() for line in _role_tests(path)]
    assert found == [], "ask yorisoi.access instead:\n" + "\n".join(found)


def test_the_check_finds_a_role_test(tmp_path):
    """The scan itself can fail: a view that decides by role is found."""
    view = tmp_path / "views.py"
    view.write_text(
        "def case_detail(request):\n"
        "    casework = request.user.role != Role.VOLUNTEER\n"
        "    return casework\n",
        encoding="utf-8",
    )
    assert len(_role_tests(view, root=tmp_path)) == 2
