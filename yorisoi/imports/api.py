"""既存記録の取り込み over HTTP: /api/v1/imports… — the same services as the screens.

- `POST /imports` (multipart, field `file`) or `POST /imports/base64` (JSON: file_name,
  content_base64) checks a file and answers the job (201): `status` is `checked` (clean,
  waiting for a commit) or `failed` (nothing will be written); nothing is written yet.
- `GET /imports/{id}` the job (counts, what changes, likely duplicates by row), `GET
  /imports/{id}/errors` every problem as {row, column, message, level}.
- `POST /imports/{id}/commit` writes a checked job all or nothing: 200 with the job, or 422
  `import_invalid` with every problem (the records changed since the check) and nothing written.
- `GET /imports/export?agency=&received_from=&received_to=&format=xlsx|csv&encoding=utf-8|cp932`
  the agency's records in the same template (exporting.py: what the caller may read, of the
  agency they act for; audited). The same function as the screen.
- A large file is checked and committed in the background: the job answers `checking` or
  `committing` with `progress` (rows); ask GET /imports/{id} until it is done.
"""

import base64
import binascii
from datetime import date, datetime
from typing import Literal
from uuid import UUID

from django.core.exceptions import ValidationError
from ninja import Field, File, Router, Schema, Status
from ninja.files import UploadedFile

from yorisoi import access
from yorisoi.errors import RuleViolation
from yorisoi.http import limits
from yorisoi.http.errors import ErrorOut

from . import exporting, selectors, services
from .models import ImportStatus

router = Router(tags=["取り込み"])

LIMIT = limits.megabytes(limits.MAX_IMPORT_BYTES)
BASE64_LIMIT = limits.megabytes(limits.MAX_IMPORT_BASE64_BYTES)


class ProblemOut(Schema):
    row: int = Field(description="ファイルの行番号（1行目は見出し、0はファイル全体）")
    column: str = Field(description="項目（見出し）")
    message: str
    level: str = Field(description="error（取り込めない）または warning（直して取り込む）")


class ImportJobOut(Schema):
    id: UUID
    file_name: str
    sha256: str
    file_format: str
    encoding: str = Field(description="検出した文字コード（CSV）")
    status: str = Field(description="checked（確認済み・未登録）、failed、committed")
    rows: int
    error_count: int
    warning_count: int
    counts: dict = Field(description="記録の種類ごとの created / updated / unchanged")
    changes: list[dict] = Field(description="行ごとの変わる項目")
    matches: list[dict] = Field(
        description="同じ人かもしれない記録（row と other_row、person_id、または hidden）"
    )
    progress: int
    created_at: datetime
    finished_at: datetime | None
    same_file_committed_at: datetime | None = Field(
        description="同じファイル（SHA-256）を前に取り込んだ日時"
    )


class ProblemsOut(Schema):
    job_id: UUID
    problems: list[ProblemOut]


class Base64In(Schema):
    file_name: str = Field(max_length=200)
    content_base64: str = Field(description=f"ファイルの中身（Base64、{BASE64_LIMIT}まで）")


def job_out(job) -> dict:
    same = services.same_file_committed(job)
    return {
        **{f: getattr(job, f) for f in ImportJobOut.model_fields if hasattr(job, f)},
        "same_file_committed_at": same.finished_at if same else None,
    }


DESCRIPTION = (
    "CSV（UTF-8 か Shift_JIS）か Excel（.xlsx）を確認します。まだ何も登録しません。"
    "ファイルは%sまで。問題は GET /imports/{id}/errors で行・項目ごとに取得できます。"
)


@router.post(
    "/imports",
    response={201: ImportJobOut, 409: ErrorOut, 422: ErrorOut},
    url_name="import_upload",
    summary="ファイルを確認する（取り込みの準備）",
    description=DESCRIPTION % LIMIT,
)
def import_upload(request, file: File[UploadedFile]):
    job = services.import_check(
        actor=request.auth, file_name=file.name or "", content=file.read(), request=request
    )
    return Status(201, job_out(job))


@router.post(
    "/imports/base64",
    response={201: ImportJobOut, 409: ErrorOut, 422: ErrorOut},
    url_name="import_upload_base64",
    summary="ファイルを確認する（Base64のJSONで送る）",
    description=DESCRIPTION % BASE64_LIMIT
    + f"（それより大きいファイルは POST /imports で{LIMIT}まで）",
)
def import_upload_base64(request, payload: Base64In):
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValidationError(
            {"content_base64": ValidationError("Base64 の形式が正しくありません。", code="invalid")}
        ) from exc
    if len(content) > limits.MAX_IMPORT_BASE64_BYTES:
        message = f"Base64 で送れるのは{BASE64_LIMIT}までです。POST /imports でファイルとして送ってください（{LIMIT}まで）。"
        raise ValidationError({"content_base64": ValidationError(message, code="too_large")})
    job = services.import_check(
        actor=request.auth, file_name=payload.file_name, content=content, request=request
    )
    return Status(201, job_out(job))


@router.get(
    "/imports/export",
    response={200: None, 403: ErrorOut, 422: ErrorOut},
    url_name="import_export",
    summary="取り込みの様式で書き出す（Excel・CSV）",
    description="機関の本人・世帯・相談を、取り込みと同じ列のファイルで返します（添付）。"
    "書き出すのは、その機関が受け付けたか担当している相談のうち、呼び出した人が見られるもの"
    "だけです。agency は機関コード（省略すると自分の機関）。受付日で絞れます。CSV は UTF-8"
    "（BOM付き）、encoding=cp932 なら全部の文字が Shift_JIS（CP932）で表せるときだけ CP932"
    "（表せないときは UTF-8 にして X-Export-Not-CP932 に行と列を返します）。"
    "書き出したことは監査記録に残ります。",
)
def import_export(
    request,
    agency: str = "",
    received_from: date | None = None,
    received_to: date | None = None,
    format: Literal["xlsx", "csv"] = "xlsx",
    encoding: Literal["utf-8", "cp932"] = "utf-8",
):
    agencies = access.exportable_agencies(request.auth)
    chosen = agencies.filter(code=agency).first() if agency else agencies.first()
    if chosen is None:
        raise RuleViolation("この機関の記録は書き出せません。", code="forbidden")
    if received_from and received_to and received_from > received_to:
        raise ValidationError(
            {"received_to": ValidationError("終わりの日は始まりの日より後にしてください。")}
        )
    result = exporting.records_export(
        actor=request.auth,
        agency=chosen,
        file_format=format,
        encoding=encoding,
        received_from=received_from,
        received_to=received_to,
        request=request,
    )
    return exporting.file_response(result)  # the same response as the screen's


@router.get(
    "/imports/{uuid:job_id}",
    response={200: ImportJobOut, 404: ErrorOut},
    url_name="import_detail",
    summary="取り込みの状態と結果",
)
def import_detail(request, job_id: UUID):
    return job_out(selectors.import_job(user=request.auth, job_id=job_id))


@router.get(
    "/imports/{uuid:job_id}/errors",
    response={200: ProblemsOut, 404: ErrorOut},
    url_name="import_errors",
    summary="行ごとの問題",
    description="エラー（error）と注意（warning）を、行・項目・内容で返します。値そのものは含みません。",
)
def import_errors(request, job_id: UUID):
    job = selectors.import_job(user=request.auth, job_id=job_id)
    return {"job_id": job.pk, "problems": job.problems}


@router.post(
    "/imports/{uuid:job_id}/commit",
    response={200: ImportJobOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    url_name="import_commit",
    summary="確認したファイルを登録する",
    description="全部を登録するか、何も登録しないかのどちらかです。確認のあとで記録が変わり"
    "問題が見つかったときは 422 `import_invalid` と行ごとの問題を返します。",
)
def import_commit(request, job_id: UUID):
    job = selectors.import_job(user=request.auth, job_id=job_id)
    job = services.import_commit(actor=request.auth, job=job, request=request)
    if job.status not in (ImportStatus.COMMITTED, ImportStatus.COMMITTING):
        return Status(
            422,
            {
                "code": "import_invalid",
                "message": f"{job.error_count} 件の問題があるため、何も登録していません。",
                "errors": [
                    {"field": f"{p['row']}:{p['column']}", "code": "invalid",
                     "message": p["message"]}
                    for p in job.errors
                ],
            },
        )  # fmt: skip
    return job_out(job)
