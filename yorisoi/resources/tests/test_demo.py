from yorisoi.resources import demo, selectors
from yorisoi.resources.models import Service
from yorisoi.resources.selectors import ResourceQuery


def test_demo_resources_span_categories_and_districts_and_load_once(terms, hana):
    assert demo.generate_resources(30, seed=5) == 30
    assert demo.generate_resources(30, seed=5) == 0
    services = Service.objects.all()
    assert services.count() == 30
    assert services.values("taxonomy_terms").distinct().count() >= 10
    assert services.values("service_at_locations__location__district").distinct().count() >= 8
    found = selectors.search(user=hana, query=ResourceQuery(category=terms["ibasho"]))
    assert found.count() >= 2
