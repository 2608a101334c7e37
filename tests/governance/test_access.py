"""Who sees which rows and fields: hand-made firms in Beijing, Hebei, Tianjin and Japan (docs/web.md).

Firms: B1 (110105) and B2 (110108) in Beijing, H1 (130203 唐山) and H2 (130100) in Hebei, T1
(120116) in Tianjin, F1 in Japan; one capacity row each. Links: H1->B1, B2->T1, F1->H2, T1->H2,
B1->B2. Trade rows reported by CN (national, public), 130000 and 110000. Every expected set below
is worked out by hand from these rows.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from chainleader.governance import access
from chainleader.governance.access import (
    MIN_GROUP,
    PSEUDONYM_NAME_ZH,
    Action,
    Grant,
    Principal,
    Role,
    can,
    chain_allowed,
    province_of,
    pseudonym,
    redact_dataset,
    suppress_small,
    visibility,
)
from chainleader.model.dataset import Dataset, conform

SECRET = b"test-secret-0123456789"
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _frame(table: str, rows: list[dict[str, object]]) -> pd.DataFrame:
    return conform(table, pd.DataFrame(rows))


@pytest.fixture
def ds() -> Dataset:
    return _toy()


def _toy() -> Dataset:
    ent = [
        {"id": "B1", "uscc": "USCC-B1", "name_zh": "北一", "country": "CN", "region": "110105", "tags": "listed",
         "size": "large", "employees": 100, "source": "调研"},
        {"id": "B2", "name_zh": "北二", "country": "CN", "region": "110108", "size": "small", "employees": 20},
        {"id": "H1", "uscc": "USCC-H1", "name_zh": "冀一", "country": "CN", "region": "130203", "tags": "member",
         "size": "medium", "employees": 300, "zone": "Z1"},
        {"id": "H2", "name_zh": "冀二", "country": "CN", "region": "130100", "size": "large", "employees": 400},
        {"id": "T1", "name_zh": "津一", "country": "CN", "region": "120116", "size": "large", "employees": 50},
        {"id": "F1", "foreign_id": "LEI:F1", "name_zh": "日本一", "country": "JP", "size": "large", "employees": 9},
    ]
    caps = [
        {"enterprise": e, "product": p, "capacity": c, "output": o, "source": "年报"}
        for e, p, c, o in [("B1", "PA", 10.0, 8.0), ("B2", "PA", 20.0, 15.0), ("H1", "PA", 30.0, 25.0),
                           ("H2", "PB", 40.0, 35.0), ("T1", "PB", 50.0, 45.0), ("F1", "PA", 60.0, 55.0)]
    ]
    links = [
        {"supplier": s, "customer": c, "product": p, "volume": v, "share": 0.5}
        for s, c, p, v in [("H1", "B1", "PA", 1.0), ("B2", "T1", "PA", 2.0), ("F1", "H2", "PA", 3.0),
                           ("T1", "H2", "PB", 4.0), ("B1", "B2", "PA", 5.0)]
    ]
    trade = [
        {"product": "PA", "reporter": "CN", "partner": "JP", "year": 2023, "flow": "import", "quantity": 100.0},
        {"product": "PA", "reporter": "130000", "partner": "JP", "year": 2023, "flow": "import", "quantity": 7.0},
        {"product": "PA", "reporter": "110000", "partner": "JP", "year": 2023, "flow": "import", "quantity": 5.0},
    ]
    products: list[dict[str, object]] = [
        {"id": "PA", "name_zh": "甲", "stage": "upstream", "kind": "material", "unit": "t"},
        {"id": "PB", "name_zh": "乙", "stage": "downstream", "kind": "component", "unit": "t"},
    ]
    return Dataset("toy", {
        "products": _frame("products", products),
        "enterprises": _frame("enterprises", ent),
        "capacities": _frame("capacities", caps),
        "supply_links": _frame("supply_links", links),
        "trade": _frame("trade", trade),
    }, version=3, version_id=7)


def P(role: Role, regions: tuple[str, ...] = (), enterprise: str | None = None,
      chains: tuple[str, ...] = ("*",)) -> Principal:
    return Principal(1, f"u-{role}", role, frozenset(regions), frozenset(chains), enterprise)


ADMIN = P(Role.ADMIN)
HEBEI = P(Role.OFFICE, ("130000",))
BEIJING = P(Role.OFFICE, ("110000",))
TIANJIN = P(Role.ANALYST, ("120000",))
OBSERVER = P(Role.OBSERVER)
FIRM_H1 = P(Role.ENTERPRISE, enterprise="H1")


def ps(eid: str) -> str:
    return pseudonym(eid, SECRET)


def ids(df: pd.DataFrame) -> list[str]:
    return sorted(df["id"])


def caps_of(df: pd.DataFrame) -> list[str]:
    return sorted(df["enterprise"])


def links_of(df: pd.DataFrame) -> list[tuple[str, str]]:
    return sorted(zip(df["supplier"], df["customer"], strict=True))


def reporters(df: pd.DataFrame) -> list[str]:
    return sorted(df["reporter"])


# --- can / chain scope / provinces ----------------------------------------------------------------


def test_province_of() -> None:
    assert province_of("130203") == "130000"
    assert province_of("110000") == "110000"
    assert province_of("") == province_of(None) == province_of("13") == province_of("JP") == ""


def test_roles_table() -> None:
    expected = {  # docs/web.md "Roles and scopes", action by action
        Role.ADMIN: set(Action),
        Role.OFFICE: {Action.VIEW_CHAIN, Action.VIEW_ENTERPRISE_DATA, Action.RUN_SCENARIO, Action.UPLOAD_DATA,
                      Action.MANAGE_GRANTS},
        Role.ANALYST: {Action.VIEW_CHAIN, Action.VIEW_ENTERPRISE_DATA, Action.RUN_SCENARIO},
        Role.ENTERPRISE: {Action.VIEW_CHAIN, Action.VIEW_ENTERPRISE_DATA},
        Role.OBSERVER: {Action.VIEW_CHAIN},
    }
    for role, allowed in expected.items():
        p = P(role, ("130000",), enterprise="H1")
        assert {a for a in Action if can(p, a)} == allowed, role


def test_region_and_chain_scope() -> None:
    assert can(HEBEI, Action.VIEW_ENTERPRISE_DATA, region="130203")
    assert not can(HEBEI, Action.VIEW_ENTERPRISE_DATA, region="110105")
    assert can(HEBEI, Action.MANAGE_GRANTS, region="130000")
    assert not can(HEBEI, Action.MANAGE_GRANTS, region="110000")
    assert not can(HEBEI, Action.UPLOAD_DATA, region="")  # malformed region: refused
    assert can(HEBEI, Action.VIEW_CHAIN, region="110000")  # aggregates are not regional
    assert not can(FIRM_H1, Action.VIEW_ENTERPRISE_DATA, region="130000")
    assert can(ADMIN, Action.MANAGE_USERS, region="650000", dataset="x", chain="y")
    scoped = P(Role.ANALYST, ("120000",), chains=("nev-jjj/nev", "ic/*"))
    assert chain_allowed(scoped, "nev-jjj", "nev") and not chain_allowed(scoped, "nev-jjj", "other")
    assert chain_allowed(scoped, "ic", "anything") and not chain_allowed(scoped, "pv", "nev")
    assert can(scoped, Action.RUN_SCENARIO, dataset="nev-jjj", chain="nev")
    assert not can(scoped, Action.VIEW_CHAIN, dataset="nev-jjj", chain="other")
    assert can(scoped, Action.VIEW_CHAIN, dataset="ic") and not can(scoped, Action.VIEW_CHAIN, dataset="pv")
    assert chain_allowed(ADMIN, "any", "chain")
    assert not chain_allowed(P(Role.OBSERVER, chains=()), "nev-jjj", "nev")


# --- who sees which rows ---------------------------------------------------------------------------


def test_admin_sees_everything_unchanged(ds: Dataset) -> None:
    out = redact_dataset(ds, ADMIN, [], NOW, secret=SECRET)
    for name in ds.tables:
        pd.testing.assert_frame_equal(out[name], ds[name])
    assert (out.version, out.version_id) == (3, 7)


def test_hebei_office_sees_hebei_and_foreign_firms_and_pseudonyms(ds: Dataset) -> None:
    out = redact_dataset(ds, HEBEI, [], NOW, secret=SECRET)
    assert ids(out.enterprises) == sorted(["H1", "H2", "F1", ps("B1"), ps("T1")])
    assert caps_of(out.capacities) == ["F1", "H1", "H2"]
    assert links_of(out.supply_links) == sorted([("H1", ps("B1")), ("F1", "H2"), (ps("T1"), "H2")])
    assert reporters(out.trade) == ["130000", "CN"]
    e = out.enterprises.set_index("id")
    assert e.loc["H1", "uscc"] == "USCC-H1" and e.loc["H1", "region"] == "130203"  # own firms in full
    b1 = e.loc[ps("B1")]
    assert b1["name_zh"] == PSEUDONYM_NAME_ZH and b1["region"] == "110000" and b1["country"] == "CN"
    assert b1["name_en"] == access.PSEUDONYM_NAME_EN
    assert b1[["uscc", "tags", "zone", "source", "size", "foreign_id"]].isna().all()
    assert pd.isna(b1["employees"])
    assert "B2" not in set(out.supply_links["supplier"]) | set(out.supply_links["customer"])
    # volumes of visible links are Hebei's data, in full
    assert sorted(out.supply_links["volume"]) == [1.0, 3.0, 4.0]
    # untouched public tables
    pd.testing.assert_frame_equal(out.products, ds.products)


def test_beijing_office(ds: Dataset) -> None:
    out = redact_dataset(ds, BEIJING, [], NOW, secret=SECRET)
    assert ids(out.enterprises) == sorted(["B1", "B2", "F1", ps("H1"), ps("T1")])
    assert caps_of(out.capacities) == ["B1", "B2", "F1"]
    # F1->H2 is Hebei's link: the foreign end gives Beijing no claim on it
    assert links_of(out.supply_links) == sorted([(ps("H1"), "B1"), ("B2", ps("T1")), ("B1", "B2")])
    assert reporters(out.trade) == ["110000", "CN"]


def test_tianjin_analyst_without_grants(ds: Dataset) -> None:
    out = redact_dataset(ds, TIANJIN, [], NOW, secret=SECRET)
    assert ids(out.enterprises) == sorted(["T1", "F1", ps("B2"), ps("H2")])
    assert caps_of(out.capacities) == ["F1", "T1"]
    assert links_of(out.supply_links) == sorted([(ps("B2"), "T1"), ("T1", ps("H2"))])
    assert reporters(out.trade) == ["CN"]


def test_observer_sees_no_enterprise_rows(ds: Dataset) -> None:
    out = redact_dataset(ds, OBSERVER, [Grant(1, "130000", "110000", "*")], NOW, secret=SECRET)
    assert out.enterprises.empty and out.capacities.empty and out.supply_links.empty
    assert reporters(out.trade) == ["CN"]
    assert list(out.enterprises.columns) == list(ds.enterprises.columns)
    vis = visibility(ds, OBSERVER, [], now=NOW)
    assert not vis.sees_enterprise_data and vis.region_fields("capacities", "") is None


def test_enterprise_user_sees_own_firm_and_own_links(ds: Dataset) -> None:
    out = redact_dataset(ds, FIRM_H1, [Grant(1, "110000", "130000", "*")], NOW, secret=SECRET)
    assert ids(out.enterprises) == sorted(["H1", ps("B1")])
    assert caps_of(out.capacities) == ["H1"]
    assert links_of(out.supply_links) == [("H1", ps("B1"))]
    assert reporters(out.trade) == ["CN"]  # the province's trade is not the firm's data
    assert out.enterprises.set_index("id").loc["H1", "employees"] == 300


def test_enterprise_user_pseudonymises_foreign_counterparties(ds: Dataset) -> None:
    out = redact_dataset(ds, P(Role.ENTERPRISE, enterprise="H2"), [], NOW, secret=SECRET)
    assert ids(out.enterprises) == sorted(["H2", ps("F1"), ps("T1")])
    f1 = out.enterprises.set_index("id").loc[ps("F1")]
    assert f1["country"] == "JP" and f1["region"] is None and f1["name_zh"] == PSEUDONYM_NAME_ZH


# --- grants -----------------------------------------------------------------------------------------


def test_full_grant_from_hebei_to_beijing(ds: Dataset) -> None:
    grant = Grant(1, "130000", "110000", "toy")
    out = redact_dataset(ds, BEIJING, [grant], NOW, secret=SECRET)
    assert ids(out.enterprises) == sorted(["B1", "B2", "F1", "H1", "H2", ps("T1")])
    assert caps_of(out.capacities) == ["B1", "B2", "F1", "H1", "H2"]
    assert links_of(out.supply_links) == sorted(
        [("H1", "B1"), ("B2", ps("T1")), ("B1", "B2"), ("F1", "H2"), (ps("T1"), "H2")])
    assert reporters(out.trade) == ["110000", "130000", "CN"]
    assert out.enterprises.set_index("id").loc["H1", "uscc"] == "USCC-H1"
    # a grant to another region, for another dataset, or from another region shows Beijing no Hebei firm
    for other, extra in ((Grant(2, "130000", "120000", "*"), []), (Grant(3, "130000", "110000", "other"), []),
                         (Grant(4, "120000", "110000", "*"), ["T1"])):
        got = caps_of(redact_dataset(ds, BEIJING, [other], NOW, secret=SECRET).capacities)
        assert got == sorted(["B1", "B2", "F1", *extra])


def test_table_level_grant(ds: Dataset) -> None:
    grant = Grant(1, "130000", "120000", "*", tables=frozenset({"capacities"}))
    out = redact_dataset(ds, TIANJIN, [grant], NOW, secret=SECRET)
    # Hebei capacities are visible, Hebei identities are not: capacities refer to pseudonyms
    assert caps_of(out.capacities) == sorted(["F1", "T1", ps("H1"), ps("H2")])
    assert ids(out.enterprises) == sorted(["T1", "F1", ps("B2"), ps("H1"), ps("H2")])
    assert links_of(out.supply_links) == sorted([(ps("B2"), "T1"), ("T1", ps("H2"))])
    assert reporters(out.trade) == ["CN"]


def test_field_level_grant_masks_other_fields(ds: Dataset) -> None:
    grant = Grant(1, "130000", "120000", "*", tables=frozenset({"capacities", "enterprises"}),
                  fields=frozenset({"capacity", "employees"}))
    out = redact_dataset(ds, TIANJIN, [grant], NOW, secret=SECRET)
    caps = out.capacities.set_index("enterprise")
    assert caps.loc["H1", "capacity"] == 30.0 and np.isnan(caps.loc["H1", "output"])
    assert caps.loc["H1", "product"] == "PA" and caps.loc["H1", "source"] is None
    assert caps.loc["T1", "output"] == 45.0 and caps.loc["T1", "source"] == "年报"  # own region in full
    e = out.enterprises.set_index("id")
    h1 = e.loc["H1"]
    assert h1["name_zh"] == "冀一" and h1["size"] == "medium" and h1["employees"] == 300
    assert h1["region"] == "130000"  # cut to the province: region was not granted
    assert h1["uscc"] is None and h1["tags"] is None and h1["zone"] is None
    assert out.capacities["output"].dtype == "float64" and out.enterprises["employees"].dtype == "Int64"
    vis = visibility(ds, TIANJIN, [grant], now=NOW)
    assert vis.region_fields("capacities", "130203") == frozenset(
        {"enterprise", "product", "facility_region", "facility_country", "capacity"})
    assert vis.region_fields("supply_links", "130000") is None
    assert vis.region_fields("capacities", "") == access.ALL_FIELDS["capacities"]  # foreign firms
    assert vis.region_fields("capacities", "13") is None  # a malformed code is nobody's region
    assert vis.sees_all(["H1", "T1"], "capacities", "capacity")
    assert not vis.sees_all(["H1", "T1"], "capacities", "output")
    assert not vis.sees_all(["B1"], "capacities")


def test_two_field_grants_add_up_and_full_grant_wins(ds: Dataset) -> None:
    g1 = Grant(1, "130000", "120000", "*", tables=frozenset({"capacities"}), fields=frozenset({"capacity"}))
    g2 = Grant(2, "130000", "120000", "toy", tables=frozenset({"capacities"}), fields=frozenset({"output"}))
    vis = visibility(ds, TIANJIN, [g1, g2], now=NOW)
    assert {"capacity", "output"} <= vis.region_fields("capacities", "130000")  # type: ignore[operator]
    assert "source" not in vis.region_fields("capacities", "130000")  # type: ignore[operator]
    g3 = Grant(3, "130000", "120000", "*")
    assert vis.region_fields("capacities", "130000") != visibility(ds, TIANJIN, [g1, g3], now=NOW).region_fields(
        "capacities", "130000")
    assert visibility(ds, TIANJIN, [g1, g3], now=NOW).region_fields("capacities", "130000") == \
        access.ALL_FIELDS["capacities"]


def test_expired_grants_do_not_count(ds: Dataset) -> None:
    expired = Grant(1, "130000", "110000", "*", expires_at=NOW - timedelta(seconds=1))
    at_expiry = Grant(2, "130000", "110000", "*", expires_at=NOW)
    assert caps_of(redact_dataset(ds, BEIJING, [expired, at_expiry], NOW, secret=SECRET).capacities) == \
        ["B1", "B2", "F1"]
    naive_future = Grant(3, "130000", "110000", "*", expires_at=datetime(2027, 1, 1))
    assert "H1" in caps_of(redact_dataset(ds, BEIJING, [naive_future], NOW, secret=SECRET).capacities)


# --- pseudonyms and suppression ---------------------------------------------------------------------


def test_pseudonym_is_keyed_stable_and_not_a_plain_hash() -> None:
    a = pseudonym("H1", SECRET)
    assert a == pseudonym("H1", SECRET) == pseudonym("H1", SECRET.decode())
    assert a.startswith("X-") and len(a) == 10 and int(a[2:], 16) >= 0
    assert a != pseudonym("H1", b"another-secret") and a != pseudonym("H2", SECRET)
    assert a[2:] not in (hashlib.sha256(b"H1").hexdigest()[:8], hashlib.md5(b"H1").hexdigest()[:8])
    # HMAC-SHA256, first 8 hex digits (RFC 2104; checked with the standard library)
    import hmac
    assert a == "X-" + hmac.new(SECRET, b"H1", hashlib.sha256).hexdigest()[:8]
    with pytest.raises(ValueError):
        pseudonym("H1", b"")


def test_pseudonyms_stay_distinct_on_collision(ds: Dataset, monkeypatch: pytest.MonkeyPatch) -> None:
    real = access.pseudonym

    def colliding(eid: str, secret: bytes | str, *, length: int = 8) -> str:
        return "X-00000000" if length == 8 else real(eid, secret, length=length)

    monkeypatch.setattr(access, "pseudonym", colliding)
    out = redact_dataset(ds, HEBEI, [], NOW, secret=SECRET)
    fakes = [i for i in out.enterprises["id"] if i.startswith("X-")]
    assert sorted(fakes) == sorted([real("B1", SECRET, length=16), real("T1", SECRET, length=16)])
    assert access.pseudonym_map(["T1", "B1", "T1"], SECRET) == {"B1": real("B1", SECRET, length=16),
                                                              "T1": real("T1", SECRET, length=16)}
    monkeypatch.setattr(access, "pseudonym", real)
    assert access.pseudonym_map(["B1"], SECRET) == {"B1": ps("B1")}


def test_redaction_is_deterministic_and_keeps_references_whole(ds: Dataset) -> None:
    for p in (HEBEI, BEIJING, TIANJIN, FIRM_H1, OBSERVER, ADMIN):
        a = redact_dataset(ds, p, [], NOW, secret=SECRET)
        b = redact_dataset(ds, p, [], NOW, secret=SECRET)
        for name in a.tables:
            pd.testing.assert_frame_equal(a[name], b[name])
        known = set(a.enterprises["id"])
        assert set(a.capacities["enterprise"]) | set(a.supply_links["supplier"]) | \
            set(a.supply_links["customer"]) <= known
        assert a.enterprises["id"].is_unique
        # nothing of an unseen firm leaks: no real id of another region outside the pseudonym rows
        for name in ("uscc", "employees", "tags"):
            assert a.enterprises.loc[a.enterprises["id"].str.startswith("X-"), name].isna().all()


def test_suppress_small() -> None:
    assert MIN_GROUP == 3
    assert suppress_small(1, False) and suppress_small(2, False)
    assert not suppress_small(3, False) and not suppress_small(10, False)
    assert not suppress_small(1, True) and not suppress_small(2, True)
    assert not suppress_small(0, False)
    with pytest.raises(ValueError):
        suppress_small(-1, False)


def test_visible_enterprises_per_table(ds: Dataset) -> None:
    grant = Grant(1, "130000", "120000", "*", tables=frozenset({"capacities"}))
    vis = visibility(ds, TIANJIN, [grant], now=NOW)
    assert vis.visible_enterprises() == frozenset({"T1", "F1"})
    assert vis.visible_enterprises("capacities") == frozenset({"T1", "F1", "H1", "H2"})
    assert visibility(ds, FIRM_H1, [], now=NOW).visible_enterprises("capacities") == frozenset({"H1"})
    assert visibility(ds, OBSERVER, [], now=NOW).visible_enterprises() == frozenset()
    assert len(visibility(ds, ADMIN, [], now=NOW).visible_enterprises()) == 6
    assert vis.identified("T1") and not vis.identified("H1") and not vis.identified("nonexistent")


def test_chinese_firm_without_region_is_for_administrators_only(ds: Dataset) -> None:
    ent = ds.enterprises.copy()
    ent.loc[ent["id"] == "B1", "region"] = None
    nowhere = Dataset("toy", {**ds.tables, "enterprises": ent})
    out = redact_dataset(nowhere, BEIJING, [], NOW, secret=SECRET)
    assert "B1" not in set(out.enterprises["id"]) and caps_of(out.capacities) == ["B2", "F1"]
    assert links_of(out.supply_links) == sorted([("B2", ps("T1")), (ps("B1"), "B2")])
    out = redact_dataset(nowhere, HEBEI, [], NOW, secret=SECRET)
    b1 = out.enterprises.set_index("id").loc[ps("B1")]  # a pseudonym where Hebei's link H1->B1 needs it
    assert b1["region"] is None and b1["country"] == "CN"
    assert "B1" in set(redact_dataset(nowhere, ADMIN, [], NOW, secret=SECRET).enterprises["id"])


# --- property: redact_dataset agrees with a row-by-row reading of docs/web.md ----------------------

PROVINCES = ("110000", "120000", "130000")
TABLE_SETS = [frozenset({"capacities"}), frozenset({"enterprises", "capacities"}), frozenset({"supply_links"}),
              access.CONFIDENTIAL_TABLES]


def _oracle_fields(p: Principal, grants: list[Grant], table_name: str, owner: str | None) -> set[str] | None:
    """Fields of ``table_name`` ``p`` sees in a row owned by ``owner`` (None foreign), one grant at a time."""
    cols = set(access.ALL_FIELDS[table_name])
    if owner is None or owner in p.regions:
        return cols
    seen: set[str] | None = None
    for g in grants:
        live = g.expires_at is None or g.expires_at > NOW
        if live and g.grantor_region == owner and g.grantee_region in p.regions and table_name in g.tables:
            granted = cols if g.fields is None else (set(g.fields) & cols) | set(access.ALWAYS_VISIBLE[table_name])
            seen = (seen or set()) | granted
    return seen


@st.composite
def scenarios(draw: st.DrawFn) -> tuple[Principal, list[Grant]]:
    regions = draw(st.sets(st.sampled_from(PROVINCES), min_size=1))
    role = draw(st.sampled_from([Role.OFFICE, Role.ANALYST]))
    grants = []
    for i in range(draw(st.integers(0, 4))):
        fields = draw(st.one_of(st.none(), st.sets(st.sampled_from(["capacity", "output", "employees", "volume",
                                                                     "uscc", "source"]), min_size=1)))
        grants.append(Grant(
            i + 1, draw(st.sampled_from(PROVINCES)), draw(st.sampled_from(PROVINCES)),
            draw(st.sampled_from(["*", "toy", "other"])), draw(st.sampled_from(TABLE_SETS)),
            None if fields is None else frozenset(fields),
            draw(st.sampled_from([None, NOW - timedelta(days=1), NOW + timedelta(days=1)])),
        ))
    return Principal(9, "p", role, frozenset(regions)), grants


@settings(max_examples=100)
@given(scenarios())
def test_redaction_matches_row_by_row_rules(scenario: tuple[Principal, list[Grant]]) -> None:
    p, grants = scenario
    ds = _toy()
    owner = {r.id: (None if r.country != "CN" else r.region[:2] + "0000") for r in ds.enterprises.itertuples()}
    live = [g for g in grants if g.dataset in ("*", "toy")]
    out = redact_dataset(ds, p, grants, NOW, secret=SECRET)
    hidden = {ps(e): e for e in owner}
    back = {**hidden, **{e: e for e in owner}}

    # capacities: visible rows and exactly their visible fields
    got = {back[r["enterprise"]]: r for r in out.capacities.to_dict("records")}
    for r in ds.capacities.to_dict("records"):
        f = _oracle_fields(p, live, "capacities", owner[r["enterprise"]])
        assert (r["enterprise"] in got) == (f is not None)
        if f is not None:
            shown = got[r["enterprise"]]
            for c in access.ALL_FIELDS["capacities"]:
                value = back[shown[c]] if c == "enterprise" else shown[c]
                expected = r[c] if c in f else None
                assert (pd.isna(value) and pd.isna(expected)) or value == expected, (c, r["enterprise"])

    # links: visible when either domestic end's owner shares supply_links (a foreign end never counts alone)
    got_links = {(back[s], back[c]) for s, c in zip(out.supply_links["supplier"], out.supply_links["customer"],
                                                     strict=True)}
    expected_links = set()
    for s, c in zip(ds.supply_links["supplier"], ds.supply_links["customer"], strict=True):
        ends = [owner[e] for e in (s, c) if owner[e] is not None] or [None]
        if any(_oracle_fields(p, live, "supply_links", o) is not None for o in ends):
            expected_links.add((s, c))
    assert got_links == expected_links

    # enterprises: identified exactly when the enterprises table is shared; otherwise only as a pseudonym
    for eid, o in owner.items():
        identified = _oracle_fields(p, live, "enterprises", o) is not None
        assert (eid in set(out.enterprises["id"])) == identified
    for pid in out.enterprises["id"]:
        if pid.startswith("X-"):
            row = out.enterprises.set_index("id").loc[pid]
            assert row["name_zh"] == PSEUDONYM_NAME_ZH and pd.isna(row["uscc"]) and pd.isna(row["employees"])
