"""Governance (layer 1): rules of the chain-leader system — roles, regional scopes, data-sharing grants.

``access`` decides who may do what (:func:`can`), who sees which enterprise's rows and fields
(:func:`visibility`, :func:`redact_dataset`) and when an aggregate must be withheld
(:func:`suppress_small`). Pure: no IO.
"""

from chainleader.governance.access import (
    ALWAYS_VISIBLE,
    CONFIDENTIAL_TABLES,
    MIN_GROUP,
    PSEUDONYM_NAME_EN,
    PSEUDONYM_NAME_ZH,
    Action,
    Grant,
    Principal,
    Role,
    RowAccess,
    Visibility,
    can,
    chain_allowed,
    grant_is_active,
    province_of,
    pseudonym,
    pseudonym_map,
    redact_dataset,
    suppress_small,
    visibility,
)

__all__ = [
    "ALWAYS_VISIBLE",
    "CONFIDENTIAL_TABLES",
    "MIN_GROUP",
    "PSEUDONYM_NAME_EN",
    "PSEUDONYM_NAME_ZH",
    "Action",
    "Grant",
    "Principal",
    "Role",
    "RowAccess",
    "Visibility",
    "can",
    "chain_allowed",
    "grant_is_active",
    "province_of",
    "pseudonym",
    "pseudonym_map",
    "redact_dataset",
    "suppress_small",
    "visibility",
]
