from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from yorisoi.accounts.demo import ensure_demo_accounts
from yorisoi.accounts.models import User
from yorisoi.cases import demo as cases_demo
from yorisoi.community import demo as community_demo
from yorisoi.directory.models import Agency, IssueCategory
from yorisoi.evaluation import demo as evaluation_demo
from yorisoi.intake import services as intake_services
from yorisoi.outreach import demo as outreach_demo
from yorisoi.participation import demo as participation_demo
from yorisoi.people import demo
from yorisoi.resources import demo as resources_demo
from yorisoi.resources import taxonomy as resources_taxonomy

from ... import stories, this_year


class Command(BaseCommand):
    help = (
        "デモ用アカウントと、架空の市民（世帯・本人）を作成します（load_master の後に実行）。"
        "何度実行しても重複しません。実在の人物は含まれません。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--households", type=int, default=300, help="世帯数（既定 300）")
        parser.add_argument(
            "--seed", type=int, default=demo.DEFAULT_SEED, help="乱数の種（同じ種なら同じ内容）"
        )
        parser.add_argument(
            "--history-per-year",
            type=int,
            default=600,
            help="評価（PDCA）用に過去3年度分つくる相談の年間件数（既定 600、0 でつくらない）",
        )

    def handle(self, *args, households, seed, history_per_year=600, **options):
        if not Agency.objects.exists():
            raise CommandError("マスタデータがありません。先に load_master を実行してください。")
        if households < 0:
            raise CommandError("--households は0以上にしてください。")
        accounts = ensure_demo_accounts()
        self.stdout.write(f"デモ用アカウント: {accounts} 件追加")
        # Idempotence by the DEMO_MARK every demo record carries in its メモ, rather than by
        # "the demo agencies already hold someone": a developer's own test entries in those
        # agencies must not stop the demo from loading, and a marker visible on screen also
        # tells every viewer that the person is fictional. No extra column or table needed.
        if demo.population_exists():
            self.stdout.write("架空の市民はすでに作成済みです（変更なし）。")
        else:
            counts = demo.generate_population(households=households, seed=seed)
            # Fresh planner statistics after a bulk load. SQLite has none until ANALYZE runs,
            # and without them it reads every row of the agency (the R6 filter's index) to
            # search a name instead of using the name-key indexes (bench/person_search.py).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            self.stdout.write(
                f"架空の市民: 世帯 {counts['households']} 件、本人 {counts['people']} 人を"
                "作成しました。"
            )
        # This fiscal year so far and each demo account's open work for today, dated before
        # the worked examples so that those come first in every list sorted by date.
        actor = User.objects.get(username=evaluation_demo.DEMO_ACTOR)
        if this_year.exists():
            self.stdout.write("今年度の相談はすでに作成済みです（変更なし）。")
        elif history_per_year > 0:
            made = this_year.generate(actor=actor, seed=seed, per_year=history_per_year)
            self.stdout.write(
                f"今年度の相談: {made['consultations']} 件（うち対応中 {made['open']} 件）作成"
            )
        # The plan's two worked examples, through the services (after the population: their
        # people carry the demo mark too).
        created = cases_demo.load_worked_examples()
        self.stdout.write(f"計画の事例（ケース）: {created} 件作成")
        resources_taxonomy.load()
        resources = resources_demo.generate_resources(30, seed=seed)
        self.stdout.write(f"社会資源: {resources} 件追加")
        outreach = outreach_demo.generate_outreach(seed)
        self.stdout.write(f"アウトリーチの事例: {outreach} 件作成")
        participation = participation_demo.generate_participation()
        self.stdout.write(f"参加支援の事例: {participation} 件作成")
        # A year of fictional activity counts for the community-building sites (load_community
        # loads the sites; without them this adds nothing).
        activities = community_demo.generate_activities(seed=seed)
        self.stdout.write(f"地域づくりの活動記録: {activities} 件作成")
        # Three past fiscal years of fictional figures and last year's targets, so that the
        # evaluation dashboard (評価) has trends to show.
        if history_per_year > 0:
            agencies = Agency.objects.filter(active=True).select_related("kind").order_by("pk")
            teller = stories.Storyteller(
                seed=seed,
                agencies=agencies,
                issue_codes=IssueCategory.objects.values_list("code", flat=True),
            )
            history = evaluation_demo.load_demo(
                actor=actor, seed=seed, per_year=history_per_year, story=teller.tell
            )
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            made = history.get("consultations", 0)
            self.stdout.write(f"評価用の過去3年度の記録: 相談 {made} 件作成")
        # R3: the bulk-loaded consultations get their 担当者 as the services would have given.
        held = intake_services.hold_unheld()
        self.stdout.write(f"担当者の割り当て: 相談 {held} 件")
