"""`manage.py score_matches`: fill the duplicate review queue now, with progress (issue 12).

The same job as the nightly task (tasks.score_match_candidates): the people registered or
changed since the last run are scored against everyone; `--all` scores everyone again.
"""

import time

from django.core.management.base import BaseCommand

from yorisoi.people.identity import services

STAGES = {
    "model": "重みの推定: {done:,} 組から学習",
    "blocked": "ブロッキング: 候補 {total:,} 組",
    "scored": "採点: {done:,} / {total:,} 組",
}


class Command(BaseCommand):
    help = (
        "前回以降に登録・更新された本人を全員と照合し、同一人物の候補を名寄せの確認待ちに"
        "入れます（福祉総務課が確認します）。却下した組は二度と候補になりません。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="前回の実行にかかわらず、全員を照合し直す"
        )

    def handle(self, *args, verbosity, **options):
        started = time.perf_counter()

        def say(message: str) -> None:
            if verbosity >= 1:
                elapsed = time.perf_counter() - started
                self.stderr.write(f"[{elapsed:6.1f} 秒] {message}", style_func=lambda x: x)

        def progress(stage: str, done: int, total: int) -> None:
            say(STAGES[stage].format(done=done, total=total))

        since = None if options["all"] else services.watermark()
        if since is None:
            say("全員を照合します。")
        else:
            say(f"{since:%Y-%m-%d %H:%M} 以降の登録・更新を照合します。")
        run = services.candidates_score(everyone=options["all"], progress=progress)
        say(
            f"完了: {run.people_scored:,} 件を {run.people_total:,} 件と照合、"
            f"新しい候補 {run.candidates_new:,} 組、更新 {run.candidates_updated:,} 組"
        )
        self.stdout.write(f"{run.candidates_new} {run.candidates_updated}")
