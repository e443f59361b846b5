from ninja import Router, Schema

from yorisoi import access

from .models import District, IssueCategory

router = Router(tags=["マスタデータ"])


class AgencyOut(Schema):
    code: str
    name: str
    kind_code: str
    kind_name: str
    district_code: str | None
    coordinating: bool


class DistrictOut(Schema):
    code: str
    name: str
    area_code: str | None


class IssueCategoryOut(Schema):
    code: str
    name: str
    domain_code: str
    national_topic: bool


@router.get("/agencies", response=list[AgencyOut], url_name="agency_list")
def agency_list(request):
    """相談支援機関（事業所）の一覧。画面の選択肢と同じ、いま選べる機関です（種別の順）。"""
    rows = access.selectable_agencies().select_related("district")
    return [
        AgencyOut(
            code=a.code,
            name=a.name,
            kind_code=a.kind.code,
            kind_name=a.kind.name,
            district_code=a.district.code if a.district else None,
            coordinating=a.kind.coordinating,
        )
        for a in rows
    ]


@router.get("/districts", response=list[DistrictOut], url_name="district_list")
def district_list(request):
    """地区の一覧。"""
    rows = District.objects.filter(active=True).select_related("area")
    return [
        DistrictOut(code=d.code, name=d.name, area_code=d.area.code if d.area else None)
        for d in rows
    ]


@router.get("/issue-categories", response=list[IssueCategoryOut], url_name="issue_category_list")
def issue_category_list(request):
    """課題分類の一覧。"""
    rows = IssueCategory.objects.filter(active=True).select_related("domain")
    return [
        IssueCategoryOut(
            code=i.code, name=i.name, domain_code=i.domain.code, national_topic=i.national_topic
        )
        for i in rows
    ]
