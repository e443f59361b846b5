"""The screens: register, correct (R7), deactivate, import and export."""

import json
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yorisoi.audit.models import AuditEvent
from yorisoi.resources import hsds
from yorisoi.resources.models import Organization, Service, ServiceStatus
from yorisoi.testing import client_for


def _form(**changes):
    data = {
        "name": "よりそいカフェ", "new_organization": "NPO法人テスト", "status": "active",
        "categories": [], "description": "誰でも来られるカフェ",
        "fees_description": "無料", "fee_amount": "0", "location_name": "中部公民館",
        "address_1": "諏訪町2-2", "accessibility": "段差なし", "days": ["WE", "FR"],
        "opens_at": "10:00", "closes_at": "15:00", "contact_name": "山田",
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_manager_registers_a_resource(terms, masaki):
    client = client_for(masaki)
    data = _form(categories=[str(terms["ibasho"].pk)])
    response = client.post(reverse("resources:service_create"), data)
    service = Service.objects.get(name="よりそいカフェ")
    assert response.status_code == 302
    assert service.organization.name == "NPO法人テスト"
    page = client.get(reverse("resources:service_detail", args=[service.pk])).content.decode()
    assert "毎週 水曜・金曜 10:00–15:00" in page
    assert "居場所" in page and "段差なし" in page and "空き状況の登録なし" in page
    assert AuditEvent.objects.filter(action="resource.created", target_id=str(service.pk)).exists()


def test_bad_input_is_shown_with_the_field(terms, masaki):
    client = client_for(masaki)
    response = client.post(
        reverse("resources:service_create"),
        _form(name="", new_organization="", opens_at="15:00", closes_at="10:00"),
    )
    page = response.content.decode()
    assert response.status_code == 422
    assert "名称を入力してください。" in page
    assert "運営団体を選ぶか" in page and "終了時刻は開始時刻より後" in page
    assert not Service.objects.exists()


def test_an_edit_on_a_stale_version_overwrites_nothing(directory, ichiro):
    service = directory["ibasho"]
    client = client_for(ichiro)
    url = reverse("resources:service_edit", args=[service.pk])
    data = _form(
        name="北の居場所（新）", new_organization="", organization=str(service.organization_id),
        version=str(service.version),
    )  # fmt: skip
    assert client.post(url, data).status_code == 302
    response = client.post(url, {**data, "name": "古い画面からの変更"})
    assert response.status_code == 409
    assert "ほかの人が先に" in response.content.decode()
    service.refresh_from_db()
    assert service.name == "北の居場所（新）" and service.version == 2
    assert service.history.count() == 2


def test_deactivate_keeps_the_record(directory, masaki):
    service = directory["shigoto"]
    client = client_for(masaki)
    url = reverse("resources:service_deactivate", args=[service.pk])
    assert client.post(url, {"version": service.version}).status_code == 302
    service.refresh_from_db()
    assert service.status == ServiceStatus.INACTIVE
    listing = client.get(reverse("resources:service_list")).content.decode()
    assert "中央のしごと体験" not in listing


def test_the_import_page_lists_problems_and_imports_nothing(terms, ichiro):
    doc = {
        "organizations": [{"id": "11111111-1111-4111-8111-111111111111", "name": "団体"}],
        "services": [{"id": "22222222-2222-4222-8222-222222222222", "name": "x",
                      "organization_id": "11111111-1111-4111-8111-111111111111",
                      "status": "closed"}],
    }  # fmt: skip
    upload = SimpleUploadedFile("hsds.json", json.dumps(doc).encode(), "application/json")
    response = client_for(ichiro).post(reverse("resources:hsds_import"), {"file": upload})
    page = response.content.decode()
    assert response.status_code == 422
    assert "何も読み込んでいません" in page and "services[0]" in page
    assert not Organization.objects.exists()


def test_export_downloads_and_imports_back(directory, ichiro):
    client = client_for(ichiro)
    response = client.get(reverse("resources:hsds_export"))
    assert response["Content-Disposition"].startswith('attachment; filename="hsds-')
    doc = json.loads(response.content)
    assert len(doc["services.csv"]) == 3
    assert AuditEvent.objects.filter(action="resources.exported").exists()
    upload = SimpleUploadedFile("hsds.json", response.content, "application/json")
    page = client.post(reverse("resources:hsds_import"), {"file": upload})
    assert page.status_code == 200 and "読み込みました" in page.content.decode()
    assert hsds.export() == doc


def test_a_file_that_is_not_json_is_refused(terms, ichiro):
    upload = SimpleUploadedFile("hsds.json", b"\xff\xfe not json", "application/json")
    response = client_for(ichiro).post(reverse("resources:hsds_import"), {"file": upload})
    assert response.status_code == 422 and "JSONとして読めません" in response.content.decode()


def test_the_forms_open_with_the_current_values(directory, masaki):
    client = client_for(masaki)
    assert client.get(reverse("resources:service_create")).status_code == 200
    assert client.get(reverse("resources:hsds_import")).status_code == 200
    page = client.get(reverse("resources:service_edit", args=[directory["ibasho"].pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="北の居場所"' in html
    assert re.search(r'<input[^>]*value="WE"[^>]*checked', html)
    assert not re.search(r'<input[^>]*value="MO"[^>]*checked', html)
