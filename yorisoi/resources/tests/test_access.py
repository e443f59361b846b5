"""Who may read and who may change the directory (access.py, the resources block)."""

import uuid

import pytest
from django.urls import reverse

from yorisoi.errors import RuleViolation
from yorisoi.resources import hsds, services
from yorisoi.resources.models import Service, ServiceStatus
from yorisoi.testing import client_for


@pytest.mark.parametrize("who", ["hana", "masaki", "ichiro", "ken"])
def test_casework_roles_and_analysts_read_the_directory(directory, personas, who):
    client = client_for(personas[who])
    assert client.get(reverse("resources:service_list")).status_code == 200
    detail = reverse("resources:service_detail", args=[directory["ibasho"].pk])
    assert client.get(detail).status_code == 200
    assert client.get("/api/v1/resources").status_code == 200
    assert client.get(reverse("resources:hsds_export")).status_code == 200


@pytest.mark.parametrize("who", ["kazuko", "osamu"])
def test_volunteers_and_administrators_do_not_open_it(directory, personas, who):
    client = client_for(personas[who])
    assert client.get(reverse("resources:service_list")).status_code == 403
    assert client.get("/api/v1/resources").status_code == 403


def test_a_missing_resource_is_not_found(directory, hana):
    client = client_for(hana)
    assert client.get(reverse("resources:service_detail", args=[uuid.uuid4()])).status_code == 404
    assert client.get(f"/api/v1/resources/{uuid.uuid4()}").status_code == 404


def test_staff_cannot_import_create_or_deactivate(directory, hana, ken):
    client = client_for(hana)
    assert client.get(reverse("resources:hsds_import")).status_code == 403
    assert client.get(reverse("resources:service_create")).status_code == 403
    response = client.post("/api/v1/resources/hsds", hsds.export(), content_type="application/json")
    assert response.status_code == 403
    assert client_for(ken).post(reverse("resources:service_create")).status_code == 403
    # The services say no too, whatever the entrance.
    with pytest.raises(RuleViolation):
        services.hsds_import(actor=hana, data=hsds.export())
    with pytest.raises(RuleViolation):
        services.service_deactivate(
            actor=ken, service=directory["ibasho"], version=directory["ibasho"].version
        )
    assert Service.objects.get(pk=directory["ibasho"].pk).status == ServiceStatus.ACTIVE


def test_managers_and_the_coordinator_keep_the_directory(directory, masaki, ichiro):
    service = directory["ibasho"]
    services.service_deactivate(actor=masaki, service=service, version=service.version)
    service.refresh_from_db()
    assert service.status == ServiceStatus.INACTIVE and service.version == 2
    assert services.hsds_import(actor=ichiro, data=hsds.export()).created == {}
