"""Demo accounts, one per role, for `make run` (listed in the README). Fictional people only."""

from django.db import transaction

from yorisoi.directory.models import Agency

from .models import Role, User

DEMO_PASSWORD = "yorisoi-demo-2026"  # noqa: S105 — documented demo password, local use only

# username, display name, role, agency code
DEMO_ACCOUNTS = [
    ("coordinator", "福祉 一郎（福祉総務課）", Role.COORDINATOR, "fukushi-soumu-ka"),
    ("homecare", "在宅 花子（在宅介護支援センター）", Role.STAFF, "zaitaku-kaigo-01"),
    (
        "homecare-manager",
        "在宅 正樹（在宅介護支援センター 管理者）",
        Role.MANAGER,
        "zaitaku-kaigo-01",
    ),
    ("disability", "障害 咲（委託相談支援事業所）", Role.STAFF, "itaku-soudan-01"),
    ("houkatsu", "包括 知子（地域包括支援センター 北部）", Role.STAFF, "chiiki-houkatsu-01"),
    ("shougai", "障害 純（障害福祉課）", Role.STAFF, "shougai-fukushi-ka"),
    ("seikatsu", "生活 彩（生活支援室）", Role.STAFF, "seikatsu-shien-shitsu"),
    ("minsei", "民生 和子（民生委員・児童委員）", Role.VOLUNTEER, "minsei-iin-tomisuhara"),
    ("analyst", "分析 健（集計担当）", Role.ANALYST, "fukushi-soumu-ka"),
    ("admin", "管理 修（システム管理者）", Role.ADMIN, "fukushi-soumu-ka"),
]


@transaction.atomic
def ensure_demo_accounts(password: str = DEMO_PASSWORD) -> int:
    """Create the demo accounts that do not exist yet; returns how many were created."""
    created = 0
    for username, display_name, role, agency_code in DEMO_ACCOUNTS:
        if User.objects.filter(username=username).exists():
            continue
        user = User(
            username=username,
            display_name=display_name,
            role=role,
            agency=Agency.objects.get(code=agency_code),
            is_staff=role == Role.ADMIN,
        )
        user.set_password(password)
        user.full_clean()
        user.save()
        created += 1
    return created
