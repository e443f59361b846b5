"""pip-audit over the installed dependencies (the pins of pyproject.toml and what they pull in),
saying plainly whether anything was audited at all.

pip-audit asks a vulnerability database on the network (PyPI's JSON API, else OSV). Where it
cannot reach one, pip-audit skips every package ("Dependency not found on PyPI") and still
prints "No known vulnerabilities found" with exit 0: a clean result that audited nothing. This
script reads its JSON report instead and answers one of three ways:

- known vulnerabilities: lists them and exits 1 (CI fails; pin a fixed version);
- nothing could be audited (no database reachable): says NOT AUDITED and exits 0, so that a
  machine without that network still builds, unless YORISOI_AUDIT_STRICT=1 (then 1);
- audited: how many packages, and which were skipped (exit 0; 1 under strict if any skipped).

Run by .ci/run and `make audit`.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

PIP_AUDIT = Path(sys.executable).parent / "pip-audit"
SERVICES = ["pypi", "osv"]  # in turn, while neither audited anything
STRICT = os.environ.get("YORISOI_AUDIT_STRICT") == "1"


def run(service: str):
    """pip-audit's report as (dependencies, problem): the list of {name, version, vulns} or
    {name, skip_reason}, or None and why there is none."""
    try:
        result = subprocess.run(  # noqa: S603 (fixed arguments)
            [str(PIP_AUDIT), "--skip-editable", "--progress-spinner", "off", "--format", "json",
             "--vulnerability-service", service, "--timeout", "20"],
            capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    except (OSError, subprocess.TimeoutExpired) as error:
        return None, str(error)
    try:
        return json.loads(result.stdout)["dependencies"], None
    except (json.JSONDecodeError, KeyError, TypeError):
        last = (result.stderr.strip().splitlines() or ["no output"])[-1]
        return None, f"pip-audit exited {result.returncode}: {last[:300]}"


def main() -> int:
    if not PIP_AUDIT.exists():
        print(f"pip-audit: NOT AUDITED — {PIP_AUDIT} is not installed (pip install -e '.[dev]')")
        return 1 if STRICT else 0
    reasons = []
    for service in SERVICES:
        dependencies, problem = run(service)
        if dependencies is None:
            reasons.append(f"{service}: {problem}")
            continue
        audited = [d for d in dependencies if "skip_reason" not in d]
        skipped = [d for d in dependencies if "skip_reason" in d]
        if not audited:
            first = skipped[0]["skip_reason"] if skipped else "no packages"
            reasons.append(f"{service}: all {len(skipped)} packages skipped ({first})")
            continue
        vulnerable = [d for d in audited if d.get("vulns")]
        for dep in vulnerable:
            for vuln in dep["vulns"]:
                fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed version yet"
                print(f"VULNERABLE {dep['name']} {dep['version']}: {vuln['id']} (fixed in {fixed})")
        print(
            f"pip-audit ({service}): {len(audited)} packages audited, {len(vulnerable)} with "
            f"known vulnerabilities, {len(skipped)} skipped"
            + (f" ({', '.join(d['name'] for d in skipped)})" if skipped else "")
        )
        if vulnerable:
            return 1
        return 1 if STRICT and skipped else 0
    print("pip-audit: NOT AUDITED — no vulnerability database could be reached from here.")
    for reason in reasons:
        print(f"  {reason}")
    print("  This is not a clean result: run `make audit` where PyPI's JSON API or OSV answers.")
    return 1 if STRICT else 0


if __name__ == "__main__":
    sys.exit(main())
