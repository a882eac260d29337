"""A 12345 platform whose code list lags behind ours: old codes still find the place in use."""
from __future__ import annotations

import datetime as dt

from hotline.county import changes
from tests.open311.conftest import complaint_for

WHEN = {"effective_on": dt.date(2026, 3, 1), "source": "test"}


def test_a_recoded_village_answers_to_its_old_code(post, db, county):
    village = county["villages"]["红旗村"]
    old = village.code
    changes.recode(db, village, old + "099", **WHEN)  # the small county's codes are short; 12 digits now
    db.commit()
    response = post(**{"attribute[village]": old, "attribute[accused_level]": "village_cadre"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert complaint_for(db, response.get_json()[0]["service_request_id"]).village_id == village.id


def test_a_merged_village_answers_with_its_successor(post, db, county):
    xiawan, hongqi = county["villages"]["下湾村"], county["villages"]["红旗村"]
    changes.merge(db, xiawan, hongqi, **WHEN)
    db.commit()
    response = post(**{"attribute[village]": xiawan.code, "attribute[accused_level]": "village_cadre"})
    assert response.status_code == 201, response.get_data(as_text=True)
    assert complaint_for(db, response.get_json()[0]["service_request_id"]).village_id == hongqi.id


def test_a_retired_village_code_is_refused_in_chinese(post, db, county):
    xiawan = county["villages"]["下湾村"]
    changes.retire(db, xiawan, **WHEN)
    db.commit()
    response = post(**{"attribute[village]": xiawan.code})
    assert response.status_code == 400 and "不是有效的村（社区）代码" in response.get_data(as_text=True)


def test_the_service_definition_offers_only_divisions_in_use(client, db, county):
    changes.retire(db, county["villages"]["下湾村"], **WHEN)
    db.commit()
    body = client.get("/open311/v2/services/favoritism.json").get_data(as_text=True)
    assert "红旗村" in body and "下湾村" not in body
