"""The referral destination is one of ~100 agencies (issue 14): grouped by agency kind in
<optgroup>s, with a type-to-filter box app.js adds; without script the grouped select works."""

import re

from yorisoi.intake.forms import ReferralForm


def test_the_destination_is_grouped_by_agency_kind_and_filters_as_one_types(hana):
    html = str(ReferralForm(user=hana)["to_agency"])
    groups = re.findall(r'<optgroup label="([^"]+)">', html)
    assert len(groups) >= 3 and len(groups) == len(set(groups))  # each kind once
    assert "data-filter-select" in html
    assert f'value="{hana.agency_id}"' not in html  # never to oneself
